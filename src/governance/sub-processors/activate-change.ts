import { AppError } from '../../errors.ts';
import { getCurrentProgram } from '../../program/current-program.ts';
import type { WorkspaceScope } from '../../store/workspace-scope.ts';
import { type Actor, appendAudit } from '../append-audit.ts';
import { loadChange } from './load-change.ts';

/**
 * Puts the sub-processor into service. Refused without a DPIA reference, without a
 * delivered notice to every customer, and before the objection window ends. Objections
 * do not block it, but they must be answered: the caller states how (`resolution`).
 */
export async function activateChange(
  scope: WorkspaceScope,
  changeId: string,
  options: { resolution?: string | undefined },
  actor: Actor,
  now: Date,
) {
  const change = await loadChange(scope, changeId, now);
  const problems: { path: string; message: string }[] = [];
  if (change.status !== 'notified')
    throw new AppError(
      'conflict',
      `this change is ${change.status}: only an announced change can be activated`,
    );
  if (!change.dpia_ref) problems.push({ path: 'dpia_ref', message: 'no DPIA reference recorded' });
  const { program } = await getCurrentProgram(scope);
  const delivered = new Set(change.notices.filter((n) => n.accepted).map((n) => n.customer_key));
  const missing = program.doc.customers.filter((c) => !delivered.has(c.key)).map((c) => c.key);
  if (missing.length)
    problems.push({
      path: 'notices',
      message: `no delivered notice to: ${missing.join(', ')} (notify again)`,
    });
  const deadline = change.objection_deadline ? new Date(change.objection_deadline) : undefined;
  if (!deadline || deadline.getTime() > now.getTime())
    problems.push({
      path: 'objection_deadline',
      message: `the objection window is open until ${deadline?.toISOString() ?? 'unknown'}`,
    });
  if (change.objections.length && !options.resolution)
    problems.push({
      path: 'resolution',
      message: `${change.objections.length} customer(s) objected (${change.objections.map((o) => o.customer_key).join(', ')}): state how the objections were handled`,
    });
  if (problems.length)
    throw new AppError('conflict', `cannot activate yet: ${problems.map((p) => p.message).join('; ')}`, {
      details: problems,
    });
  await scope
    .updateTable('sub_processor_changes')
    .set({ status: 'activated', activated_at: now, activated_by: actor.id })
    .where('id', '=', changeId)
    .execute();
  await appendAudit(
    scope,
    {
      actor,
      action: 'sub_processor_change.activate',
      objectType: 'sub_processor_change',
      objectId: changeId,
      ...(options.resolution ? { reason: options.resolution } : {}),
      details: { processor: change.processor_key, objections: change.objections.map((o) => o.customer_key) },
    },
    now,
  );
  return loadChange(scope, changeId, now);
}
