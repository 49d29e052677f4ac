import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AppError } from '../errors.ts';
import { retryAfterOf } from './rate-limit.ts';

/**
 * The one place errors become responses: AppErrors render themselves, Hono's own
 * exceptions keep their status, anything else is a bug — logged once, shown as a bare 500.
 */
export function renderError(err: unknown, c: Context): Response {
  if (err instanceof AppError) {
    const wait = retryAfterOf(err);
    if (wait !== undefined) c.header('Retry-After', String(wait));
    return c.json(err.toJSON(), err.status);
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const code = status === 413 ? 'payload_too_large' : status === 401 ? 'unauthorized' : 'bad_request';
    return c.json({ error: { code, message: err.message || 'bad request' } }, status);
  }
  console.error(`[custodian] unexpected error on ${c.req.method} ${c.req.path}:`, err);
  return c.json({ error: { code: 'internal', message: 'internal error' } }, 500);
}
