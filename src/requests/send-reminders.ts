import type { Services } from '../http/services.ts';
import { findCurrentProgram } from '../program/current-program.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import { daysUntil } from './compute-deadlines.ts';
import { recordRequestEvent, systemActor } from './record-transition.ts';
import { getRequestSettings } from './request-settings.ts';
import { closedStates } from './request-states.ts';

export interface ReminderResult {
  requestId: string;
  threshold: string;
  status: 'sent' | 'failed';
  error?: string;
}

/**
 * Tells the privacy team about open requests whose due date is near (each configured
 * threshold once) or past (once). Safe to run as often as wanted: what was sent is on the
 * request's record and not sent again.
 */
export async function sendDueReminders(
  scope: WorkspaceScope,
  services: Services,
  now: Date,
): Promise<ReminderResult[]> {
  const settings = await getRequestSettings(scope);
  const doc = (await findCurrentProgram(scope))?.program.doc;
  const to = doc?.organization.contacts.privacy.email;
  if (!to) return [];
  const horizon = new Date(now.getTime() + Math.max(0, ...settings.reminder_days) * 86_400_000);
  const open = await scope
    .selectFrom('dsr_requests')
    .select(['id', 'type', 'state', 'due_at', 'jurisdiction'])
    .where('state', 'not in', closedStates as string[])
    .where('due_at', '<=', horizon)
    .execute();
  if (open.length === 0) return [];
  const sent = await scope
    .selectFrom('dsr_request_events')
    .select(['request_id', 'details'])
    .where('kind', '=', 'reminder')
    .where(
      'request_id',
      'in',
      open.map((r) => r.id),
    )
    .execute();
  const done = new Set(sent.map((e) => `${e.request_id}:${String(e.details?.threshold)}`));
  const results: ReminderResult[] = [];
  for (const request of open) {
    const left = daysUntil(now, request.due_at);
    const threshold =
      left <= 0 && now.getTime() > request.due_at.getTime()
        ? 'overdue'
        : [...settings.reminder_days]
            .sort((a, b) => a - b)
            .find((d) => left <= d)
            ?.toString();
    if (threshold === undefined || done.has(`${request.id}:${threshold}`)) continue;
    const subject =
      threshold === 'overdue'
        ? `OVERDUE: ${request.type} request ${request.id} was due ${request.due_at.toISOString().slice(0, 10)}`
        : `Due in ${left} day${left === 1 ? '' : 's'}: ${request.type} request ${request.id}`;
    const result = await services.mailer.send({
      to,
      subject,
      text: `${subject}\nState: ${request.state}. Jurisdiction: ${request.jurisdiction}.\n${services.publicUrl}/api/requests/${request.id}`,
    });
    await recordRequestEvent(
      scope,
      request.id,
      {
        kind: 'reminder',
        actor: systemActor,
        details: { threshold, to: 'privacy_team', delivered: result.accepted },
      },
      now,
    );
    results.push({
      requestId: request.id,
      threshold,
      status: result.accepted ? 'sent' : 'failed',
      ...(result.error ? { error: result.error } : {}),
    });
  }
  return results;
}
