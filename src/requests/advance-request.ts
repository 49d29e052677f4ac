import type { Services } from '../http/services.ts';
import { getCurrentProgram } from '../program/current-program.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import {
  patchRequest,
  type RequestActor,
  recordRequestEvent,
  systemActor,
  transitionRequest,
} from './record-transition.ts';
import { routedMail, sendRequestMail, verifiedMail } from './request-mail.ts';
import { getRequest, json, type RequestRow } from './request-record.ts';
import { requestServices } from './request-services.ts';
import type { VerificationLevel } from './request-settings.ts';
import { absoluteObjections } from './request-types.ts';
import { createToken } from './single-use-token.ts';
import { issueVerificationCode } from './verification-code.ts';

/** Proofs a request can gather: the emailed code, a signed-in account the app vouches for, a reviewer's check. */
export type Proof = 'code' | 'account' | 'reviewer';

/** Whether the proofs gathered meet the level the request type needs. */
export function proofSatisfied(level: VerificationLevel, proofs: Record<string, unknown>): boolean {
  const has = (p: Proof) => proofs[p] !== undefined;
  if (level === 'none') return true;
  if (level === 'code') return has('code') || has('account') || has('reviewer');
  return (has('code') && has('account')) || has('reviewer');
}

/**
 * Adds a proof and moves the request on when it is enough: to `verified`, then to the
 * business customer (processor routing), the reviewer, or straight to the run.
 */
export async function addProof(
  scope: WorkspaceScope,
  services: Services,
  requestId: string,
  proof: Proof,
  detail: Record<string, unknown>,
  actor: RequestActor,
  now: Date,
): Promise<RequestRow> {
  const row = await getRequest(scope, requestId);
  const verification = { ...row.verification, [proof]: { at: now.toISOString(), ...detail } };
  await patchRequest(scope, requestId, { verification: json(verification) }, now);
  await recordRequestEvent(
    scope,
    requestId,
    { kind: 'proof_added', actor, details: { proof, ...detail } },
    now,
  );
  return continueVerification(scope, services, { ...row, verification }, actor, now);
}

/** From `received` or `verifying`: verified when the proofs suffice, otherwise ask for the code. */
export async function continueVerification(
  scope: WorkspaceScope,
  services: Services,
  row: RequestRow,
  actor: RequestActor,
  now: Date,
): Promise<RequestRow> {
  if (row.state !== 'received' && row.state !== 'verifying') return row;
  if (proofSatisfied(row.verification_level as VerificationLevel, row.verification)) {
    const verified = await transitionRequest(
      scope,
      row.id,
      {
        to: 'verified',
        actor,
        patch: { verified_at: now },
        details: { proofs: Object.keys(row.verification) },
      },
      now,
    );
    return afterVerified(scope, services, verified, now);
  }
  if (row.state === 'received') {
    const verifying = await transitionRequest(scope, row.id, { to: 'verifying', actor: systemActor }, now);
    if (!row.verification.code) await issueVerificationCode(scope, services, verifying, now);
    return verifying;
  }
  return row;
}

/** After verification: route to the business customer, wait for a reviewer, or approve and run. */
export async function afterVerified(
  scope: WorkspaceScope,
  services: Services,
  row: RequestRow,
  now: Date,
): Promise<RequestRow> {
  const { program } = await getCurrentProgram(scope);
  const doc = program.doc;
  if (doc.rights.processor_routing && !row.customer_key && !isAbsoluteObjection(row)) {
    let customers: string[] = [];
    try {
      customers = await requestServices(services).engine.findCustomers(program, row.identities);
    } catch (err) {
      await recordRequestEvent(
        scope,
        row.id,
        { kind: 'routing_lookup_failed', actor: systemActor, reason: (err as Error).message },
        now,
      );
    }
    const customer = doc.customers.find((c) => c.key === customers[0]);
    if (customer) {
      await patchRequest(scope, row.id, { customer_key: customer.key, needs_approval: true }, now);
      const token = await createToken(scope, row.id, 'customer_decision', row.legal_due_at, now);
      const link = `${services.publicUrl}/privacy-center/decide/${token}`;
      const routed = await getRequest(scope, row.id);
      await recordRequestEvent(
        scope,
        row.id,
        { kind: 'routed_to_customer', actor: systemActor, details: { customer: customer.key } },
        now,
      );
      await sendRequestMail(
        scope,
        services,
        routed,
        {
          kind: 'customer_decision',
          subject: `A privacy request from one of your users needs your decision`,
          text:
            `${doc.organization.name} processes your users' data on your behalf; you are the controller.\n` +
            `A ${row.type} request (reference ${row.id}) was made by one of your users and verified by email.\n` +
            `Please decide by ${row.legal_due_at.toISOString().slice(0, 10)}:\n${link}\n` +
            (doc.rights.processor_routing.instructions
              ? `\n${doc.rights.processor_routing.instructions}\n`
              : ''),
        },
        now,
        customer.privacy_contact,
      );
      await sendRequestMail(scope, services, routed, routedMail(routed, doc, customer.name), now);
      return routed;
    }
  }
  if (row.needs_approval) {
    await sendRequestMail(scope, services, row, verifiedMail(row, doc), now);
    return row;
  }
  const approved = await transitionRequest(
    scope,
    row.id,
    {
      to: 'approved',
      actor: systemActor,
      reason: 'no manual approval needed',
      patch: { decided_at: now, decided_by: 'system' },
    },
    now,
  );
  await scheduleRun(scope, services, approved.id);
  return getRequest(scope, approved.id);
}

/** An objection only to direct marketing: absolute (Art. 21(3)), applied without routing or review. */
export function isAbsoluteObjection(row: RequestRow): boolean {
  const processing = (row.details.processing as string[] | undefined) ?? [];
  return (
    row.type === 'objection' &&
    processing.length > 0 &&
    processing.every((p) => (absoluteObjections as readonly string[]).includes(p))
  );
}

/** Queues the run as a durable job when the queue runs; otherwise runs it now (CLI, route tests). */
export async function scheduleRun(
  scope: WorkspaceScope,
  services: Services,
  requestId: string,
): Promise<void> {
  const boss = services.extras.get('jobs') as
    | { send(name: string, data: object): Promise<unknown> }
    | undefined;
  if (boss) {
    await boss.send('dsr-run', { workspaceId: scope.workspaceId, requestId });
    return;
  }
  const { runRequest } = await import('./run-request.ts');
  await runRequest(scope, services, requestId);
}
