import { randomUUID } from 'node:crypto';
import { AppError } from '../../errors.ts';
import type { Services } from '../../http/services.ts';
import { getCurrentProgram } from '../../program/current-program.ts';
import type { WorkspaceScope } from '../../store/workspace-scope.ts';
import type { Actor } from '../append-audit.ts';
import { appendAudit } from '../append-audit.ts';
import { signLink } from '../server-keys.ts';
import { accessPolicies, findCustomer, staffRole } from './access-policy.ts';

export interface RequestAccessOptions {
  staff: string;
  customer: string;
  ticket: string;
  purpose: string;
  systems: string[];
  mode: 'read' | 'write';
  hours?: number | undefined;
}

/** How long the customer has to decide before the emailed link stops working. */
const DECISION_LINK_DAYS = 7;

/**
 * A staff member asks a customer for access to its data, for one ticket and purpose, some
 * systems, read or write, a bounded time. The customer's privacy contact gets a signed link
 * to approve or deny; nothing is accessible until they approve.
 */
export async function requestAccess(
  scope: WorkspaceScope,
  services: Pick<Services, 'mailer' | 'publicUrl'>,
  options: RequestAccessOptions,
  actor: Actor,
  now: Date,
) {
  const { program } = await getCurrentProgram(scope);
  const doc = program.doc;
  const customer = findCustomer(doc, options.customer);
  const policies = accessPolicies(doc);
  const staff = staffRole(doc, options.staff);
  if (!staff.known) {
    throw new AppError('forbidden', `staff "${options.staff}" is not in access_policies.staff`);
  }
  const unknownSystems = options.systems.filter((s) => !doc.systems.some((sys) => sys.key === s));
  if (unknownSystems.length) {
    throw new AppError('validation_failed', `unknown systems: ${unknownSystems.join(', ')}`, {
      details: [{ path: 'body.systems', message: `not in the program: ${unknownSystems.join(', ')}` }],
    });
  }
  if (staff.role) {
    if (!staff.role.modes.includes(options.mode))
      throw new AppError('forbidden', `role ${staff.role.key} may not ask for ${options.mode} access`);
    const outside = options.systems.filter((s) => staff.role?.systems && !staff.role.systems.includes(s));
    if (outside.length)
      throw new AppError(
        'forbidden',
        `role ${staff.role.key} may not ask for access to ${outside.join(', ')}`,
      );
  }
  const hours = options.hours ?? policies.default_grant_hours;
  if (hours > policies.max_grant_hours) {
    throw new AppError('validation_failed', `access may last at most ${policies.max_grant_hours} hours`, {
      details: [{ path: 'body.hours', message: `at most ${policies.max_grant_hours}` }],
    });
  }
  const id = randomUUID();
  await scope
    .insertInto('access_grants', {
      id,
      staff_id: options.staff,
      staff_role: staff.roleKey,
      customer_key: customer.key,
      ticket: options.ticket,
      purpose: options.purpose,
      systems: JSON.stringify(options.systems) as never,
      mode: options.mode,
      hours,
      status: 'requested',
      approver_email: customer.privacy_contact,
      requested_at: now,
      requested_by: actor.id,
      decided_at: null,
      decided_by: null,
      decision_reason: null,
      expires_at: null,
    })
    .execute();
  await appendAudit(
    scope,
    {
      actor,
      action: 'access_grant.request',
      objectType: 'access_grant',
      objectId: id,
      reason: options.purpose,
      details: {
        staff: options.staff,
        customer: customer.key,
        ticket: options.ticket,
        systems: options.systems,
        mode: options.mode,
        hours,
      },
    },
    now,
  );
  const token = await signLink(scope, {
    kind: 'access_decision',
    id,
    sub: customer.key,
    exp: Math.floor(now.getTime() / 1000) + DECISION_LINK_DAYS * 86_400,
  });
  const link = `${services.publicUrl}/access/decide?token=${encodeURIComponent(token)}`;
  const systems = options.systems.length ? options.systems.join(', ') : 'all systems holding your data';
  const mail = await services.mailer.send({
    to: customer.privacy_contact,
    subject: `${doc.organization.name} asks for ${options.mode} access to your data (ticket ${options.ticket})`,
    text: [
      `Hello ${customer.name},`,
      '',
      `${options.staff} at ${doc.organization.name} asks for temporary ${options.mode} access to your organisation's data.`,
      '',
      `Ticket:   ${options.ticket}`,
      `Purpose:  ${options.purpose}`,
      `Systems:  ${systems}`,
      `Duration: ${hours} hours from your approval`,
      '',
      'Nobody can access your data unless you approve. Approve or deny here:',
      link,
      '',
      `The link works for ${DECISION_LINK_DAYS} days. After approval you can end the access early from the same page.`,
    ].join('\n'),
    kind: 'transactional',
  });
  return {
    id,
    status: 'requested' as const,
    hours,
    approver_email: customer.privacy_contact,
    notified: mail.accepted,
  };
}
