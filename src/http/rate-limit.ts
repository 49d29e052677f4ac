import { AppError } from '../errors.ts';
import type { Services } from './services.ts';

/** The answer to one attempt: allowed, or refused with how long until the next one is. */
export type RateLimitVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimitOptions {
  /** Attempts allowed per key in any window. */
  limit: number;
  windowMs: number;
  /** Keys remembered before the oldest are forgotten (bounds memory under a flood of keys). */
  maxKeys?: number;
}

/**
 * A sliding window per key (client address, person, account), in memory: at most `limit`
 * attempts in any `windowMs`. Public endpoints are served by each process, and a limit per
 * process is still a limit; what must hold across processes (account lockout) lives in the
 * database.
 */
export class RateLimiter {
  readonly limit: number;
  readonly windowMs: number;
  private readonly maxKeys: number;
  /** Key → times of its recent attempts, oldest first; never longer than the largest limit used. */
  private readonly hits = new Map<string, number[]>();

  constructor(options: RateLimitOptions) {
    if (!(options.limit >= 1) || !(options.windowMs > 0))
      throw new RangeError('a rate limit needs limit >= 1 and windowMs > 0');
    this.limit = options.limit;
    this.windowMs = options.windowMs;
    this.maxKeys = options.maxKeys ?? 50_000;
  }

  /**
   * Counts one attempt for `key` unless its window is full. `limit` overrides the default
   * for limits read from settings at each call (the privacy center's per-hour limits).
   */
  take(key: string, now: Date, limit = this.limit): RateLimitVerdict {
    const at = now.getTime();
    const since = at - this.windowMs;
    const recent = (this.hits.get(key) ?? []).filter((t) => t > since);
    this.hits.delete(key);
    if (recent.length >= limit) {
      this.hits.set(key, recent);
      // The attempt that frees a place is the oldest of the last `limit` ones.
      const frees = recent[recent.length - limit]! + this.windowMs;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((frees - at) / 1000)) };
    }
    recent.push(at);
    this.hits.set(key, recent);
    if (this.hits.size > this.maxKeys) this.forget(since);
    return { allowed: true };
  }

  /** Drops keys with no attempt in the window, then the least recently used until under the cap. */
  private forget(since: number): void {
    for (const [k, times] of this.hits) if (!times.some((t) => t > since)) this.hits.delete(k);
    for (const k of this.hits.keys()) {
      if (this.hits.size <= this.maxKeys) break;
      this.hits.delete(k);
    }
  }
}

/**
 * The process's limiter called `name`, made on first use and kept in `services.extras`, so
 * each app (and each test's services) has its own.
 */
export function processLimiter(services: Services, name: string, options: RateLimitOptions): RateLimiter {
  const key = `rate-limit:${name}`;
  let limiter = services.extras.get(key) as RateLimiter | undefined;
  if (!limiter) {
    limiter = new RateLimiter(options);
    services.extras.set(key, limiter);
  }
  return limiter;
}

/** "30 seconds", "4 minutes", "1 hour": when to try again, for people. */
export function waitText(seconds: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (seconds < 60) return plural(seconds, 'second');
  if (seconds < 3600) return plural(Math.ceil(seconds / 60), 'minute');
  return plural(Math.ceil(seconds / 3600), 'hour');
}

/**
 * A 429 for the API: the message says what was limited and when to try again; the error
 * renderer sends `Retry-After` from `details.retry_after_seconds`.
 */
export function rateLimitedError(message: string, retryAfterSeconds: number): AppError {
  return new AppError('rate_limited', `${message}: try again in ${waitText(retryAfterSeconds)}`, {
    details: { retry_after_seconds: retryAfterSeconds },
  });
}

/** The seconds a rate-limited AppError asks the client to wait, if it says. */
export function retryAfterOf(err: AppError): number | undefined {
  const details = err.details as { retry_after_seconds?: unknown } | undefined;
  const seconds = details?.retry_after_seconds;
  return err.code === 'rate_limited' && typeof seconds === 'number' ? seconds : undefined;
}
