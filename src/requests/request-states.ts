import { AppError } from '../errors.ts';

/** Where a request is in its life. `extended` is a flag on the request, not a state. */
export const requestStates = [
  'received',
  'verifying',
  'verified',
  'approved',
  'denied',
  'in_progress',
  'completed',
  'failed',
  'canceled',
] as const;
export type RequestState = (typeof requestStates)[number];

const allowed: Record<RequestState, readonly RequestState[]> = {
  received: ['verifying', 'verified', 'denied', 'canceled'],
  verifying: ['verified', 'denied', 'canceled'],
  verified: ['approved', 'denied', 'canceled'],
  approved: ['in_progress', 'canceled'],
  in_progress: ['completed', 'failed'],
  // A failed run is retried (only the failed collections run again) or given up.
  failed: ['in_progress', 'canceled'],
  denied: [],
  completed: [],
  canceled: [],
};

/** States after which nothing more happens to the request. */
export const closedStates: readonly RequestState[] = ['denied', 'completed', 'canceled'];

export function canTransition(from: RequestState, to: RequestState): boolean {
  return allowed[from].includes(to);
}

/** Throws a `conflict` naming the allowed next states when `from → to` is not a legal step. */
export function assertTransition(from: RequestState, to: RequestState): void {
  if (!canTransition(from, to)) {
    const next = allowed[from];
    throw new AppError(
      'conflict',
      `a request that is ${from} cannot become ${to}${next.length ? ` (it can become: ${next.join(', ')})` : ' (it is closed)'}`,
      { details: { from, to, allowed: next } },
    );
  }
}
