import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Mailer } from '../mail/mailer.ts';
import { createTranslator, type NoticeLanguage } from '../notice/i18n/translator.ts';
import { mailLanguage, programNoticeLanguages } from '../notice/notice-languages.ts';
import { findCurrentProgram } from '../program/current-program.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import { suppressHashes } from './suppression.ts';
import {
  addressHash,
  isEmailAddress,
  normaliseAddress,
  readToken,
  signToken,
  workspaceSecret,
} from './workspace-secret.ts';

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

export interface SubscribeItem {
  email: string;
  list: string;
  /** The language of the page the person subscribed from (one the program publishes). */
  lang?: NoticeLanguage;
}

/** The languages the program publishes its pages in (English before a program is pushed). */
export async function subscriptionLanguages(scope: WorkspaceScope): Promise<NoticeLanguage[]> {
  const doc = (await findCurrentProgram(scope))?.program.doc;
  return doc ? programNoticeLanguages(doc) : ['en'];
}

export interface SubscribeResult {
  email: string;
  list: string;
  status: 'succeeded' | 'skipped' | 'failed';
  /** pending (confirmation sent), already_confirmed, suppressed, invalid_address, mail_failed */
  detail: string;
}

/**
 * Starts double opt-in for each address: a pending subscription and a confirmation e-mail
 * with a one-time link, in the language the person subscribed in (else the first published
 * one), which the subscription keeps. Suppressed addresses are skipped: only the person can lift that.
 */
export async function subscribe(
  scope: WorkspaceScope,
  items: SubscribeItem[],
  context: { mailer: Mailer; publicUrl: string; source: string },
  now: Date,
): Promise<SubscribeResult[]> {
  const secret = await workspaceSecret(scope);
  const languages = await subscriptionLanguages(scope);
  const results: SubscribeResult[] = [];
  for (const item of items) {
    const out = (status: SubscribeResult['status'], detail: string) =>
      results.push({ email: item.email, list: item.list, status, detail });
    if (!isEmailAddress(item.email)) {
      out('failed', 'invalid_address');
      continue;
    }
    const email = normaliseAddress(item.email);
    const hash = addressHash(secret, email);
    const blocked = await scope
      .selectFrom('suppressions')
      .select('id')
      .where('address_hash', '=', hash)
      .where((eb) => eb.or([eb('list', 'is', null), eb('list', '=', item.list)]))
      .executeTakeFirst();
    if (blocked) {
      out('skipped', 'suppressed');
      continue;
    }
    const existing = await scope
      .selectFrom('subscriptions')
      .select(['id', 'status'])
      .where('list', '=', item.list)
      .where('address_hash', '=', hash)
      .executeTakeFirst();
    if (existing?.status === 'confirmed') {
      out('skipped', 'already_confirmed');
      continue;
    }
    const token = randomBytes(24).toString('base64url');
    const lang = mailLanguage(item.lang ?? '', languages);
    if (existing) {
      await scope
        .updateTable('subscriptions')
        .set({ status: 'pending', token_hash: tokenHash(token), email, source: context.source, lang })
        .where('id', '=', existing.id)
        .execute();
    } else {
      await scope
        .insertInto('subscriptions', {
          id: randomUUID(),
          list: item.list,
          email,
          address_hash: hash,
          status: 'pending',
          token_hash: tokenHash(token),
          source: context.source,
          created_at: now,
          confirmed_at: null,
          unsubscribed_at: null,
          lang,
        })
        .execute();
    }
    const link = `${context.publicUrl}/consent/subscriptions/confirm?s=${scope.workspaceId}&t=${token}&lang=${lang}`;
    const { t } = createTranslator(lang);
    const sent = await context.mailer.send({
      to: email,
      subject: t('subs.mailSubject', { list: item.list }),
      text: t('subs.mailText', { list: item.list, link }),
      kind: 'transactional',
    });
    if (sent.accepted) out('succeeded', 'pending');
    else out('failed', 'mail_failed');
  }
  return results;
}

/** Confirms a pending subscription from the link in the confirmation e-mail. */
export async function confirmSubscription(
  scope: WorkspaceScope,
  token: string,
  now: Date,
): Promise<{ list: string } | undefined> {
  const row = await scope
    .selectFrom('subscriptions')
    .select(['id', 'list'])
    .where('token_hash', '=', tokenHash(token))
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (!row) return undefined;
  await scope
    .updateTable('subscriptions')
    .set({ status: 'confirmed', confirmed_at: now, token_hash: null })
    .where('id', '=', row.id)
    .execute();
  return { list: row.list };
}

/**
 * The `List-Unsubscribe` and `List-Unsubscribe-Post` (RFC 8058 one-click) header values a
 * mailer puts on a marketing message. The link carries a signed address hash, never the address,
 * and the language the person subscribed in (its page is shown in it while it is published).
 */
export async function listUnsubscribeHeaders(
  scope: WorkspaceScope,
  input: { email: string; list: string },
  publicUrl: string,
): Promise<{ url: string; headers: Record<string, string> }> {
  const secret = await workspaceSecret(scope);
  const hash = addressHash(secret, input.email);
  const token = signToken(secret, { h: hash, l: input.list });
  const row = await scope
    .selectFrom('subscriptions')
    .select('lang')
    .where('address_hash', '=', hash)
    .where('list', '=', input.list)
    .executeTakeFirst();
  const lang = mailLanguage(row?.lang ?? '', await subscriptionLanguages(scope));
  const url = `${publicUrl}/consent/unsubscribe?s=${scope.workspaceId}&t=${token}&lang=${lang}`;
  return {
    url,
    headers: { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
}

/** Unsubscribes from a signed link: the subscription ends and the address is suppressed for that list. */
export async function unsubscribe(
  scope: WorkspaceScope,
  token: string,
  now: Date,
): Promise<{ list: string } | undefined> {
  const payload = readToken(await workspaceSecret(scope), token);
  if (!payload || typeof payload.h !== 'string' || typeof payload.l !== 'string') return undefined;
  const list = payload.l;
  await scope
    .updateTable('subscriptions')
    .set({ status: 'unsubscribed', unsubscribed_at: now, token_hash: null })
    .where('address_hash', '=', payload.h)
    .where('list', '=', list)
    .execute();
  await suppressHashes(scope, [payload.h], { list, reason: 'unsubscribed', source: 'subject' }, now);
  return { list };
}
