import { randomUUID } from 'node:crypto';
import { AppError } from '../../errors.ts';
import { getCurrentProgram } from '../../program/current-program.ts';
import type { WorkspaceScope } from '../../store/workspace-scope.ts';
import { type Actor, appendAudit } from '../append-audit.ts';

/** A customer's objection, while the window is open; one per customer and change. */
export async function recordObjection(
  scope: WorkspaceScope,
  options: { changeId: string; customer: string; reason: string; via: 'link' | 'api' },
  actor: Actor,
  now: Date,
) {
  const change = await scope
    .selectFrom('sub_processor_changes')
    .selectAll()
    .where('id', '=', options.changeId)
    .executeTakeFirst();
  if (!change) throw new AppError('not_found', `no sub-processor change ${options.changeId}`);
  if (change.status !== 'notified' || !change.objection_deadline)
    throw new AppError('conflict', `this change is ${change.status}: objections are not open`);
  if (new Date(change.objection_deadline).getTime() <= now.getTime())
    throw new AppError(
      'gone',
      `the objection window closed on ${new Date(change.objection_deadline).toISOString()}`,
    );
  const { program } = await getCurrentProgram(scope);
  if (!program.doc.customers.some((c) => c.key === options.customer))
    throw new AppError('validation_failed', `no customer "${options.customer}" in the program`, {
      details: [{ path: 'body.customer', message: 'not in customers[]' }],
    });
  const existing = await scope
    .selectFrom('sub_processor_objections')
    .select('recorded_at')
    .where('change_id', '=', options.changeId)
    .where('customer_key', '=', options.customer)
    .executeTakeFirst();
  if (existing)
    throw new AppError(
      'conflict',
      `${options.customer} already objected on ${new Date(existing.recorded_at).toISOString()}`,
    );
  const id = randomUUID();
  await scope
    .insertInto('sub_processor_objections', {
      id,
      change_id: options.changeId,
      customer_key: options.customer,
      reason: options.reason,
      via: options.via,
      recorded_at: now,
      recorded_by: actor.id,
    })
    .execute();
  await appendAudit(
    scope,
    {
      actor,
      action: 'sub_processor_change.objection',
      objectType: 'sub_processor_change',
      objectId: options.changeId,
      reason: options.reason,
      details: { customer: options.customer, via: options.via },
    },
    now,
  );
  return { id, change_id: options.changeId, customer: options.customer, recorded_at: now.toISOString() };
}
