import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import { subjectSchema } from './record-consent.ts';

export const restrictionKinds = [
  'restriction',
  'objection',
  'opt_out_sale',
  'limit_sensitive',
  'do_not_contact',
] as const;
export type RestrictionKind = (typeof restrictionKinds)[number];

export const restrictionInputSchema = z.object({
  subject: subjectSchema,
  kind: z.enum(restrictionKinds),
  /** Data uses it applies to; absent means what the kind covers by law (all processing, marketing…). */
  purposes: z.array(z.string().min(1)).optional(),
});
export type RestrictionInput = z.infer<typeof restrictionInputSchema>;

/**
 * Records a restriction, objection or opt-out for a subject; the decision API honours it
 * from the next call on. Called when a rights request of that kind completes.
 */
export async function recordRestriction(
  scope: WorkspaceScope,
  input: RestrictionInput,
  now: Date,
): Promise<{ id: string }> {
  const id = randomUUID();
  await scope
    .insertInto('subject_restrictions', {
      id,
      subject: input.subject,
      kind: input.kind,
      purposes: input.purposes ? JSON.stringify(input.purposes) : null,
      created_at: now,
      lifted_at: null,
    } as never)
    .execute();
  return { id };
}

/** Lifts a restriction (e.g. Art. 18(3): the controller informs the person before lifting). */
export async function liftRestriction(scope: WorkspaceScope, id: string, now: Date): Promise<boolean> {
  const result = await scope
    .updateTable('subject_restrictions')
    .set({ lifted_at: now })
    .where('id', '=', id)
    .where('lifted_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
