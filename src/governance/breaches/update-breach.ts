import { randomUUID } from 'node:crypto';
import { AppError } from '../../errors.ts';
import type { WorkspaceScope } from '../../store/workspace-scope.ts';
import { type Actor, appendAudit } from '../append-audit.ts';
import { presentBreach } from './present-breach.ts';

export const breachPhases = [
  'investigation',
  'containment',
  'assessment',
  'notification',
  'closure',
  'other',
] as const;

export interface BreachChanges {
  nature?: string | undefined;
  consequences?: string | undefined;
  measures?: string | undefined;
  subjects_estimate?: number | undefined;
  records_estimate?: number | undefined;
  /** Art. 34 decision: tell the people affected, with the reason either way. */
  notify_subjects?: boolean | undefined;
  notify_subjects_reason?: string | undefined;
  authority_notified_at?: Date | undefined;
  authority_reference?: string | undefined;
  status?: 'open' | 'closed' | undefined;
}

/**
 * Adds a phased update (Art. 33(4): information may come in phases). The update is kept
 * as written; the fields it changes are applied to the breach record.
 */
export async function updateBreach(
  scope: WorkspaceScope,
  breachId: string,
  update: { phase: (typeof breachPhases)[number]; text: string; changes: BreachChanges },
  actor: Actor,
  now: Date,
) {
  const changes = Object.fromEntries(
    Object.entries(update.changes).filter(([, v]) => v !== undefined),
  ) as BreachChanges;
  if ((changes.notify_subjects === undefined) !== (changes.notify_subjects_reason === undefined)) {
    throw new AppError(
      'validation_failed',
      'the decision to notify people needs both notify_subjects and its reason',
      {
        details: [
          {
            path: 'body.changes.notify_subjects_reason',
            message: 'give the decision and its reason together',
          },
        ],
      },
    );
  }
  return scope.transaction(async (tx) => {
    const breach = await tx
      .selectFrom('breaches')
      .selectAll()
      .where('id', '=', breachId)
      .forUpdate()
      .executeTakeFirst();
    if (!breach) throw new AppError('not_found', `no breach ${breachId}`);
    if (breach.status === 'closed' && changes.status !== 'open')
      throw new AppError('conflict', 'this breach is closed: reopen it (status: open) to change it');
    if (Object.keys(changes).length)
      await tx.updateTable('breaches').set(changes).where('id', '=', breachId).execute();
    const record = Object.fromEntries(
      Object.entries(changes).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]),
    );
    await tx
      .insertInto('breach_updates', {
        id: randomUUID(),
        breach_id: breachId,
        at: now,
        phase: update.phase,
        text: update.text,
        changes: JSON.stringify(record) as never,
        actor: actor.id,
      })
      .execute();
    await appendAudit(
      tx,
      {
        actor,
        action: 'breach.update',
        objectType: 'breach',
        objectId: breachId,
        ...(changes.notify_subjects_reason ? { reason: changes.notify_subjects_reason } : {}),
        details: { phase: update.phase, changes: record },
      },
      now,
    );
    const updated = await tx
      .selectFrom('breaches')
      .selectAll()
      .where('id', '=', breachId)
      .executeTakeFirstOrThrow();
    return presentBreach(updated, now);
  });
}
