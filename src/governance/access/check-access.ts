import { getCurrentProgram } from '../../program/current-program.ts';
import type { WorkspaceScope } from '../../store/workspace-scope.ts';
import { type Actor, appendAudit } from '../append-audit.ts';
import { accessPolicies, fieldAllowed, staffRole } from './access-policy.ts';
import { grantState } from './grant-status.ts';

export interface AccessQuestion {
  staff: string;
  customer: string;
  system?: string | undefined;
  mode: 'read' | 'write';
  /** `dataset.collection.field`, when the tool asks about one field. */
  field?: string | undefined;
}

export interface AccessAnswer {
  allowed: boolean;
  /** HTTP meaning of the answer for the calling tool: 200 go ahead, 403 refuse. */
  status: 200 | 403;
  code:
    | 'allowed'
    | 'no_grant'
    | 'unknown_staff'
    | 'system_not_granted'
    | 'mode_not_granted'
    | 'field_not_allowed';
  reason: string;
  grant_id: string | null;
  expires_at: string | null;
  /** Field patterns the staff member's role may see; `null` when the role has no field limit. */
  allowed_fields: string[] | null;
}

/**
 * The question a support tool asks before it shows or changes a customer's data. Every
 * answer, yes or no, is written to the audit log: a no is an attempted access, a yes is
 * a read (or write) of personal data about to happen.
 */
export async function checkAccess(
  scope: WorkspaceScope,
  question: AccessQuestion,
  caller: Actor,
  now: Date,
): Promise<AccessAnswer> {
  const answer = await decide(scope, question, now);
  await appendAudit(
    scope,
    {
      actor: caller,
      action: answer.allowed ? 'access.allowed' : 'access.denied',
      objectType: 'customer',
      objectId: question.customer,
      reason: answer.reason,
      details: {
        staff: question.staff,
        system: question.system ?? null,
        mode: question.mode,
        field: question.field ?? null,
        code: answer.code,
        grant_id: answer.grant_id,
      },
    },
    now,
  );
  return answer;
}

async function decide(scope: WorkspaceScope, q: AccessQuestion, now: Date): Promise<AccessAnswer> {
  const { program } = await getCurrentProgram(scope);
  const staff = staffRole(program.doc, q.staff);
  const allowedFields = staff.role?.allowed_fields ?? null;
  const deny = (code: AccessAnswer['code'], reason: string, grant?: { id: string }): AccessAnswer => ({
    allowed: false,
    status: 403,
    code,
    reason,
    grant_id: grant?.id ?? null,
    expires_at: null,
    allowed_fields: allowedFields,
  });
  if (!staff.known) return deny('unknown_staff', `${q.staff} is not listed in access_policies.staff`);
  if (q.field && allowedFields && !fieldAllowed(allowedFields, q.field)) {
    return deny(
      'field_not_allowed',
      `role ${staff.roleKey} may see only ${allowedFields.join(', ')}; ${q.field} is not among them`,
    );
  }
  if (staff.role && !staff.role.requires_grant) {
    return {
      allowed: true,
      status: 200,
      code: 'allowed',
      reason: `role ${staff.roleKey} needs no customer grant (access_policies)`,
      grant_id: null,
      expires_at: null,
      allowed_fields: allowedFields,
    };
  }
  const grants = await scope
    .selectFrom('access_grants')
    .selectAll()
    .where('staff_id', '=', q.staff)
    .where('customer_key', '=', q.customer)
    .where('status', '=', 'approved')
    .orderBy('expires_at', 'desc')
    .execute();
  const live = grants.filter((g) => grantState(g, now) === 'active');
  if (!live.length) {
    const expired = grants[0];
    return deny(
      'no_grant',
      expired
        ? `the customer's approval ended at ${new Date(expired.expires_at ?? now).toISOString()}; ask again`
        : `${q.customer} has not approved access for ${q.staff}`,
    );
  }
  const forSystem = live.filter((g) => !q.system || !g.systems.length || g.systems.includes(q.system));
  if (!forSystem.length)
    return deny('system_not_granted', `no live grant covers system ${q.system}`, live[0]);
  const forMode = forSystem.filter((g) => q.mode === 'read' || g.mode === 'write');
  if (!forMode.length)
    return deny('mode_not_granted', 'the customer approved read access only', forSystem[0]);
  const grant = forMode[0]!;
  return {
    allowed: true,
    status: 200,
    code: 'allowed',
    reason: `approved by ${grant.approver_email} for ticket ${grant.ticket}: ${grant.purpose}`,
    grant_id: grant.id,
    expires_at: new Date(grant.expires_at ?? now).toISOString(),
    allowed_fields: allowedFields,
  };
}

/** The policy for a tool from the program, for callers that record its uses. */
export async function findTool(scope: WorkspaceScope, toolKey: string) {
  const { program } = await getCurrentProgram(scope);
  return accessPolicies(program.doc).tools.find((t) => t.key === toolKey);
}
