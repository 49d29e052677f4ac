import { randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors.ts';
import type { Services } from '../http/services.ts';
import { findCurrentProgram } from '../program/current-program.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import { codeMail, requestMailLanguage, sendRequestMail } from './request-mail.ts';
import type { RequestRow } from './request-record.ts';
import { sha256 } from './subject-key.ts';

export const CODE_MINUTES = 10;
export const CODE_ATTEMPTS = 5;

function codeHash(requestId: string, code: string): string {
  return sha256(`dsr-code:${requestId}:${code}`);
}

/**
 * Emails a fresh one-time code and link; earlier codes stop working. Only hashes are
 * stored: the code and link exist in the email alone.
 */
export async function issueVerificationCode(
  scope: WorkspaceScope,
  services: Services,
  row: RequestRow,
  now: Date,
): Promise<void> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const link = randomBytes(24).toString('base64url');
  await scope
    .updateTable('dsr_verification_codes')
    .set({ consumed_at: now })
    .where('request_id', '=', row.id)
    .where('consumed_at', 'is', null)
    .execute();
  await scope
    .insertInto('dsr_verification_codes', {
      id: randomUUID(),
      request_id: row.id,
      code_hash: codeHash(row.id, code),
      link_hash: sha256(link),
      expires_at: new Date(now.getTime() + CODE_MINUTES * 60_000),
      consumed_at: null,
      created_at: now,
    })
    .execute();
  const doc = (await findCurrentProgram(scope))?.program.doc;
  const lang = requestMailLanguage(row, doc);
  const url = `${services.publicUrl}/privacy-center/requests/${row.id}/verify?token=${link}&lang=${lang}`;
  const mail = codeMail(row, doc, code, url, CODE_MINUTES);
  await sendRequestMail(scope, services, row, mail, now);
}

/** Checks a typed code. Wrong codes count; after the fifth, or after 10 minutes, a new code is needed. */
export async function checkVerificationCode(
  scope: WorkspaceScope,
  requestId: string,
  code: string,
  now: Date,
): Promise<void> {
  const current = await scope
    .selectFrom('dsr_verification_codes')
    .selectAll()
    .where('request_id', '=', requestId)
    .where('consumed_at', 'is', null)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!current || current.expires_at.getTime() <= now.getTime() || current.attempts >= CODE_ATTEMPTS) {
    throw new AppError('gone', 'this code is no longer valid: ask for a new code', {
      details: [{ path: 'body.code', message: 'expired or used up; ask for a new code' }],
    });
  }
  const expected = Buffer.from(current.code_hash, 'hex');
  const given = Buffer.from(codeHash(requestId, code.trim()), 'hex');
  if (!timingSafeEqual(expected, given)) {
    const attempts = current.attempts + 1;
    await scope
      .updateTable('dsr_verification_codes')
      .set({ attempts, ...(attempts >= CODE_ATTEMPTS ? { consumed_at: now } : {}) })
      .where('id', '=', current.id)
      .execute();
    const left = CODE_ATTEMPTS - attempts;
    throw new AppError(
      'validation_failed',
      left > 0
        ? `wrong code: ${left} attempt${left === 1 ? '' : 's'} left`
        : 'wrong code: ask for a new code',
      {
        details: [{ path: 'body.code', message: left > 0 ? `wrong code, ${left} left` : 'no attempts left' }],
      },
    );
  }
  await scope
    .updateTable('dsr_verification_codes')
    .set({ consumed_at: now })
    .where('id', '=', current.id)
    .execute();
}

/** Checks an emailed link; it works once, within the code's 10 minutes. */
export async function checkVerificationLink(
  scope: WorkspaceScope,
  requestId: string,
  token: string,
  now: Date,
): Promise<void> {
  const updated = await scope
    .updateTable('dsr_verification_codes')
    .set({ consumed_at: now })
    .where('request_id', '=', requestId)
    .where('link_hash', '=', sha256(token))
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) {
    throw new AppError('gone', 'this link is no longer valid: ask for a new code');
  }
}
