import type { Context } from 'hono';
import { AppError } from '../errors.ts';
import { findApiKey, type Role } from '../governance/api-keys.ts';
import { sessionAuthenticator } from '../governance/users/session-authenticator.ts';
import type { Services } from './services.ts';

/** Who is calling: resolved from a Bearer API key (or, later, a console session). */
export interface Auth {
  workspaceId: string;
  role: Role;
  /** Stable actor id for the audit log, e.g. `key:<id>` or `user:<id>`. */
  actorId: string;
  name: string;
}

export type Authenticator = (c: Context, services: Services) => Promise<Auth | undefined>;

/** Bearer API keys: `Authorization: Bearer cus_…`. */
export const bearerAuthenticator: Authenticator = async (c, services) => {
  const header = c.req.header('authorization');
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  if (!match?.[1]) return undefined;
  const key = await findApiKey(services.store.db, match[1]);
  if (!key) return undefined;
  return { workspaceId: key.workspaceId, role: key.role, actorId: `key:${key.keyId}`, name: key.name };
};

/**
 * The authenticators tried in order; a module that adds a way to sign in (console
 * sessions) registers its own here.
 */
export const authenticators: Authenticator[] = [bearerAuthenticator, sessionAuthenticator];

export async function authenticate(c: Context, services: Services): Promise<Auth | undefined> {
  for (const authenticator of authenticators) {
    const auth = await authenticator(c, services);
    if (auth) return auth;
  }
  return undefined;
}

/**
 * CSRF guard for cookie sessions and public forms: a state-changing request from a browser
 * must come from this server's own pages. Browsers always send `Origin` on cross-site
 * POSTs (and `Sec-Fetch-Site`); a request without either is not a browser's.
 */
export function assertSameOrigin(c: Context, services: Services): void {
  const origin = c.req.header('origin');
  const site = c.req.header('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') {
    throw new AppError('forbidden', 'cross-site request refused (CSRF protection)');
  }
  if (origin && origin !== 'null') {
    const allowed = new Set([new URL(services.publicUrl).origin, new URL(c.req.url).origin]);
    if (!allowed.has(origin))
      throw new AppError('forbidden', `request from origin ${origin} refused (CSRF protection)`);
  } else if (origin === 'null' && site !== 'same-origin') {
    // Browsers send `Origin: null` on same-site form posts from pages with a strict referrer
    // policy; Sec-Fetch-Site (set by the browser, not by scripts) tells those apart.
    throw new AppError('forbidden', 'request from an opaque origin refused (CSRF protection)');
  }
}
