import { AppError } from '../errors.ts';
import { appendAudit } from '../governance/append-audit.ts';
import type { DsrRequestsTable } from '../store/schema.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import { getRequest, json, type RequestRow } from './request-record.ts';
import { assertTransition, type RequestState } from './request-states.ts';

/** Who acted: an API key, a reviewer, the data subject, a business customer, or the system. */
export interface RequestActor {
  id: string;
  role: string | null;
}

export const systemActor: RequestActor = { id: 'system', role: null };
export const subjectActor: RequestActor = { id: 'data_subject', role: 'data_subject' };

type Patch = Partial<{ [K in keyof DsrRequestsTable]: unknown }>;

export interface TransitionOptions {
  to: RequestState;
  actor: RequestActor;
  reason?: string | undefined;
  details?: Record<string, unknown> | undefined;
  /** Columns changed together with the state. */
  patch?: Patch;
  /** Only when the request is (still) in one of these states; guards against two workers racing. */
  from?: readonly RequestState[];
}

/**
 * Moves a request to a new state: the row, a history event and an audit entry. The row
 * update and the event commit together; the audit entry follows (its chain has its own lock).
 */
export async function transitionRequest(
  scope: WorkspaceScope,
  requestId: string,
  options: TransitionOptions,
  now: Date,
): Promise<RequestRow> {
  const { before, after } = await scope.transaction(async (tx) => {
    const current = await tx
      .selectFrom('dsr_requests')
      .selectAll()
      .where('id', '=', requestId)
      .forUpdate()
      .executeTakeFirst();
    const before = (current ?? (await getRequest(tx, requestId))) as RequestRow;
    if (options.from && !options.from.includes(before.state)) {
      throw new AppError(
        'conflict',
        `the request is ${before.state} now; it was expected to be ${options.from.join(' or ')}`,
      );
    }
    assertTransition(before.state, options.to);
    await tx
      .updateTable('dsr_requests')
      .set({ ...(options.patch as object), state: options.to, updated_at: now } as never)
      .where('id', '=', requestId)
      .execute();
    await tx
      .insertInto('dsr_request_events', {
        request_id: requestId,
        at: now,
        actor: options.actor.id,
        kind: 'transition',
        from_state: before.state,
        to_state: options.to,
        reason: options.reason ?? null,
        details: options.details ? json(options.details) : null,
      })
      .execute();
    const after = await tx
      .selectFrom('dsr_requests')
      .selectAll()
      .where('id', '=', requestId)
      .executeTakeFirstOrThrow();
    return { before, after: after as RequestRow };
  });
  await appendAudit(
    scope,
    {
      actor: options.actor,
      action: `request.${options.to}`,
      objectType: 'dsr_request',
      objectId: requestId,
      ...(options.reason ? { reason: options.reason } : {}),
      details: { from: before.state, to: options.to, type: before.type, ...(options.details ?? {}) },
    },
    now,
  );
  return after;
}

/** A history entry that is not a state change: an email sent, identities viewed, a flag, a dry run. */
export async function recordRequestEvent(
  scope: WorkspaceScope,
  requestId: string,
  event: {
    kind: string;
    actor: RequestActor;
    reason?: string;
    details?: Record<string, unknown>;
    audit?: boolean;
  },
  now: Date,
): Promise<void> {
  await scope
    .insertInto('dsr_request_events', {
      request_id: requestId,
      at: now,
      actor: event.actor.id,
      kind: event.kind,
      from_state: null,
      to_state: null,
      reason: event.reason ?? null,
      details: event.details ? json(event.details) : null,
    })
    .execute();
  if (event.audit !== false) {
    await appendAudit(
      scope,
      {
        actor: event.actor,
        action: `request.${event.kind}`,
        objectType: 'dsr_request',
        objectId: requestId,
        ...(event.reason ? { reason: event.reason } : {}),
        ...(event.details ? { details: event.details } : {}),
      },
      now,
    );
  }
}

/** Updates columns without a state change (patching details or verification proofs). */
export async function patchRequest(scope: WorkspaceScope, requestId: string, patch: Patch, now: Date) {
  await scope
    .updateTable('dsr_requests')
    .set({ ...(patch as object), updated_at: now } as never)
    .where('id', '=', requestId)
    .execute();
}
