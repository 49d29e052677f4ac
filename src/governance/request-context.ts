import { AsyncLocalStorage } from 'node:async_hooks';

/** What the HTTP edge knows about the request being served, for audit entries made deep inside it. */
export interface RequestContext {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` with `context` visible to `currentRequestId()` in everything it awaits. */
export function runWithRequestContext<R>(context: RequestContext, fn: () => R): R {
  return storage.run(context, fn);
}

/** The id of the HTTP request being served, if any (jobs and the CLI have none). */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
