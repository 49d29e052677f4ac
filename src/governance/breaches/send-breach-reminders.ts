import { randomUUID } from 'node:crypto';
import type { Services } from '../../http/services.ts';
import { findCurrentProgram } from '../../program/current-program.ts';
import { WorkspaceScope } from '../../store/workspace-scope.ts';
import { appendAudit } from '../append-audit.ts';

/** Reminders go out when this many hours (or fewer) are left on the 72-hour clock. */
export const REMINDER_THRESHOLDS = [48, 24, 6, 0] as const;

export interface ReminderResult {
  breach_id: string;
  threshold_hours: number;
  status: 'sent' | 'failed';
  error?: string;
}

/**
 * For every open breach not yet notified to the authority, emails the DPO (or privacy
 * contact) once per threshold crossed. Each threshold is recorded, so a re-run or a second
 * worker does not send it twice.
 */
export async function sendBreachReminders(
  services: Pick<Services, 'store' | 'mailer' | 'publicUrl'>,
  now: Date,
) {
  const results: ReminderResult[] = [];
  const workspaces = await services.store.db.selectFrom('workspaces').select('id').execute();
  for (const ws of workspaces) {
    const scope = new WorkspaceScope(services.store.db, ws.id);
    const breaches = await scope
      .selectFrom('breaches')
      .selectAll()
      .where('status', '=', 'open')
      .where('authority_notified_at', 'is', null)
      .execute();
    if (!breaches.length) continue;
    const program = await findCurrentProgram(scope);
    const contacts = program?.program.doc.organization.contacts;
    const to = contacts?.dpo?.email ?? contacts?.privacy.email;
    if (!to) continue;
    for (const breach of breaches) {
      const hoursLeft = (new Date(breach.due_at).getTime() - now.getTime()) / 3_600_000;
      // Only the tightest threshold crossed: a breach registered late gets one reminder, not four.
      const threshold = REMINDER_THRESHOLDS.filter((t) => hoursLeft <= t).at(-1);
      if (threshold === undefined) continue;
      const claimed = await scope
        .insertInto('breach_reminders', {
          id: randomUUID(),
          breach_id: breach.id,
          threshold_hours: threshold,
          sent_at: now,
          recipients: JSON.stringify([to]) as never,
        })
        .onConflict((oc) => oc.columns(['breach_id', 'threshold_hours']).doNothing())
        .executeTakeFirst();
      if (Number(claimed.numInsertedOrUpdatedRows ?? 0) === 0) continue;
      const left =
        hoursLeft <= 0
          ? `the 72-hour deadline passed at ${new Date(breach.due_at).toISOString()}`
          : `${Math.floor(hoursLeft)} hours left (due ${new Date(breach.due_at).toISOString()})`;
      const mail = await services.mailer.send({
        to,
        subject: `Breach "${breach.title}": ${hoursLeft <= 0 ? 'authority deadline passed' : `${Math.floor(hoursLeft)} h left to notify the authority`}`,
        text: `The breach "${breach.title}" has not been notified to the supervisory authority: ${left}.\n\nRegister entry and notification drafts: ${services.publicUrl}/api/breaches/${breach.id}/drafts\n\nIf you decided not to notify (no risk to people's rights and freedoms), record the decision and close the breach.`,
        kind: 'transactional',
      });
      await appendAudit(
        scope,
        {
          actor: { id: 'system:breach-reminders', role: null },
          action: 'breach.reminder',
          objectType: 'breach',
          objectId: breach.id,
          details: { threshold_hours: threshold, to, accepted: mail.accepted },
        },
        now,
      );
      results.push({
        breach_id: breach.id,
        threshold_hours: threshold,
        status: mail.accepted ? 'sent' : 'failed',
        ...(mail.error ? { error: mail.error } : {}),
      });
    }
  }
  return results;
}
