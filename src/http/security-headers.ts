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

const commonHeaders = {
  'Content-Security-Policy': defaultCsp,
  'X-Content-Type-Options': 'nosniff',
  // same-origin: our own form posts keep a real Origin header; other sites learn nothing.
  'Referrer-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
};
const tlsHeaders = { ...commonHeaders, 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' };

/** The security headers every response carries (HSTS only when served over TLS). */
export function securityHeaderValues(tls: boolean): Readonly<Record<string, string>> {
  return tls ? tlsHeaders : commonHeaders;
}

/** The caller's `X-Request-Id` when it looks safe, a new id otherwise. */
export function requestIdFrom(incoming: string | null | undefined): string {
  return incoming && /^[\w.:-]{1,100}$/.test(incoming) ? incoming : randomUUID();
}

/** Served over TLS: an https URL, a proxy saying so, or a public URL that is https. */
export function servedOverTls(
  url: string,
  forwardedProto: string | null | undefined,
  publicUrl?: string,
): boolean {
  return url.startsWith('https:') || forwardedProto === 'https' || publicUrl?.startsWith('https://') === true;
}

/**
 * Security headers on every response, and a request id (taken from `X-Request-Id` when it
 * looks safe) that audit entries made while serving the request carry. A header a route
 * has set (its own CSP) is kept.
 */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async function securityHeadersMiddleware(c, next) {
    const requestId = requestIdFrom(c.req.header('x-request-id'));
    await runWithRequestContext({ requestId }, () => next());
    const headers = c.res.headers;
    const tls = servedOverTls(c.req.url, c.req.header('x-forwarded-proto'), c.get('services')?.publicUrl);
    for (const [name, value] of Object.entries(securityHeaderValues(tls)))
      if (!headers.has(name)) headers.set(name, value);
    if (!headers.has('X-Request-Id')) headers.set('X-Request-Id', requestId);
  };
}
