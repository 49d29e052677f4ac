import type { Kysely } from 'kysely';
import { AppError } from '../../errors.ts';
import type { Database } from '../../store/schema.ts';
import { WorkspaceScope } from '../../store/workspace-scope.ts';
import { appendAudit } from '../append-audit.ts';
import { burnPasswordCheck, verifyPassword } from './password.ts';
import { createSession, type NewSession } from './sessions.ts';

export const MAX_FAILED_ATTEMPTS = 5;
export const LOCKOUT_MINUTES = 15;

export interface SignedIn extends NewSession {
  user: { id: string; email: string; name: string | null; role: string; workspace_id: string };
}

/**
 * Email + password. Five wrong passwords in a row lock the account for 15 minutes; the
 * answer for an unknown email and a wrong password is the same, in the same time.
 */
export async function signIn(
  db: Kysely<Database>,
  email: string,
  password: string,
  now: Date,
): Promise<SignedIn> {
  const wrong = new AppError('unauthorized', 'the email or the password is wrong');
  const user = await db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.trim().toLowerCase()))
    .executeTakeFirst();
  if (!user?.password_hash || !user.password_salt || !user.password_params || user.disabled_at) {
    await burnPasswordCheck(password);
    throw wrong;
  }
  const scope = new WorkspaceScope(db, user.workspace_id);
  const actor = { id: `user:${user.id}`, role: user.role };
  if (user.locked_until && new Date(user.locked_until).getTime() > now.getTime()) {
    await appendAudit(
      scope,
      { actor, action: 'user.sign_in_locked', objectType: 'user', objectId: user.id },
      now,
    );
    const until = new Date(user.locked_until);
    throw new AppError(
      'rate_limited',
      `too many failed sign-ins: this account is locked until ${until.toISOString()}`,
      { details: { retry_after_seconds: Math.ceil((until.getTime() - now.getTime()) / 1000) } },
    );
  }
  const ok = await verifyPassword(password, {
    hash: user.password_hash,
    salt: user.password_salt,
    params: user.password_params,
  });
  if (!ok) {
    const failures = user.failed_attempts + 1;
    const lock = failures >= MAX_FAILED_ATTEMPTS;
    await scope
      .updateTable('users')
      .set({
        failed_attempts: lock ? 0 : failures,
        locked_until: lock ? new Date(now.getTime() + LOCKOUT_MINUTES * 60_000) : user.locked_until,
      })
      .where('id', '=', user.id)
      .execute();
    await appendAudit(
      scope,
      {
        actor,
        action: lock ? 'user.locked' : 'user.sign_in_failed',
        objectType: 'user',
        objectId: user.id,
        details: { failures },
      },
      now,
    );
    throw wrong;
  }
  await scope
    .updateTable('users')
    .set({ failed_attempts: 0, locked_until: null, last_sign_in_at: now })
    .where('id', '=', user.id)
    .execute();
  await appendAudit(
    scope,
    { actor, action: 'user.sign_in', objectType: 'user', objectId: user.id, details: { method: 'password' } },
    now,
  );
  const session = await createSession(scope, user.id, now);
  return {
    ...session,
    user: {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      workspace_id: user.workspace_id,
    },
  };
}
