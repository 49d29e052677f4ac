/**
 * A token bucket per key (a hashed client address), in memory: enough to stop one client
 * flooding the public ledger endpoint from one server process.
 */
export class RateLimiter {
  readonly capacity: number;
  readonly refillPerSecond: number;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(capacity: number, refillPerSecond: number) {
    this.capacity = capacity;
    this.refillPerSecond = refillPerSecond;
  }

  /** Takes one token for `key`; false when the bucket is empty. */
  take(key: string, nowMs: number): boolean {
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, at: nowMs };
    bucket.tokens = Math.min(
      this.capacity,
      bucket.tokens + ((nowMs - bucket.at) / 1000) * this.refillPerSecond,
    );
    bucket.at = nowMs;
    if (this.buckets.size > 50_000) this.buckets.clear();
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
