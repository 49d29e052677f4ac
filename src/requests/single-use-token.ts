import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, DsrTokensTable } from '../store/schema.ts';
import { WorkspaceScope } from '../store/workspace-scope.ts';
import { sha256 } from './subject-key.ts';

type Purpose = DsrTokensTable['purpose'];

/** Creates a token for a link in an email; only its hash is stored. */
export async function createToken(
  scope: WorkspaceScope,
  requestId: string,
  purpose: Purpose,
  expiresAt: Date,
  now: Date,
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await scope
    .insertInto('dsr_tokens', {
      id: randomUUID(),
      request_id: requestId,
      purpose,
      token_hash: sha256(token),
      expires_at: expiresAt,
      used_at: null,
      created_at: now,
    })
    .execute();
  return token;
}

export type TokenCheck =
  | { ok: true; scope: WorkspaceScope; requestId: string; tokenId: string }
  | { ok: false; why: 'unknown' | 'expired' | 'used' };

/**
 * Finds a token from a public link. The token names its workspace (like an API key), so
 * this is the one unscoped read; everything after goes through the returned scope.
 */
export async function findToken(
  db: Kysely<Database>,
  token: string,
  purpose: Purpose,
  now: Date,
): Promise<TokenCheck> {
  const row = await db
    .selectFrom('dsr_tokens')
    .select(['id', 'workspace_id', 'request_id', 'expires_at', 'used_at'])
    .where('token_hash', '=', sha256(token))
    .where('purpose', '=', purpose)
    .executeTakeFirst();
  if (!row) return { ok: false, why: 'unknown' };
  if (row.used_at) return { ok: false, why: 'used' };
  if (row.expires_at.getTime() <= now.getTime()) return { ok: false, why: 'expired' };
  return {
    ok: true,
    scope: new WorkspaceScope(db, row.workspace_id),
    requestId: row.request_id,
    tokenId: row.id,
  };
}

/** Marks a token used; false when another use got there first (two clicks at once). */
export async function spendToken(scope: WorkspaceScope, tokenId: string, now: Date): Promise<boolean> {
  const result = await scope
    .updateTable('dsr_tokens')
    .set({ used_at: now })
    .where('id', '=', tokenId)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
