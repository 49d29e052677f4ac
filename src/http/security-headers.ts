import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { runWithRequestContext } from '../governance/request-context.ts';
import type { AppEnv } from './route.ts';

/**
 * The default Content-Security-Policy. Inline styles stay allowed (server-rendered pages
 * carry their CSS inline); scripts come only from this origin; nobody may frame us.
 */
export const defaultCsp = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "script-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Replaces the default CSP for one response (a page that embeds the banner, a public page
 * with other needs). The security-header middleware keeps a CSP a route has set.
 */
export function setCsp(c: Context, policy: string): void {
  c.header('Content-Security-Policy', policy);
}

/**
 * Security headers on every response, and a request id (taken from `X-Request-Id` when it
 * looks safe) that audit entries made while serving the request carry.
 */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async function securityHeadersMiddleware(c, next) {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && /^[\w.:-]{1,100}$/.test(incoming) ? incoming : randomUUID();
    await runWithRequestContext({ requestId }, () => next());
    const headers = c.res.headers;
    const set = (name: string, value: string) => {
      if (!headers.has(name)) headers.set(name, value);
    };
    set('Content-Security-Policy', defaultCsp);
    set('X-Content-Type-Options', 'nosniff');
    // same-origin: our own form posts keep a real Origin header; other sites learn nothing.
    set('Referrer-Policy', 'same-origin');
    set('X-Frame-Options', 'DENY');
    set('Cross-Origin-Opener-Policy', 'same-origin');
    set('X-Request-Id', requestId);
    const services = c.get('services');
    const tls =
      c.req.url.startsWith('https:') ||
      c.req.header('x-forwarded-proto') === 'https' ||
      services?.publicUrl.startsWith('https://');
    if (tls) set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  };
}
