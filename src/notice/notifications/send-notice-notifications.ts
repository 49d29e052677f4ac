import { type ExpressionBuilder, sql } from 'kysely';
import type { Mailer } from '../../mail/mailer.ts';
import type { Database } from '../../store/schema.ts';
import type { WorkspaceScope } from '../../store/workspace-scope.ts';
import { formatDate } from '../compose-notice.ts';
import { createTranslator, type NoticeLanguage } from '../i18n/translator.ts';
import { changeInLanguage } from '../versions/classify-changes.ts';
import { getNoticeVersion, type NoticeVersionWithContent } from '../versions/notice-versions.ts';
import { subscriberMailLanguage, unsubscribeLink } from './notice-subscriptions.ts';

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
        .set({
          status: 'sent',
          sent_at: options.now,
          message_id: sent.messageId,
          last_error: null,
          lang: message.lang,
        })
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
  /** The language the mail is written in, recorded in the notification log. */
  lang: NoticeLanguage;
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
    return { ...customerMessage(version, options.publicUrl), lang: 'en', headers: {} };
  }
  const subscriber = await scope
    .selectFrom('notice_subscribers')
    .select(['id', 'lang', 'status'])
    .where('email', '=', row.recipient)
    .executeTakeFirst();
  if (subscriber?.status !== 'confirmed') return undefined;
  const lang = subscriberMailLanguage(subscriber.lang, version.languages);
  const stop = await unsubscribeLink(scope, { id: subscriber.id, lang }, options.publicUrl, options.now);
  const { t } = createTranslator(lang);
  const composed = subscriberMessage(version, options.publicUrl, lang);
  return {
    subject: composed.subject,
    text: `${composed.text}\n${t('notify.stop', { link: stop })}\n`,
    lang,
    // RFC 8058: mail clients show an unsubscribe button that POSTs to the link.
    headers: { 'List-Unsubscribe': `<${stop}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
}

/** Where a version's mail sends readers: the new notice, and what changed since the last one. */
function versionLinks(v: NoticeVersionWithContent, publicUrl: string, lang?: NoticeLanguage) {
  const langParam = lang ? `lang=${lang}` : '';
  return {
    read: `${publicUrl}/privacy/v/${v.version}${langParam ? `?${langParam}` : ''}`,
    diff:
      v.version > 1
        ? `${publicUrl}/privacy/diff?from=${v.version - 1}&to=${v.version}${langParam ? `&${langParam}` : ''}`
        : undefined,
  };
}

/** One line per change, Custodian's words in `lang` (the company's names and wording as written). */
const changeLines = (changes: NoticeVersionWithContent['changes'], lang: NoticeLanguage) =>
  changes.map((c) => {
    const { summary, reason } = changeInLanguage(c, lang);
    return `- ${summary} (${reason})`;
  });

const contactOf = (v: NoticeVersionWithContent) =>
  v.model.controller.privacy.email ?? v.model.controller.dpo?.email;

/** A subscriber's mail, written in `lang` (a language the version was published in), links included. */
function subscriberMessage(v: NoticeVersionWithContent, publicUrl: string, lang: NoticeLanguage) {
  const { t } = createTranslator(lang);
  const params = {
    org: v.model.controller.name,
    version: v.version,
    date: formatDate(v.effectiveDate, lang),
  };
  const links = versionLinks(v, publicUrl, lang);
  const contact = contactOf(v);
  return {
    subject: t('notify.subject', params),
    text: [
      t('notify.intro', params),
      '',
      t('notify.changes'),
      ...changeLines(
        v.changes.filter((c) => c.material),
        lang,
      ),
      '',
      t('notify.read', { link: links.read }),
      ...(links.diff ? [t('notify.diff', { link: links.diff })] : []),
      ...(contact ? ['', t('notify.questions', { contact })] : []),
      '',
      t('notify.why'),
    ].join('\n'),
  };
}

/** A business customer's mail (in English: the program names no language per customer). */
function customerMessage(v: NoticeVersionWithContent, publicUrl: string) {
  const version = v.version;
  const org = v.model.controller.name;
  const date = formatDate(v.effectiveDate, 'en');
  const links = versionLinks(v, publicUrl);
  const contact = contactOf(v);
  return {
    subject: `${org}: changes to how we process your organisation's data (effective ${date})`,
    text: [
      `${org} processes personal data on your organisation's behalf. Version ${version} of our privacy notice, effective ${date}, changes that processing:`,
      '',
      ...changeLines(
        v.changes.filter((c) => c.material && c.affectsCustomers),
        'en',
      ),
      '',
      `Read the new notice: ${links.read}`,
      ...(links.diff ? [`See every change: ${links.diff}`] : []),
      '',
      `If your organisation objects to a change (for example a new sub-processor), tell us${contact ? ` at ${contact}` : ''} before ${date}.`,
    ].join('\n'),
  };
}
