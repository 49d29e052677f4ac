import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { normaliseAddress } from '../../consent/workspace-secret.ts';
import { signLink, verifyLink } from '../../governance/server-keys.ts';
import type { Mailer } from '../../mail/mailer.ts';
import { findCurrentProgram } from '../../program/current-program.ts';
import { WorkspaceScope } from '../../store/workspace-scope.ts';
import { createTranslator, type NoticeLanguage } from '../i18n/translator.ts';
import { isNoticeLanguage, mailLanguage } from '../notice-languages.ts';

/** How long a confirmation link works. */
export const CONFIRMATION_DAYS = 7;
/** A pending address is sent a new confirmation link at most this often (no mail bombing). */
const RESEND_AFTER_MS = 15 * 60 * 1000;
/** Unsubscribe links in notifications work for years: people act on old mail. */
const UNSUBSCRIBE_LINK_YEARS = 10;

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

export interface SubscriptionContext {
  mailer: Mailer;
  publicUrl: string;
  now: Date;
}

/** The organisation's name as its latest notice gives it (the current program's before the first). */
export async function noticeOrganization(scope: WorkspaceScope): Promise<string> {
  const published = await scope
    .selectFrom('notice_versions')
    .select(sql<string>`model->'controller'->>'name'`.as('name'))
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (published?.name) return published.name;
  const current = await findCurrentProgram(scope);
  return current?.program.doc.organization.name ?? 'us';
}

/**
 * Asks to be emailed of notice changes: the address is kept as pending and sent a one-time
 * link; nothing is sent to it until the link is opened. Asking again while confirmed sends
 * nothing, and a pending address gets a new link at most every 15 minutes. The caller gives
 * the same answer whatever happened, so the form tells no one who is subscribed.
 */
export async function requestNoticeSubscription(
  scope: WorkspaceScope,
  input: { email: string; lang: NoticeLanguage },
  context: SubscriptionContext,
): Promise<{ mailed: boolean }> {
  const email = normaliseAddress(input.email);
  const existing = await scope
    .selectFrom('notice_subscribers')
    .select(['id', 'status', 'confirmation_sent_at'])
    .where('email', '=', email)
    .executeTakeFirst();
  if (existing?.status === 'confirmed') return { mailed: false };
  const lastSent = existing?.confirmation_sent_at ? new Date(existing.confirmation_sent_at).getTime() : 0;
  if (existing?.status === 'pending' && context.now.getTime() - lastSent < RESEND_AFTER_MS) {
    return { mailed: false };
  }
  const token = randomBytes(24).toString('base64url');
  const pending = {
    status: 'pending' as const,
    lang: input.lang,
    token_hash: tokenHash(token),
    confirmation_sent_at: context.now,
  };
  if (existing) {
    await scope.updateTable('notice_subscribers').set(pending).where('id', '=', existing.id).execute();
  } else {
    await scope
      .insertInto('notice_subscribers', { id: randomUUID(), email, created_at: context.now, ...pending })
      .onConflict((oc) => oc.columns(['workspace_id', 'email']).doUpdateSet(pending))
      .execute();
  }
  const { t } = createTranslator(input.lang);
  const org = await noticeOrganization(scope);
  const link = `${context.publicUrl}/privacy/subscribe/confirm?t=${token}&lang=${input.lang}`;
  const sent = await context.mailer.send({
    to: email,
    subject: t('subscribe.mailSubject', { org }),
    text: t('subscribe.mailText', { org, link }),
    kind: 'transactional',
  });
  return { mailed: sent.accepted };
}

/** Confirms from the emailed link; undefined when the link is unknown, used or expired. */
export async function confirmNoticeSubscription(
  scope: WorkspaceScope,
  token: string,
  now: Date,
): Promise<{ lang: NoticeLanguage } | undefined> {
  const since = new Date(now.getTime() - CONFIRMATION_DAYS * 86_400_000);
  const row = await scope
    .updateTable('notice_subscribers')
    .set({ status: 'confirmed', confirmed_at: now, token_hash: null, unsubscribed_at: null })
    .where('token_hash', '=', tokenHash(token))
    .where('status', '=', 'pending')
    .where('confirmation_sent_at', '>', since)
    .returning('lang')
    .executeTakeFirst();
  if (!row) return undefined;
  return { lang: isNoticeLanguage(row.lang) ? row.lang : 'en' };
}

/** The language a subscriber's notification is written in (see `mailLanguage`). */
export const subscriberMailLanguage = mailLanguage;

/** The link in each notification that ends the subscription (signed: it names the subscriber). */
export async function unsubscribeLink(
  scope: WorkspaceScope,
  subscriber: { id: string; lang: string },
  publicUrl: string,
  now: Date,
): Promise<string> {
  const exp = Math.floor(now.getTime() / 1000) + UNSUBSCRIBE_LINK_YEARS * 365 * 86_400;
  const token = await signLink(scope, { kind: 'notice_unsubscribe', id: subscriber.id, exp });
  const lang = isNoticeLanguage(subscriber.lang) ? subscriber.lang : 'en';
  return `${publicUrl}/privacy/unsubscribe?t=${encodeURIComponent(token)}&lang=${lang}`;
}

/**
 * Ends a subscription from the link in a notification (or the mail client's one-click POST):
 * nothing more is sent, including a notification still waiting to go out. Using the link
 * twice is no error. Throws the link's AppError when it is not valid.
 */
export async function unsubscribeFromNotice(
  db: WorkspaceScope['db'],
  token: string,
  now: Date,
): Promise<{ scope: WorkspaceScope; lang: NoticeLanguage }> {
  const { workspaceId, claims } = await verifyLink(db, token, 'notice_unsubscribe', now);
  const scope = new WorkspaceScope(db, workspaceId);
  const row = await scope
    .selectFrom('notice_subscribers')
    .select(['email', 'lang', 'status'])
    .where('id', '=', claims.id)
    .executeTakeFirst();
  if (row && row.status !== 'unsubscribed') {
    await scope
      .updateTable('notice_subscribers')
      .set({ status: 'unsubscribed', unsubscribed_at: now, token_hash: null })
      .where('id', '=', claims.id)
      .execute();
    await scope
      .updateTable('notice_notifications')
      .set({ status: 'cancelled', last_error: 'unsubscribed before it was sent' })
      .where('recipient', '=', row.email)
      .where('audience', '=', 'subscriber')
      .where('status', 'in', ['pending', 'failed'])
      .execute();
  }
  return { scope, lang: row && isNoticeLanguage(row.lang) ? row.lang : 'en' };
}
