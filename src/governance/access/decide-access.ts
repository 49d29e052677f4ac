import { AppError } from '../../errors.ts';
import type { WorkspaceScope } from '../../store/workspace-scope.ts';
import { type Actor, appendAudit } from '../append-audit.ts';
import { grantState, presentGrant } from './grant-status.ts';

export type AccessDecision = 'approve' | 'deny' | 'revoke';

/**
 * The customer's answer (or an early end). Approve starts the clock: access lasts the
 * approved hours from now, at most what was asked. Only a pending request can be approved
 * or denied; only a live grant can be revoked.
 */
export async function decideAccess(
  scope: WorkspaceScope,
  grantId: string,
  decision: AccessDecision,
  options: { by: Actor; reason?: string | undefined; hours?: number | undefined },
  now: Date,
) {
  return scope.transaction(async (tx) => {
    const grant = await tx
      .selectFrom('access_grants')
      .selectAll()
      .where('id', '=', grantId)
      .forUpdate()
      .executeTakeFirst();
    if (!grant) throw new AppError('not_found', `no access request ${grantId}`);
    const state = grantState(grant, now);
    if (decision === 'revoke') {
      if (state !== 'active' && state !== 'requested')
        throw new AppError('conflict', `this access is already ${state}`);
    } else if (state !== 'requested') {
      throw new AppError('conflict', `this request was already decided: it is ${state}`);
    }
    const hours = Math.min(options.hours ?? grant.hours, grant.hours);
    const status = decision === 'approve' ? 'approved' : decision === 'deny' ? 'denied' : 'revoked';
    const expires = decision === 'approve' ? new Date(now.getTime() + hours * 3_600_000) : now;
    await tx
      .updateTable('access_grants')
      .set({
        status,
        decided_at: now,
        decided_by: options.by.id,
        decision_reason: options.reason ?? null,
        expires_at: decision === 'deny' ? null : expires,
        hours: decision === 'approve' ? hours : grant.hours,
      })
      .where('id', '=', grantId)
      .execute();
    await appendAudit(
      tx,
      {
        actor: options.by,
        action: `access_grant.${decision}`,
        objectType: 'access_grant',
        objectId: grantId,
        ...(options.reason ? { reason: options.reason } : {}),
        details: {
          customer: grant.customer_key,
          staff: grant.staff_id,
          ...(decision === 'approve' ? { hours, expires_at: expires.toISOString() } : {}),
        },
      },
      now,
    );
    const updated = await tx
      .selectFrom('access_grants')
      .selectAll()
      .where('id', '=', grantId)
      .executeTakeFirstOrThrow();
    return presentGrant(updated, now);
  });
}
