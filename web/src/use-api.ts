import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api, serverOffers } from './api.ts';

export type Loaded<T> =
  | { status: 'loading'; data?: undefined; error?: undefined }
  | { status: 'ok'; data: T; error?: undefined }
  | { status: 'error'; data?: undefined; error: ApiError };

/**
 * Loads `path` with GET whenever it changes; `null` waits. `reload()` fetches again
 * without dropping what is on screen (no flash back to the loading state).
 */
export function useApi<T>(path: string | null): Loaded<T> & { reload: () => void } {
  const [state, setState] = useState<Loaded<T>>({ status: 'loading' });
  const [tick, setTick] = useState(0);
  const shown = useRef<string | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: tick forces a refetch of the same path.
  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    if (shown.current !== path) setState({ status: 'loading' });
    api<T>('GET', path, { signal: controller.signal })
      .then((data) => {
        shown.current = path;
        setState({ status: 'ok', data });
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        shown.current = path;
        setState({
          status: 'error',
          error: error instanceof ApiError ? error : new ApiError(0, 'client', String(error)),
        });
      });
    return () => controller.abort();
  }, [path, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

/** Runs a state-changing call, exposing its progress and error for the form that triggered it. */
export function useAction<A extends unknown[], R>(action: (...args: A) => Promise<R>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = useCallback(
    async (...args: A): Promise<R | undefined> => {
      setBusy(true);
      setError(null);
      try {
        return await action(...args);
      } catch (e) {
        setError(e instanceof ApiError ? e : new ApiError(0, 'client', String(e)));
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [action],
  );
  return { run, busy, error, clearError: () => setError(null) };
}

/** Whether the server offers an operation; undefined until known. */
export function useOffers(method: string, path: string): boolean | undefined {
  const [offered, setOffered] = useState<boolean | undefined>(undefined);
  useEffect(() => {
    let live = true;
    void serverOffers(method, path).then((v) => {
      if (live) setOffered(v);
    });
    return () => {
      live = false;
    };
  }, [method, path]);
  return offered;
}
