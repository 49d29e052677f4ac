import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError } from '../../errors.ts';
import type { Services } from '../../http/services.ts';
import type { Database } from '../../store/schema.ts';
import { WorkspaceScope } from '../../store/workspace-scope.ts';
import { type Role, roleAtLeast } from '../api-keys.ts';
import { type Actor, appendAudit } from '../append-audit.ts';
import { hashPassword, MIN_PASSWORD_LENGTH } from './password.ts';
import { createSession, hashToken } from './sessions.ts';

const INVITATION_DAYS = 7;
const MAGIC_LINK_MINUTES = 15;

/** An admin invites someone by email with a role no higher than their own. */
export async function inviteUser(
  scope: WorkspaceScope,
  services: Pick<Services, 'mailer' | 'publicUrl'>,
  options: { email: string; role: Role },
  inviter: Actor & { role: Role },
  now: Date,
) {
  if (!roleAtLeast(inviter.role, options.role))
    throw new AppError(
      'forbidden',
      `you cannot invite someone as ${options.role}: your role is ${inviter.role}`,
    );
  const taken = await scope.db
    .selectFrom('users')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['email']), '=', options.email.toLowerCase()))
    .executeTakeFirst();
  if (taken) throw new AppError('conflict', `${options.email} already has an account`);
  const token = randomBytes(32).toString('base64url');
  const id = randomUUID();
  await scope
    .insertInto('user_tokens', {
      id,
      kind: 'invitation',
      email: options.email,
      role: options.role,
      token_hash: hashToken(token),
      expires_at: new Date(now.getTime() + INVITATION_DAYS * 86_400_000),
      used_at: null,
      created_by: inviter.id,
      created_at: now,
    })
    .execute();
  await appendAudit(
    scope,
    {
      actor: inviter,
      action: 'user.invite',
      objectType: 'invitation',
      objectId: id,
      details: { email: options.email, role: options.role },
    },
    now,
  );
  const link = `${services.publicUrl}/invitations/accept?token=${token}`;
  const mail = await services.mailer.send({
    to: options.email,
    subject: 'You are invited to Custodian',
    text: `You have been invited to the privacy team's Custodian workspace as ${options.role}.\n\nSet your password here (the link works for ${INVITATION_DAYS} days, once):\n${link}\n`,
    kind: 'transactional',
  });
  return {
    id,
    email: options.email,
    role: options.role,
    expires_at: new Date(now.getTime() + INVITATION_DAYS * 86_400_000),
    notified: mail.accepted,
  };
}

async function liveToken(db: Kysely<Database>, token: string, kind: 'invitation' | 'magic_link', now: Date) {
  const row = await db
    .selectFrom('user_tokens')
    .selectAll()
    .where('token_hash', '=', hashToken(token))
    .where('kind', '=', kind)
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', 'this link is not valid');
  if (row.used_at) throw new AppError('gone', 'this link was already used');
  if (new Date(row.expires_at).getTime() <= now.getTime())
    throw new AppError('gone', 'this link has expired');
  return row;
}

/** Checks an invitation link without using it (for the accept page). */
export async function peekInvitation(db: Kysely<Database>, token: string, now: Date) {
  const row = await liveToken(db, token, 'invitation', now);
  return { email: row.email, role: row.role };
}

/** Accepting an invitation creates the user with their password and signs them in. */
export async function acceptInvitation(
  db: Kysely<Database>,
  token: string,
  options: { password: string; name?: string | undefined },
  now: Date,
) {
  if (options.password.length < MIN_PASSWORD_LENGTH)
    throw new AppError('validation_failed', `the password needs at least ${MIN_PASSWORD_LENGTH} characters`, {
      details: [{ path: 'body.password', message: `at least ${MIN_PASSWORD_LENGTH} characters` }],
    });
  const invitation = await liveToken(db, token, 'invitation', now);
  const scope = new WorkspaceScope(db, invitation.workspace_id);
  const password = await hashPassword(options.password);
  const userId = randomUUID();
  await scope.transaction(async (tx) => {
    const used = await tx
      .updateTable('user_tokens')
      .set({ used_at: now })
      .where('id', '=', invitation.id)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(used.numUpdatedRows) !== 1) throw new AppError('gone', 'this link was already used');
    await tx
      .insertInto('users', {
        id: userId,
        email: invitation.email,
        name: options.name ?? null,
        role: invitation.role ?? 'auditor',
        password_hash: password.hash,
        password_salt: password.salt,
        password_params: JSON.stringify(password.params) as never,
        locked_until: null,
        last_sign_in_at: now,
        disabled_at: null,
      })
      .execute();
    await appendAudit(
      tx,
      {
        actor: { id: `user:${userId}`, role: invitation.role },
        action: 'user.create',
        objectType: 'user',
        objectId: userId,
        details: { email: invitation.email, role: invitation.role, invitation: invitation.id },
      },
      now,
    );
  });
  const session = await createSession(scope, userId, now);
  return { userId, ...session };
}

/**
 * Emails a one-time sign-in link when the address has an account. The caller answers the
 * same either way, so the form does not reveal who has an account.
 */
export async function sendMagicLink(
  db: Kysely<Database>,
  services: Pick<Services, 'mailer' | 'publicUrl'>,
  email: string,
  now: Date,
): Promise<void> {
  const user = await db
    .selectFrom('users')
    .select(['id', 'workspace_id', 'email'])
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.trim().toLowerCase()))
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  if (!user) return;
  const scope = new WorkspaceScope(db, user.workspace_id);
  const token = randomBytes(32).toString('base64url');
  await scope
    .insertInto('user_tokens', {
      id: randomUUID(),
      kind: 'magic_link',
      email: user.email,
      role: null,
      token_hash: hashToken(token),
      expires_at: new Date(now.getTime() + MAGIC_LINK_MINUTES * 60_000),
      used_at: null,
      created_by: null,
      created_at: now,
    })
    .execute();
  await services.mailer.send({
    to: user.email,
    subject: 'Your Custodian sign-in link',
    text: `Sign in to Custodian with this link (it works once, for ${MAGIC_LINK_MINUTES} minutes):\n${services.publicUrl}/auth/magic?token=${token}\n\nIf you did not ask for it, ignore this email.`,
    kind: 'transactional',
  });
}

/** Uses a sign-in link: one time, within its minutes. */
export async function consumeMagicLink(db: Kysely<Database>, token: string, now: Date) {
  const row = await liveToken(db, token, 'magic_link', now);
  const scope = new WorkspaceScope(db, row.workspace_id);
  const user = await scope
    .selectFrom('users')
    .select(['id', 'role', 'disabled_at'])
    .where((eb) => eb(eb.fn('lower', ['email']), '=', row.email.toLowerCase()))
    .executeTakeFirst();
  if (!user || user.disabled_at) throw new AppError('forbidden', 'this account is disabled');
  const used = await scope
    .updateTable('user_tokens')
    .set({ used_at: now })
    .where('id', '=', row.id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  if (Number(used.numUpdatedRows) !== 1) throw new AppError('gone', 'this link was already used');
  await scope
    .updateTable('users')
    .set({ last_sign_in_at: now, failed_attempts: 0 })
    .where('id', '=', user.id)
    .execute();
  await appendAudit(
    scope,
    {
      actor: { id: `user:${user.id}`, role: user.role },
      action: 'user.sign_in',
      objectType: 'user',
      objectId: user.id,
      details: { method: 'email_link' },
    },
    now,
  );
  return createSession(scope, user.id, now);
}
