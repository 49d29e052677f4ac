import { type ExpressionBuilder, sql } from 'kysely';
import type { Mailer } from '../../mail/mailer.ts';
import type { Database } from '../../store/schema.ts';
import type { WorkspaceScope } from '../../store/workspace-scope.ts';
import { formatDate } from '../compose-notice.ts';
import type { NoticeLanguage } from '../i18n/translator.ts';
import { getNoticeVersion, type NoticeVersionWithContent } from '../versions/notice-versions.ts';
import { unsubscribeLink } from './notice-subscriptions.ts';

export interface NotificationResult {
  id: string;
  recipient: string;
  audience: 'subscriber' | 'customer';
  noticeVersion: number;
  status: 'succeeded' | 'failed' | 'skipped';
  error?: string;
}

export interface SendNotificationsOptions {
  mailer: Mailer;
  publicUrl: string;
  now: Date;
  /** Only this version's notifications (the publish that queued them); all versions otherwise. */
  version?: number;
  /**
   * Who is sending. `automatic` (after a publish, the delivery job): pending rows, and failed
   * ones until MAX_AUTOMATIC_ATTEMPTS. `person` (an admin's retry): every failed row, and a send
   * cut off mid-way, which may have reached its recipient, so only a person decides to repeat it.
   */
  sender: 'automatic' | 'person';
}

/** Tries the delivery job makes per notification before leaving it to a person's retry. */
export const MAX_AUTOMATIC_ATTEMPTS = 5;

// A send claimed this long ago without a result came from a process that died mid-send.
const STALE_CLAIM_MS = 10 * 60 * 1000;

type Where = ExpressionBuilder<Database, 'notice_notifications'>;

/** The notifications still owed that `sender` may send. */
export function owedBy(sender: SendNotificationsOptions['sender'], now: Date) {
  const stale = new Date(now.getTime() - STALE_CLAIM_MS);
  return (eb: Where) =>
    sender === 'automatic'
      ? eb.or([
          eb('status', '=', 'pending'),
          eb.and([eb('status', '=', 'failed'), eb('attempts', '<', MAX_AUTOMATIC_ATTEMPTS)]),
        ])
      : eb.or([
          eb('status', 'in', ['pending', 'failed']),
          eb.and([eb('status', '=', 'sending'), eb('last_attempt_at', '<', stale)]),
        ]);
}

/**
 * Sends the notifications still owed and records each result; the log is the source of
 * truth. Sent ones are never sent again. Each row is claimed before sending, so two senders
 * running at once (the publish and the job, two workers) do not mail anyone twice.
 */
export async function sendNoticeNotifications(
  scope: WorkspaceScope,
  options: SendNotificationsOptions,
): Promise<NotificationResult[]> {
  const owed = owedBy(options.sender, options.now);
  let query = scope
    .selectFrom('notice_notifications')
    .select(['id', 'recipient', 'audience', 'notice_version', 'customer_key'])
    .where(owed)
    .orderBy('created_at');
  if (options.version !== undefined) query = query.where('notice_version', '=', options.version);
  const rows = await query.execute();
  const results: NotificationResult[] = [];
  const versions = new Map<number, NoticeVersionWithContent>();
  for (const row of rows) {
    const claimed = await scope
      .updateTable('notice_notifications')
      .set({ status: 'sending', last_attempt_at: options.now, attempts: sql`attempts + 1` })
      .where('id', '=', row.id)
      .where(owed)
      .executeTakeFirst();
    const base = {
      id: row.id,
      recipient: row.recipient,
      audience: row.audience,
      noticeVersion: row.notice_version,
    };
    if (Number(claimed.numUpdatedRows) === 0) {
      results.push({ ...base, status: 'skipped', error: 'another sender has it' });
      continue;
    }
    let version = versions.get(row.notice_version);
    if (!version) {
      version = await getNoticeVersion(scope, row.notice_version);
      versions.set(row.notice_version, version);
    }
    const message = await messageFor(scope, row, version, options);
    if (!message) {
      await scope
        .updateTable('notice_notifications')
        .set({ status: 'cancelled', last_error: 'no longer subscribed' })
        .where('id', '=', row.id)
        .execute();
      results.push({ ...base, status: 'skipped', error: 'no longer subscribed' });
      continue;
    }
    const sent = await options.mailer.send({
      to: row.recipient,
      subject: message.subject,
      text: message.text,
      kind: 'transactional',
      headers: { 'X-Custodian-Notice-Version': String(row.notice_version), ...message.headers },
    });
    if (sent.accepted) {
      await scope
        .updateTable('notice_notifications')
        .set({ status: 'sent', sent_at: options.now, message_id: sent.messageId, last_error: null })
        .where('id', '=', row.id)
        .execute();
      results.push({ ...base, status: 'succeeded' });
    } else {
      const error = sent.error ?? 'not accepted by the mail server';
      await scope
        .updateTable('notice_notifications')
        .set({ status: 'failed', last_error: error })
        .where('id', '=', row.id)
        .execute();
      results.push({ ...base, status: 'failed', error });
    }
  }
  return results;
}

interface Message {
  subject: string;
  text: string;
  headers: Record<string, string>;
}

/**
 * The mail for one row: a customer's, or a subscriber's in their language with their way out;
 * undefined when the subscriber is no longer subscribed (they hear nothing more).
 */
async function messageFor(
  scope: WorkspaceScope,
  row: { recipient: string; audience: 'subscriber' | 'customer' },
  version: NoticeVersionWithContent,
  options: SendNotificationsOptions,
): Promise<Message | undefined> {
  if (row.audience === 'customer') {
    return { ...composeMessages(version, options.publicUrl).customer, headers: {} };
  }
  const subscriber = await scope
    .selectFrom('notice_subscribers')
    .select(['id', 'lang', 'status'])
    .where('email', '=', row.recipient)
    .executeTakeFirst();
  if (subscriber?.status !== 'confirmed') return undefined;
  const lang = version.languages.find((l) => l === subscriber.lang);
  const stop = await unsubscribeLink(scope, subscriber, options.publicUrl, options.now);
  const composed = composeMessages(version, options.publicUrl, lang).subscriber;
  return {
    subject: composed.subject,
    text: `${composed.text}\nStop these emails: ${stop}\n`,
    // RFC 8058: mail clients show an unsubscribe button that POSTs to the link.
    headers: { 'List-Unsubscribe': `<${stop}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
}

/** The two mails of a version: to subscribers (links in their language when published in it) and to customers. */
function composeMessages(v: NoticeVersionWithContent, publicUrl: string, lang?: NoticeLanguage) {
  const version = v.version;
  const langParam = lang ? `lang=${lang}` : '';
  const org = v.model.controller.name;
  const date = formatDate(v.effectiveDate, 'en');
  const material = v.changes.filter((c) => c.material);
  const lines = material.map((c) => `- ${c.summary} (${c.reason})`);
  const links = [
    `Read the new notice: ${publicUrl}/privacy/v/${version}${langParam ? `?${langParam}` : ''}`,
    ...(version > 1
      ? [
          `See every change: ${publicUrl}/privacy/diff?from=${version - 1}&to=${version}${langParam ? `&${langParam}` : ''}`,
        ]
      : []),
  ];
  const contact = v.model.controller.privacy.email ?? v.model.controller.dpo?.email;
  const subject = `${org}: changes to our privacy notice (version ${version}, effective ${date})`;
  const subscriber = {
    subject,
    text: [
      `${org} has published version ${version} of its privacy notice, effective ${date}.`,
      '',
      'What changes:',
      ...lines,
      '',
      ...links,
      ...(contact ? ['', `Questions: ${contact}`] : []),
      '',
      'You receive this because you asked to be told of changes to this notice.',
    ].join('\n'),
  };
  const customerLines = material.filter((c) => c.affectsCustomers).map((c) => `- ${c.summary} (${c.reason})`);
  const customer = {
    subject: `${org}: changes to how we process your organisation's data (effective ${date})`,
    text: [
      `${org} processes personal data on your organisation's behalf. Version ${version} of our privacy notice, effective ${date}, changes that processing:`,
      '',
      ...customerLines,
      '',
      ...links,
      '',
      `If your organisation objects to a change (for example a new sub-processor), tell us${contact ? ` at ${contact}` : ''} before ${date}.`,
    ].join('\n'),
  };
  return { subscriber, customer };
}
