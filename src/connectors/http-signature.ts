import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors.ts';

/** Header names of the Custodian HTTP callback protocol (see docs/http-connector.md). */
export const SIGNATURE_HEADERS = {
  timestamp: 'x-custodian-timestamp',
  nonce: 'x-custodian-nonce',
  signature: 'x-custodian-signature',
  idempotencyKey: 'x-custodian-idempotency-key',
} as const;

/** Requests older (or further in the future) than this are refused. */
export const DEFAULT_MAX_AGE_SECONDS = 300;

function mac(secret: string, timestamp: string, nonce: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${nonce}.${body}`).digest('hex');
}

/** Headers that sign `body` now; a new nonce every call, so a retry is a new request. */
export function signRequest(secret: string, body: string, now = Date.now()): Record<string, string> {
  const timestamp = String(Math.floor(now / 1000));
  const nonce = randomBytes(16).toString('hex');
  return {
    [SIGNATURE_HEADERS.timestamp]: timestamp,
    [SIGNATURE_HEADERS.nonce]: nonce,
    [SIGNATURE_HEADERS.signature]: `v1=${mac(secret, timestamp, nonce, body)}`,
  };
}

/** Remembers nonces for as long as their request could still be accepted. */
export class NonceCache {
  private readonly seen = new Map<string, number>();
  private readonly ttlMs: number;
  constructor(maxAgeSeconds = DEFAULT_MAX_AGE_SECONDS) {
    // Twice the window: a request may be up to maxAge in the past or in the future.
    this.ttlMs = maxAgeSeconds * 2000;
  }
  /** False when the nonce was already used. */
  claim(nonce: string, now = Date.now()): boolean {
    for (const [n, at] of this.seen) if (now - at > this.ttlMs) this.seen.delete(n);
    if (this.seen.has(nonce)) return false;
    this.seen.set(nonce, now);
    return true;
  }
}

export interface VerifyOptions {
  secret: string;
  headers: Record<string, string | string[] | undefined>;
  /** The raw request body, exactly as received. */
  body: string;
  nonces: NonceCache;
  maxAgeSeconds?: number;
  now?: number;
}

/**
 * What a company's endpoint runs on each request from Custodian: checks the signature,
 * the age of the timestamp and that the nonce is new. Throws AppError('unauthorized').
 */
export function verifySignedRequest(options: VerifyOptions): void {
  const header = (name: string) => {
    const v = options.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const timestamp = header(SIGNATURE_HEADERS.timestamp);
  const nonce = header(SIGNATURE_HEADERS.nonce);
  const signature = header(SIGNATURE_HEADERS.signature);
  if (!timestamp || !nonce || !signature) {
    throw new AppError('unauthorized', 'missing Custodian signature headers');
  }
  const now = options.now ?? Date.now();
  const age = Math.abs(now / 1000 - Number(timestamp));
  if (!Number.isFinite(age) || age > (options.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS)) {
    throw new AppError('unauthorized', 'request timestamp is too old or in the future');
  }
  const expected = Buffer.from(`v1=${mac(options.secret, timestamp, nonce, options.body)}`);
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new AppError('unauthorized', 'signature does not match');
  }
  if (!options.nonces.claim(nonce, now)) {
    throw new AppError('unauthorized', 'request was already received (replayed nonce)');
  }
}
