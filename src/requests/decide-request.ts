import { AppError } from '../errors.ts';
import type { Services } from '../http/services.ts';
import { findCurrentProgram } from '../program/current-program.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import { scheduleRun } from './advance-request.ts';
import { computeDeadlines, type JurisdictionCode } from './compute-deadlines.ts';
import { type RequestActor, recordRequestEvent, transitionRequest } from './record-transition.ts';
import { canceledMail, deniedMail, extendedMail, sendRequestMail } from './request-mail.ts';
import { getRequest, type RequestRow } from './request-record.ts';
import { closedStates } from './request-states.ts';
import type { DenialReason } from './request-types.ts';

/**
 * A reviewer (or the business customer, for its users) approves a verified request. When
 * the request carries a flag (the CCPA access limit), approving records the decision to
 * honour it anyway, with the note.
 */
export async function approveRequest(
  scope: WorkspaceScope,
  services: Services,
  requestId: string,
  actor: RequestActor,
  options: { note?: string | undefined; customerDecision?: boolean } = {},
): Promise<RequestRow> {
  const now = services.clock();
  const row = await getRequest(scope, requestId);
  if (row.state !== 'verified') {
    throw new AppError(
      'conflict',
      row.state === 'verifying' || row.state === 'received'
        ? 'the person has not verified their identity yet'
        : `a request that is ${row.state} cannot be approved`,
    );
  }
  if (row.customer_key && !options.customerDecision && !row.customer_decision) {
    throw new AppError('conflict', `this request is for ${row.customer_key} to decide (processor routing)`);
  }
  if (row.type === 'rectification' && !Object.keys(row.details.correction ?? {}).length) {
    throw new AppError(
      'conflict',
      'say which fields to change first: the person described the correction in words (PUT /api/requests/:id/correction)',
    );
  }
  const approved = await transitionRequest(
    scope,
    requestId,
    {
      to: 'approved',
      actor,
      reason: options.note,
      from: ['verified'],
      details: row.flags.length ? { flags_honoured: row.flags.map((f) => f.rule) } : undefined,
      patch: {
        decided_at: now,
        decided_by: actor.id,
        ...(options.customerDecision ? { customer_decision: 'approved' } : {}),
      },
    },
    now,
  );
  await scheduleRun(scope, services, approved.id);
  return getRequest(scope, requestId);
}

/**
 * Denies a request with a reason from the closed list and an explanation; the person is
 * told the reason and their right to complain to the supervisory authority (Art. 12(4)).
 */
export async function denyRequest(
  scope: WorkspaceScope,
  services: Services,
  requestId: string,
  actor: RequestActor,
  options: { reason: DenialReason; text: string; customerDecision?: boolean },
): Promise<RequestRow> {
  const now = services.clock();
  const denied = await transitionRequest(
    scope,
    requestId,
    {
      to: 'denied',
      actor,
      reason: `${options.reason}: ${options.text}`,
      from: ['received', 'verifying', 'verified'],
      patch: {
        decided_at: now,
        decided_by: actor.id,
        denial_reason: options.reason,
        denial_text: options.text,
        closed_response: 'denied',
        completed_at: now,
        ...(options.customerDecision ? { customer_decision: 'denied' } : {}),
      },
    },
    now,
  );
  const doc = (await findCurrentProgram(scope))?.program.doc;
  await sendRequestMail(scope, services, denied, deniedMail(denied, doc), now);
  return denied;
}

/**
 * Takes the legal extension (GDPR two months, CCPA 45 days). The reason goes to the person,
 * which the law requires before the first period ends.
 */
export async function extendRequest(
  scope: WorkspaceScope,
  services: Services,
  requestId: string,
  actor: RequestActor,
  reason: string,
): Promise<RequestRow> {
  const now = services.clock();
  const row = await getRequest(scope, requestId);
  if (closedStates.includes(row.state)) throw new AppError('conflict', `the request is ${row.state}`);
  if (row.extended) throw new AppError('conflict', 'the request has already been extended');
  if (row.type === 'opt_out_sale' || row.type === 'limit_sensitive') {
    throw new AppError('conflict', 'opt-out requests cannot be extended');
  }
  const first = computeDeadlines({
    type: row.type,
    jurisdiction: row.jurisdiction as JurisdictionCode,
    receivedAt: row.received_at,
  });
  if (now.getTime() > first.extensionNoticeBy.getTime()) {
    throw new AppError(
      'conflict',
      `too late to extend: the person had to be told by ${first.extensionNoticeBy.toISOString().slice(0, 10)}`,
    );
  }
  const extended = computeDeadlines({
    type: row.type,
    jurisdiction: row.jurisdiction as JurisdictionCode,
    receivedAt: row.received_at,
    extended: true,
  });
  await scope
    .updateTable('dsr_requests')
    .set({
      extended: true,
      extension_reason: reason,
      due_at: extended.dueAt,
      legal_due_at: extended.legalDueAt,
      deadline_rule: extended.rule,
      updated_at: now,
    })
    .where('id', '=', requestId)
    .execute();
  await recordRequestEvent(
    scope,
    requestId,
    { kind: 'extended', actor, reason, details: { due_at: extended.dueAt.toISOString() } },
    now,
  );
  const after = await getRequest(scope, requestId);
  const doc = (await findCurrentProgram(scope))?.program.doc;
  await sendRequestMail(scope, services, after, extendedMail(after, doc), now);
  return after;
}

/** Cancels a request that has not started running (the person withdrew it, or a duplicate). */
export async function cancelRequest(
  scope: WorkspaceScope,
  services: Services,
  requestId: string,
  actor: RequestActor,
  reason: string,
): Promise<RequestRow> {
  const now = services.clock();
  const canceled = await transitionRequest(
    scope,
    requestId,
    { to: 'canceled', actor, reason, patch: { closed_response: 'canceled', completed_at: now } },
    now,
  );
  const doc = (await findCurrentProgram(scope))?.program.doc;
  await sendRequestMail(scope, services, canceled, canceledMail(canceled, doc), now);
  return canceled;
}

/** Keeps a reviewer's note on the record without changing anything else. */
export async function noteRequest(
  scope: WorkspaceScope,
  services: Services,
  requestId: string,
  actor: RequestActor,
  text: string,
): Promise<void> {
  await getRequest(scope, requestId);
  await recordRequestEvent(scope, requestId, { kind: 'note', actor, reason: text }, services.clock());
}
