import type { Selectable } from 'kysely';
import { AppError } from '../errors.ts';
import type { RequestType } from '../program/schema.ts';
import type { DsrRequestsTable } from '../store/schema.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import type { RequestState } from './request-states.ts';

/** One stored request, as read from `dsr_requests`. */
export type RequestRow = Selectable<DsrRequestsTable> & { type: RequestType; state: RequestState };

/** A jsonb value for an insert or update (the drivers take JSON text). */
export function json(value: unknown): never {
  return JSON.stringify(value) as never;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The request with this id in the scope's workspace; 404 otherwise (also for other workspaces' ids). */
export async function getRequest(scope: WorkspaceScope, id: string): Promise<RequestRow> {
  const row = uuidPattern.test(id)
    ? await scope.selectFrom('dsr_requests').selectAll().where('id', '=', id).executeTakeFirst()
    : undefined;
  if (!row) throw new AppError('not_found', `no request ${id}`);
  return row as RequestRow;
}

/** What the API shows of a request; identities only when asked (and audited by the caller). */
export function requestView(row: RequestRow, options: { identities?: boolean; now?: Date } = {}) {
  const now = options.now;
  const open = !['completed', 'denied', 'canceled'].includes(row.state);
  return {
    id: row.id,
    type: row.type,
    state: row.state,
    jurisdiction: row.jurisdiction,
    channel: row.channel,
    received_at: row.received_at,
    due_at: row.due_at,
    legal_due_at: row.legal_due_at,
    receipt_confirm_by: row.receipt_confirm_by,
    deadline_rule: row.deadline_rule,
    overdue: open && now !== undefined && row.due_at.getTime() < now.getTime(),
    extended: row.extended,
    extension_reason: row.extension_reason,
    verification_level: row.verification_level,
    verification: row.verification,
    verified_at: row.verified_at,
    needs_approval: row.needs_approval,
    decided_at: row.decided_at,
    decided_by: row.decided_by,
    denial_reason: row.denial_reason,
    denial_text: row.denial_text,
    flags: row.flags,
    customer_key: row.customer_key,
    customer_decision: row.customer_decision,
    agent: row.agent
      ? { name: row.agent.name, email: row.agent.email, confirmed: row.agent.confirmed }
      : null,
    details: row.details,
    result: row.result,
    completed_at: row.completed_at,
    closed_response: row.closed_response,
    external_id: row.external_id,
    /** The language its mails to the person are written in (the page it was made on). */
    lang: row.lang,
    /** Set once the records period is over and the personal data was removed. */
    minimised_at: row.minimised_at,
    ...(options.identities ? { identities: row.identities, contact_email: row.contact_email } : {}),
  };
}
