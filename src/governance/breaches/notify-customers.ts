import { randomUUID } from 'node:crypto';
import { AppError } from '../../errors.ts';
import type { Services } from '../../http/services.ts';
import { getCurrentProgram } from '../../program/current-program.ts';
import type { WorkspaceScope } from '../../store/workspace-scope.ts';
import { type Actor, appendAudit } from '../append-audit.ts';
import { breachDrafts } from './breach-drafts.ts';

/**
 * As a processor, tells each affected business customer (the controllers) about the
 * breach without undue delay (Art. 33(2)), with the register's facts. One result per customer.
 */
export async function notifyBreachCustomers(
  scope: WorkspaceScope,
  services: Pick<Services, 'mailer'>,
  breachId: string,
  actor: Actor,
  now: Date,
) {
  const breach = await scope.selectFrom('breaches').selectAll().where('id', '=', breachId).executeTakeFirst();
  if (!breach) throw new AppError('not_found', `no breach ${breachId}`);
  if (!breach.customers.length)
    throw new AppError('conflict', 'no affected customers are recorded on this breach (set customers first)');
  const { program } = await getCurrentProgram(scope);
  const draft = breachDrafts(breach, program.doc, now);
  const results: { customer: string; email: string; status: 'sent' | 'failed'; error?: string }[] = [];
  for (const key of breach.customers) {
    const customer = program.doc.customers.find((c) => c.key === key);
    if (!customer) {
      results.push({ customer: key, email: '', status: 'failed', error: 'not in the program' });
      continue;
    }
    const mail = await services.mailer.send({
      to: customer.privacy_contact,
      subject: `${program.doc.organization.name}: personal data breach affecting ${customer.name}`,
      text: `Hello ${customer.name},\n\nAs your processor we are informing you of a personal data breach affecting data we process for you, so that you can meet your own obligations as controller.\n\n${draft.authority.split('\n').slice(3).join('\n')}\n`,
      kind: 'transactional',
    });
    results.push({
      customer: key,
      email: customer.privacy_contact,
      status: mail.accepted ? 'sent' : 'failed',
      ...(mail.error ? { error: mail.error } : {}),
    });
  }
  const summary = results.map((r) => `${r.customer}: ${r.status}`).join(', ');
  await scope.transaction(async (tx) => {
    await tx
      .insertInto('breach_updates', {
        id: randomUUID(),
        breach_id: breachId,
        at: now,
        phase: 'notification',
        text: `Affected customers notified by email (${summary}).`,
        changes: JSON.stringify({ customers_notified: results }) as never,
        actor: actor.id,
      })
      .execute();
    await appendAudit(
      tx,
      {
        actor,
        action: 'breach.notify_customers',
        objectType: 'breach',
        objectId: breachId,
        details: { results },
      },
      now,
    );
  });
  return { results };
}
