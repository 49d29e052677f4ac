import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import type { WorkspaceScope } from '../../store/workspace-scope.ts';
import type { Role } from '../api-keys.ts';

export const SESSION_COOKIE = 'custodian_session';
export const CSRF_COOKIE = 'custodian_csrf';
export const SESSION_HOURS = 12;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface NewSession {
  /** Goes into the HttpOnly cookie; only its hash is stored. */
  token: string;
  /** Sent back by the console in `X-CSRF-Token` (or `_csrf` in forms) on every change. */
  csrfToken: string;
  expiresAt: Date;
}

export async function createSession(scope: WorkspaceScope, userId: string, now: Date): Promise<NewSession> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3_600_000);
  await scope
    .insertInto('sessions', {
      id: randomUUID(),
      user_id: userId,
      token_hash: hashToken(token),
      csrf_token: csrfToken,
      created_at: now,
      expires_at: expiresAt,
      revoked_at: null,
    })
    .execute();
  return { token, csrfToken, expiresAt };
}

export interface SessionIdentity {
  sessionId: string;
  workspaceId: string;
  userId: string;
  email: string;
  name: string | null;
  role: Role;
  csrfToken: string;
}

/** The live session behind a cookie value (not expired, not revoked, user not disabled). */
export async function findSession(
  db: Kysely<Database>,
  token: string,
  now: Date,
): Promise<SessionIdentity | undefined> {
  // Like API keys, the cookie names its workspace through the session row: the one unscoped read.
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id as session_id',
      'sessions.workspace_id',
      'sessions.csrf_token',
      'sessions.expires_at',
      'users.id as user_id',
      'users.email',
      'users.name',
      'users.role',
    ])
    .where('sessions.token_hash', '=', hashToken(token))
    .where('sessions.revoked_at', 'is', null)
    .where('users.disabled_at', 'is', null)
    .executeTakeFirst();
  if (!row || new Date(row.expires_at).getTime() <= now.getTime()) return undefined;
  return {
    sessionId: row.session_id,
    workspaceId: row.workspace_id,
    userId: row.user_id,
    email: row.email,
    name: row.name,
    role: row.role,
    csrfToken: row.csrf_token,
  };
}

export async function revokeSession(scope: WorkspaceScope, sessionId: string, now: Date): Promise<void> {
  await scope.updateTable('sessions').set({ revoked_at: now }).where('id', '=', sessionId).execute();
}

export async function revokeUserSessions(scope: WorkspaceScope, userId: string, now: Date): Promise<void> {
  await scope
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}
