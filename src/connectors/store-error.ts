import { AppError, type ErrorCode } from '../errors.ts';

// Network failures any driver reports; each SQL dialect adds its own codes (SQLSTATE, MySQL names).
const networkErrors: Record<string, ErrorCode> = {
  ECONNREFUSED: 'unavailable',
  ENOTFOUND: 'unavailable',
  ETIMEDOUT: 'unavailable',
};

/** Turns a driver error into an AppError naming the store and the operation. */
export function storeError(
  store: string,
  operation: string,
  err: unknown,
  codes: Record<string, ErrorCode> = {},
): AppError {
  if (err instanceof AppError) return err;
  const e = err as { code?: string; message?: string };
  const known = (map: Record<string, ErrorCode>) =>
    e.code && Object.hasOwn(map, e.code) ? map[e.code] : undefined;
  const code = known(codes) ?? known(networkErrors) ?? 'unavailable';
  const reason = e.message ?? String(err);
  return new AppError(code, `${store}: ${operation} failed: ${reason}`, {
    cause: err,
    details: e.code ? { driver_code: e.code } : undefined,
  });
}
