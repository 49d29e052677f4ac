import { randomInt, randomUUID } from 'node:crypto';
import type { Mailer } from '../mail/mailer.ts';
import { createTranslator, type NoticeLanguage } from '../notice/i18n/translator.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import {
  addressHash,
  keyedHash,
  normaliseAddress,
  readToken,
  signToken,
  workspaceSecret,
} from './workspace-secret.ts';

const CODE_MINUTES = 15;
const MAX_ATTEMPTS = 5;
const SESSION_HOURS = 2;

/**
 * Sends a one-time code that proves the person controls the address (preference center),
 * written in the language of the page it was asked for on.
 */
export async function sendPreferenceCode(
  scope: WorkspaceScope,
  address: string,
  mailer: Mailer,
  now: Date,
  lang: NoticeLanguage = 'en',
): Promise<boolean> {
  const secret = await workspaceSecret(scope);
  const email = normaliseAddress(address);
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await scope
    .insertInto('preference_codes', {
      id: randomUUID(),
      address_hash: addressHash(secret, email),
      code_hash: keyedHash(secret, 'code', `${email}\0${code}`),
      expires_at: new Date(now.getTime() + CODE_MINUTES * 60_000),
      used_at: null,
    })
    .execute();
  const { t } = createTranslator(lang);
  const sent = await mailer.send({
    to: email,
    subject: t('prefs.mailSubject', { code }),
    text: t('prefs.mailText', { code, minutes: CODE_MINUTES }),
    kind: 'transactional',
  });
  return sent.accepted;
}

/**
 * Checks a code; on success returns a signed session token for the address. Each code
 * allows a few attempts and is used once.
 */
export async function verifyPreferenceCode(
  scope: WorkspaceScope,
  address: string,
  code: string,
  now: Date,
): Promise<string | undefined> {
  const secret = await workspaceSecret(scope);
  const email = normaliseAddress(address);
  const row = await scope
    .selectFrom('preference_codes')
    .select(['id', 'code_hash', 'attempts'])
    .where('address_hash', '=', addressHash(secret, email))
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('expires_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row || row.attempts >= MAX_ATTEMPTS) return undefined;
  if (row.code_hash !== keyedHash(secret, 'code', `${email}\0${code.trim()}`)) {
    await scope
      .updateTable('preference_codes')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('id', '=', row.id)
      .execute();
    return undefined;
  }
  await scope.updateTable('preference_codes').set({ used_at: now }).where('id', '=', row.id).execute();
  return signToken(secret, { e: email, x: now.getTime() + SESSION_HOURS * 3_600_000 });
}

/** The verified address of a preference-center session, if the token is valid and current. */
export async function sessionAddress(scope: WorkspaceScope, token: string | undefined, now: Date) {
  if (!token) return undefined;
  const payload = readToken(await workspaceSecret(scope), token);
  if (!payload || typeof payload.e !== 'string' || typeof payload.x !== 'number' || payload.x < now.getTime())
    return undefined;
  return payload.e;
}
