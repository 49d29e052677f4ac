import type { Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { roles } from '../../governance/api-keys.ts';
import { appendAudit } from '../../governance/append-audit.ts';
import { escapeHtml, htmlPage } from '../../governance/html.ts';
import { MIN_PASSWORD_LENGTH } from '../../governance/users/password.ts';
import {
  CSRF_COOKIE,
  findSession,
  type NewSession,
  revokeSession,
  revokeUserSessions,
  SESSION_COOKIE,
} from '../../governance/users/sessions.ts';
import { signIn } from '../../governance/users/sign-in.ts';
import {
  acceptInvitation,
  consumeMagicLink,
  inviteUser,
  peekInvitation,
  sendMagicLink,
} from '../../governance/users/user-tokens.ts';
import { WorkspaceScope } from '../../store/workspace-scope.ts';
import { assertSameOrigin } from '../auth.ts';
import { processLimiter, rateLimitedError, retryAfterOf } from '../rate-limit.ts';
import { type AppEnv, route } from '../route.ts';
import type { Services } from '../services.ts';

const roleEnum = z.enum(roles as unknown as [(typeof roles)[number], ...(typeof roles)[number][]]);

/** Sign-in attempts per client address and per email, per 10 minutes. */
function limiters(services: Services) {
  return {
    byClient: processLimiter(services, 'sign-in:client', { limit: 30, windowMs: 600_000 }),
    byEmail: processLimiter(services, 'sign-in:email', { limit: 10, windowMs: 600_000 }),
  };
}

function clientAddress(c: Context): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'local';
}

function isTls(c: Context, services: Services): boolean {
  return new URL(c.req.url).protocol === 'https:' || services.publicUrl.startsWith('https://');
}

function setSessionCookies(c: Context, services: Services, session: NewSession) {
  const secure = isTls(c, services);
  const maxAge = Math.max(0, Math.floor((session.expiresAt.getTime() - services.clock().getTime()) / 1000));
  setCookie(c, SESSION_COOKIE, session.token, { httpOnly: true, secure, sameSite: 'Lax', path: '/', maxAge });
  // Readable by the console's script, which echoes it in X-CSRF-Token; useless to another site.
  setCookie(c, CSRF_COOKIE, session.csrfToken, {
    httpOnly: false,
    secure,
    sameSite: 'Lax',
    path: '/',
    maxAge,
  });
}

function wantsHtml(c: Context): boolean {
  return (
    (c.req.header('content-type') ?? '').includes('application/x-www-form-urlencoded') ||
    (c.req.header('content-type') ?? '').includes('multipart/form-data')
  );
}

async function readInput(c: Context): Promise<Record<string, unknown>> {
  if (wantsHtml(c)) return (await c.req.parseBody()) as Record<string, unknown>;
  try {
    return (await c.req.json()) as Record<string, unknown>;
  } catch {
    throw new AppError('bad_request', 'the request body is not valid JSON');
  }
}

/** Only same-site paths, so a crafted sign-in link cannot bounce the user elsewhere. */
function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/(?!\/)[\w\-./?=&%]*$/.test(value) ? value : '/';
}

function signInPage(message?: string, next = '/'): string {
  return htmlPage(
    'Sign in to Custodian',
    `<h1>Sign in</h1>${message ? `<p class="error">${escapeHtml(message)}</p>` : ''}
<form method="post" action="/auth/sign-in">
<input type="hidden" name="next" value="${escapeHtml(next)}">
<label>Email<input type="email" name="email" autocomplete="username" required></label>
<label>Password<input type="password" name="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button></form>
<h2>Or get a sign-in link by email</h2>
<form method="post" action="/auth/magic-link"><label>Email<input type="email" name="email" required></label>
<button type="submit">Email me a link</button></form>`,
  );
}

/** Console users: sign-in (password or email link), sessions, invitations, user admin. */
export function registerUserRoutes(app: Hono<AppEnv>): void {
  app.get('/sign-in', (c) => c.html(signInPage(undefined, safeNext(c.req.query('next')))));

  // `/api/sessions` is the same sign-in for the console's JSON client.
  for (const path of ['/auth/sign-in', '/api/sessions'])
    app.post(path, async (c) => {
      const services = c.get('services');
      assertSameOrigin(c, services);
      const input = await readInput(c);
      const parsed = z.object({ email: z.email(), password: z.string().min(1).max(1000) }).safeParse(input);
      const html = wantsHtml(c);
      if (!parsed.success) {
        if (html) return c.html(signInPage('Enter your email and password.'), 422);
        throw new AppError('validation_failed', 'invalid body: email and password are required', {
          details: parsed.error.issues.map((i) => ({
            path: ['body', ...i.path].join('.'),
            message: i.message,
          })),
        });
      }
      const now = services.clock();
      const { byClient, byEmail } = limiters(services);
      const verdict = byClient.take(clientAddress(c), now);
      const limited = verdict.allowed ? byEmail.take(parsed.data.email.toLowerCase(), now) : verdict;
      try {
        if (!limited.allowed) throw rateLimitedError('too many sign-in attempts', limited.retryAfterSeconds);
        const result = await signIn(services.store.db, parsed.data.email, parsed.data.password, now);
        setSessionCookies(c, services, result);
        if (html) return c.redirect(safeNext(input.next), 303);
        return c.json({ user: result.user, csrf_token: result.csrfToken, expires_at: result.expiresAt });
      } catch (err) {
        if (html && err instanceof AppError) {
          const wait = retryAfterOf(err);
          if (wait !== undefined) c.header('Retry-After', String(wait));
          return c.html(signInPage(err.message), err.status);
        }
        throw err;
      }
    });

  app.post('/auth/sign-out', async (c) => {
    const services = c.get('services');
    assertSameOrigin(c, services);
    const token = getCookie(c, SESSION_COOKIE);
    const session = token ? await findSession(services.store.db, token, services.clock()) : undefined;
    if (session) {
      const input = wantsHtml(c) ? await c.req.parseBody() : {};
      const sent = c.req.header('x-csrf-token') ?? (input as Record<string, unknown>)._csrf;
      if (sent !== session.csrfToken) throw new AppError('forbidden', 'missing or wrong CSRF token');
      const scope = new WorkspaceScope(services.store.db, session.workspaceId);
      await revokeSession(scope, session.sessionId, services.clock());
      await appendAudit(
        scope,
        {
          actor: { id: `user:${session.userId}`, role: session.role },
          action: 'user.sign_out',
          objectType: 'user',
          objectId: session.userId,
        },
        services.clock(),
      );
    }
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    deleteCookie(c, CSRF_COOKIE, { path: '/' });
    return wantsHtml(c) ? c.redirect('/sign-in', 303) : c.json({ signed_out: true });
  });

  app.post('/auth/magic-link', async (c) => {
    const services = c.get('services');
    assertSameOrigin(c, services);
    const input = await readInput(c);
    const email = z.email().safeParse(input.email);
    if (!email.success) throw new AppError('validation_failed', 'body.email: an email address is required');
    const now = services.clock();
    const verdict = limiters(services).byEmail.take(`link:${email.data.toLowerCase()}`, now);
    if (!verdict.allowed)
      throw rateLimitedError('too many sign-in links asked for', verdict.retryAfterSeconds);
    await sendMagicLink(services.store.db, services, email.data, now);
    const message = 'If this address has an account, a sign-in link is on its way.';
    return wantsHtml(c)
      ? c.html(htmlPage('Check your email', `<p>${message}</p>`))
      : c.json({ sent: true, message }, 202);
  });

  // The link opens a confirmation page: mail scanners that follow links must not use it up.
  app.get('/auth/magic', (c) =>
    c.html(
      htmlPage(
        'Sign in',
        `<h1>Sign in to Custodian</h1><form method="post" action="/auth/magic">
<input type="hidden" name="token" value="${escapeHtml(c.req.query('token') ?? '')}">
<button type="submit">Sign in</button></form>`,
      ),
    ),
  );

  app.post('/auth/magic', async (c) => {
    const services = c.get('services');
    assertSameOrigin(c, services);
    const input = await readInput(c);
    try {
      const session = await consumeMagicLink(services.store.db, String(input.token ?? ''), services.clock());
      setSessionCookies(c, services, session);
      return wantsHtml(c)
        ? c.redirect('/', 303)
        : c.json({ csrf_token: session.csrfToken, expires_at: session.expiresAt });
    } catch (err) {
      if (wantsHtml(c) && err instanceof AppError) return c.html(signInPage(err.message), err.status);
      throw err;
    }
  });

  app.get('/invitations/accept', async (c) => {
    const services = c.get('services');
    const token = c.req.query('token') ?? '';
    try {
      const invitation = await peekInvitation(services.store.db, token, services.clock());
      return c.html(
        htmlPage(
          'Join Custodian',
          `<h1>Join Custodian</h1><p>You are invited as <strong>${escapeHtml(invitation.role)}</strong> (${escapeHtml(invitation.email)}).</p>
<form method="post" action="/invitations/accept"><input type="hidden" name="token" value="${escapeHtml(token)}">
<label>Your name<input name="name" autocomplete="name"></label>
<label>Password (at least ${MIN_PASSWORD_LENGTH} characters)<input type="password" name="password" minlength="${MIN_PASSWORD_LENGTH}" autocomplete="new-password" required></label>
<button type="submit">Set password and sign in</button></form>`,
        ),
      );
    } catch (err) {
      if (err instanceof AppError)
        return c.html(htmlPage('Invitation', `<p class="error">${escapeHtml(err.message)}</p>`), err.status);
      throw err;
    }
  });

  app.post('/invitations/accept', async (c) => {
    const services = c.get('services');
    assertSameOrigin(c, services);
    const input = await readInput(c);
    const parsed = z
      .object({
        token: z.string().min(10),
        password: z.string().max(1000),
        name: z.string().max(200).optional(),
      })
      .safeParse({ ...input, name: input.name || undefined });
    if (!parsed.success) throw new AppError('validation_failed', 'token and password are required');
    try {
      const result = await acceptInvitation(
        services.store.db,
        parsed.data.token,
        { password: parsed.data.password, name: parsed.data.name },
        services.clock(),
      );
      setSessionCookies(c, services, result);
      return wantsHtml(c)
        ? c.redirect('/', 303)
        : c.json({ user_id: result.userId, csrf_token: result.csrfToken }, 201);
    } catch (err) {
      if (wantsHtml(c) && err instanceof AppError)
        return c.html(htmlPage('Invitation', `<p class="error">${escapeHtml(err.message)}</p>`), err.status);
      throw err;
    }
  });

  route(
    app,
    {
      method: 'get',
      path: '/api/me',
      summary: 'Who is calling (user or key) and their role',
      tag: 'users',
      role: 'auditor',
    },
    async ({ auth, c, services }) => {
      const token = getCookie(c, SESSION_COOKIE);
      const session =
        auth.actorId.startsWith('user:') && token
          ? await findSession(services.store.db, token, services.clock())
          : undefined;
      return {
        actor: auth.actorId,
        name: auth.name,
        role: auth.role,
        workspace_id: auth.workspaceId,
        ...(session ? { email: session.email, csrf_token: session.csrfToken } : {}),
      };
    },
  );

  route(
    app,
    {
      method: 'post',
      path: '/api/users/invitations',
      summary: 'Invite a console user by email (role at most the inviter’s)',
      tag: 'users',
      role: 'admin',
      body: z.object({ email: z.email(), role: roleEnum }),
    },
    async ({ scope, services, body, auth }) =>
      inviteUser(scope, services, body, { id: auth.actorId, role: auth.role }, services.clock()),
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/users',
      summary: 'Console users of the workspace',
      tag: 'users',
      role: 'admin',
    },
    async ({ scope }) => ({
      users: await scope
        .selectFrom('users')
        .select([
          'id',
          'email',
          'name',
          'role',
          'created_at',
          'last_sign_in_at',
          'locked_until',
          'disabled_at',
        ])
        .orderBy('created_at')
        .execute(),
    }),
  );

  route(
    app,
    {
      method: 'patch',
      path: '/api/users/:id',
      summary: 'Change a user’s role or disable them (ends their sessions)',
      tag: 'users',
      role: 'owner',
      params: z.object({ id: z.uuid() }),
      body: z.object({
        role: roleEnum.optional(),
        disabled: z.boolean().optional(),
        unlock: z.boolean().optional(),
      }),
    },
    async ({ scope, params, body, services, audit }) => {
      const now = services.clock();
      const user = await scope
        .selectFrom('users')
        .select(['id'])
        .where('id', '=', params.id)
        .executeTakeFirst();
      if (!user) throw new AppError('not_found', `no user ${params.id}`);
      await scope
        .updateTable('users')
        .set({
          ...(body.role ? { role: body.role } : {}),
          ...(body.disabled === undefined ? {} : { disabled_at: body.disabled ? now : null }),
          ...(body.unlock ? { locked_until: null, failed_attempts: 0 } : {}),
        })
        .where('id', '=', params.id)
        .execute();
      if (body.disabled || body.role) await revokeUserSessions(scope, params.id, now);
      await audit({ action: 'user.update', objectType: 'user', objectId: params.id, details: { ...body } });
      return scope
        .selectFrom('users')
        .select(['id', 'email', 'name', 'role', 'locked_until', 'disabled_at'])
        .where('id', '=', params.id)
        .executeTakeFirstOrThrow();
    },
  );
}
