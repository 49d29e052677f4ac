import { randomUUID } from 'node:crypto';
import { AppError } from '../../errors.ts';
import type { Services } from '../../http/services.ts';
import { getCurrentProgram } from '../../program/current-program.ts';
import type { WorkspaceScope } from '../../store/workspace-scope.ts';
import { type Actor, appendAudit } from '../append-audit.ts';
import { signLink } from '../server-keys.ts';

export interface NoticeResult {
  customer: string;
  email: string;
  status: 'sent' | 'failed' | 'skipped';
  error?: string;
}

/**
 * Announces the change to every business customer (program `customers[]`) with a link to
 * object, and opens the objection window. Re-running sends only to customers whose notice
 * did not go out: the window is counted from the first announcement.
 */
export async function notifyChange(
  scope: WorkspaceScope,
  services: Pick<Services, 'mailer' | 'publicUrl'>,
  changeId: string,
  actor: Actor,
  now: Date,
): Promise<{ results: NoticeResult[]; objection_deadline: string }> {
  const change = await scope
    .selectFrom('sub_processor_changes')
    .selectAll()
    .where('id', '=', changeId)
    .executeTakeFirst();
  if (!change) throw new AppError('not_found', `no sub-processor change ${changeId}`);
  if (change.status !== 'draft' && change.status !== 'notified')
    throw new AppError('conflict', `this change is ${change.status}: nothing to announce`);
  const { program } = await getCurrentProgram(scope);
  const doc = program.doc;
  if (!doc.customers.length) throw new AppError('conflict', 'the program lists no customers[] to notify');
  const processor = doc.processors.find((p) => p.key === change.processor_key);
  const replaced = change.replaces_key
    ? doc.processors.find((p) => p.key === change.replaces_key)
    : undefined;
  const deadline = change.objection_deadline
    ? new Date(change.objection_deadline)
    : new Date(now.getTime() + change.window_days * 86_400_000);
  if (change.status === 'draft') {
    await scope
      .updateTable('sub_processor_changes')
      .set({ status: 'notified', notified_at: now, objection_deadline: deadline })
      .where('id', '=', changeId)
      .execute();
  }
  const done = new Set(
    (
      await scope
        .selectFrom('sub_processor_notices')
        .select('customer_key')
        .where('change_id', '=', changeId)
        .where('accepted', '=', true)
        .execute()
    ).map((n) => n.customer_key),
  );
  const results: NoticeResult[] = [];
  for (const customer of doc.customers) {
    if (done.has(customer.key)) {
      results.push({ customer: customer.key, email: customer.privacy_contact, status: 'skipped' });
      continue;
    }
    const token = await signLink(scope, {
      kind: 'sp_objection',
      id: changeId,
      sub: customer.key,
      exp: Math.floor(deadline.getTime() / 1000),
    });
    const objectLink = `${services.publicUrl}/sub-processors/object?token=${encodeURIComponent(token)}`;
    const what = replaced
      ? `replace ${replaced.name} with ${processor?.name ?? change.processor_key}`
      : `add ${processor?.name ?? change.processor_key} as a sub-processor`;
    const mail = await services.mailer.send({
      to: customer.privacy_contact,
      subject: `${doc.organization.name}: we intend to ${what}`,
      text: [
        `Hello ${customer.name},`,
        '',
        `As your processor, ${doc.organization.name} intends to ${what}.`,
        '',
        `Sub-processor: ${processor?.name ?? change.processor_key}`,
        processor ? `Service:       ${processor.service}` : '',
        processor ? `Purpose:       ${processor.purpose}` : '',
        processor ? `Locations:     ${processor.locations.join(', ')}` : '',
        processor?.transfer_mechanism ? `Transfers:     ${processor.transfer_mechanism}` : '',
        change.description ? `Details:       ${change.description}` : '',
        '',
        `The change takes effect no earlier than ${deadline.toISOString().slice(0, 10)}.`,
        `If you object, tell us before then: ${objectLink}`,
        '',
        `The list of our sub-processors: ${services.publicUrl}/sub-processors`,
      ]
        .filter((line, i, all) => line !== '' || all[i - 1] !== '')
        .join('\n'),
      kind: 'transactional',
    });
    await scope
      .insertInto('sub_processor_notices', {
        id: randomUUID(),
        change_id: changeId,
        customer_key: customer.key,
        email: customer.privacy_contact,
        sent_at: now,
        accepted: mail.accepted,
        message_id: mail.messageId || null,
        error: mail.error ?? null,
      })
      .execute();
    results.push({
      customer: customer.key,
      email: customer.privacy_contact,
      status: mail.accepted ? 'sent' : 'failed',
      ...(mail.error ? { error: mail.error } : {}),
    });
  }
  await appendAudit(
    scope,
    {
      actor,
      action: 'sub_processor_change.notify',
      objectType: 'sub_processor_change',
      objectId: changeId,
      details: {
        objection_deadline: deadline.toISOString(),
        sent: results.filter((r) => r.status === 'sent').map((r) => r.customer),
        failed: results.filter((r) => r.status === 'failed').map((r) => r.customer),
      },
    },
    now,
  );
  return { results, objection_deadline: deadline.toISOString() };
}
