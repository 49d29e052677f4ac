import type { Services } from '../http/services.ts';

interface Window {
  count: number;
  resetAt: number;
}

/**
 * Fixed one-hour windows per key (an IP address, a person's subject key), in memory:
 * public intake is served by each process, and a limit per process is still a limit.
 */
export function takeIntakeToken(services: Services, key: string, perHour: number): boolean {
  let windows = services.extras.get('requests.rateLimit') as Map<string, Window> | undefined;
  if (!windows) {
    windows = new Map();
    services.extras.set('requests.rateLimit', windows);
  }
  const now = services.clock().getTime();
  const current = windows.get(key);
  if (!current || current.resetAt <= now) {
    if (windows.size > 50_000) {
      for (const [k, w] of windows) if (w.resetAt <= now) windows.delete(k);
    }
    windows.set(key, { count: 1, resetAt: now + 3_600_000 });
    return true;
  }
  if (current.count >= perHour) return false;
  current.count += 1;
  return true;
}
