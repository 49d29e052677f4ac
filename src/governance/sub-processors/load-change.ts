import { AppError } from '../../errors.ts';
import type { WorkspaceScope } from '../../store/workspace-scope.ts';

/** A change with its notice log and objections, as the API shows it. */
export async function loadChange(scope: WorkspaceScope, id: string, now: Date) {
  const change = await scope
    .selectFrom('sub_processor_changes')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!change) throw new AppError('not_found', `no sub-processor change ${id}`);
  const notices = await scope
    .selectFrom('sub_processor_notices')
    .select(['customer_key', 'email', 'sent_at', 'accepted', 'error'])
    .where('change_id', '=', id)
    .orderBy('sent_at')
    .execute();
  const objections = await scope
    .selectFrom('sub_processor_objections')
    .select(['customer_key', 'reason', 'via', 'recorded_at', 'recorded_by'])
    .where('change_id', '=', id)
    .orderBy('recorded_at')
    .execute();
  const deadline = change.objection_deadline ? new Date(change.objection_deadline) : null;
  return {
    ...change,
    window_open: change.status === 'notified' && !!deadline && deadline.getTime() > now.getTime(),
    notices,
    objections,
  };
}
