import { randomUUID } from 'node:crypto';
import type { WorkspaceScope } from '../../store/workspace-scope.ts';

/** Adds an email to the people told of material notice changes; subscribing twice changes nothing. */
export async function subscribeToNotice(
  scope: WorkspaceScope,
  email: string,
  now: Date,
): Promise<{ subscribed: boolean }> {
  const normalized = email.trim().toLowerCase();
  const result = await scope
    .insertInto('notice_subscribers', { id: randomUUID(), email: normalized, created_at: now })
    .onConflict((oc) => oc.columns(['workspace_id', 'email']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return { subscribed: result !== undefined };
}
