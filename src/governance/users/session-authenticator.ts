import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { AppError } from '../../errors.ts';
import type { Auth, Authenticator } from '../../http/auth.ts';
import type { Services } from '../../http/services.ts';
import { findSession, SESSION_COOKIE } from './sessions.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Console sessions: the HttpOnly cookie names a server-side session. A state-changing
 * request on a cookie must also carry the session's CSRF token (`X-CSRF-Token`, or `_csrf`
 * in a form, checked by the form's own handler) and come from our origin.
 */
export const sessionAuthenticator: Authenticator = async (c: Context, services: Services) => {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token) return undefined;
  const session = await findSession(services.store.db, token, services.clock());
  if (!session) return undefined;
  if (!SAFE_METHODS.has(c.req.method)) {
    const origin = c.req.header('origin');
    if (origin && origin !== new URL(services.publicUrl).origin && origin !== new URL(c.req.url).origin)
      throw new AppError('forbidden', `request from origin ${origin} refused (CSRF protection)`);
    const sent = c.req.header('x-csrf-token');
    if (sent !== session.csrfToken)
      throw new AppError(
        'forbidden',
        'missing or wrong CSRF token: send the X-CSRF-Token header with the token from sign-in',
      );
  }
  const auth: Auth = {
    workspaceId: session.workspaceId,
    role: session.role,
    actorId: `user:${session.userId}`,
    name: session.name ?? session.email,
  };
  return auth;
};
