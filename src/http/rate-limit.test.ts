import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Hono } from 'hono';
import { AppError } from '../errors.ts';
import { processLimiter, RateLimiter, rateLimitedError, waitText } from './rate-limit.ts';
import { renderError } from './render-error.ts';
import { createServices } from './services.ts';

const at = (seconds: number) => new Date(Date.UTC(2025, 0, 1) + seconds * 1000);

test('allows `limit` attempts in any window and says when the next one is allowed', () => {
  const limiter = new RateLimiter({ limit: 3, windowMs: 60_000 });
  assert.equal(limiter.take('a', at(0)).allowed, true);
  assert.equal(limiter.take('a', at(10)).allowed, true);
  assert.equal(limiter.take('a', at(20)).allowed, true);
  // The first attempt leaves the window at 60 s: 35 s to wait from 25 s.
  assert.deepEqual(limiter.take('a', at(25)), { allowed: false, retryAfterSeconds: 35 });
  // A refused attempt does not count against the key.
  assert.deepEqual(limiter.take('a', at(59)), { allowed: false, retryAfterSeconds: 1 });
  assert.equal(limiter.take('a', at(60)).allowed, true);
  // The window slides: the attempt at 10 s still counts at 65 s, so the key is full again.
  assert.deepEqual(limiter.take('a', at(65)), { allowed: false, retryAfterSeconds: 5 });
});

test('keys are counted apart; a limit given per call overrides the default', () => {
  const limiter = new RateLimiter({ limit: 1, windowMs: 3_600_000 });
  assert.equal(limiter.take('ip:1', at(0)).allowed, true);
  assert.equal(limiter.take('ip:1', at(1)).allowed, false);
  assert.equal(limiter.take('ip:2', at(1)).allowed, true);
  assert.equal(limiter.take('person:x', at(0), 2).allowed, true);
  assert.equal(limiter.take('person:x', at(1), 2).allowed, true);
  assert.deepEqual(limiter.take('person:x', at(2), 2), { allowed: false, retryAfterSeconds: 3598 });
  // A lower limit from changed settings applies at once.
  assert.equal(limiter.take('person:x', at(3), 1).allowed, false);
});

test('memory stays bounded under many keys: the least recently used are forgotten first', () => {
  const limiter = new RateLimiter({ limit: 1, windowMs: 60_000, maxKeys: 100 });
  assert.equal(limiter.take('busy', at(0)).allowed, true);
  for (let i = 0; i < 99; i++) limiter.take(`k${i}`, at(1));
  assert.equal(limiter.take('busy', at(2)).allowed, false, 'still remembered at 100 keys');
  for (let i = 99; i < 300; i++) limiter.take(`k${i}`, at(3));
  assert.equal(limiter.take('k299', at(4)).allowed, false, 'recent keys are kept');
  assert.equal(limiter.take('k0', at(4)).allowed, true, 'the oldest were dropped');
});

test('a bad configuration is refused when made, not on the first request', () => {
  assert.throws(() => new RateLimiter({ limit: 0, windowMs: 1000 }), RangeError);
  assert.throws(() => new RateLimiter({ limit: 1, windowMs: 0 }), RangeError);
});

test('one limiter per name and per process (services)', () => {
  const one = createServices({} as never);
  const two = createServices({} as never);
  const options = { limit: 1, windowMs: 1000 };
  assert.equal(processLimiter(one, 'x', options), processLimiter(one, 'x', options));
  assert.notEqual(processLimiter(one, 'x', options), processLimiter(two, 'x', options));
  assert.notEqual(processLimiter(one, 'x', options), processLimiter(one, 'y', options));
});

test('a rate-limited error renders as 429 with Retry-After and a message saying when', async () => {
  const app = new Hono();
  app.onError(renderError);
  app.get('/limited', () => {
    throw rateLimitedError('too many consent events from this address', 90);
  });
  app.get('/other', () => {
    throw new AppError('rate_limited', 'no wait given');
  });
  const res = await app.request('/limited');
  assert.equal(res.status, 429);
  assert.equal(res.headers.get('retry-after'), '90');
  const body = (await res.json()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'rate_limited');
  assert.equal(body.error.message, 'too many consent events from this address: try again in 2 minutes');
  const other = await app.request('/other');
  assert.equal(other.status, 429);
  assert.equal(other.headers.get('retry-after'), null);
});

test('waits read as people say them', () => {
  assert.equal(waitText(1), '1 second');
  assert.equal(waitText(45), '45 seconds');
  assert.equal(waitText(60), '1 minute');
  assert.equal(waitText(61), '2 minutes');
  assert.equal(waitText(3600), '1 hour');
  assert.equal(waitText(3601), '2 hours');
});
