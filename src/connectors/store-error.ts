import { AppError, type ErrorCode } from '../errors.ts';

// SQLSTATE (PostgreSQL) and MySQL error names mapped to what the person running the request can do.
const byState: Record<string, ErrorCode> = {
  '28P01': 'unauthorized',
  '28000': 'unauthorized',
  '42501': 'forbidden',
  '42P01': 'not_found',
  '42703': 'not_found',
  '3F000': 'not_found',
  '3D000': 'not_found',
  '23503': 'conflict',
  '23502': 'conflict',
  '23505': 'conflict',
  ER_ACCESS_DENIED_ERROR: 'unauthorized',
  ER_DBACCESS_DENIED_ERROR: 'forbidden',
  ER_TABLEACCESS_DENIED_ERROR: 'forbidden',
  ER_COLUMNACCESS_DENIED_ERROR: 'forbidden',
  ER_NO_SUCH_TABLE: 'not_found',
  ER_BAD_FIELD_ERROR: 'not_found',
  ER_BAD_DB_ERROR: 'not_found',
  ER_ROW_IS_REFERENCED_2: 'conflict',
  ER_NO_REFERENCED_ROW_2: 'conflict',
  ER_BAD_NULL_ERROR: 'conflict',
  ECONNREFUSED: 'unavailable',
  ENOTFOUND: 'unavailable',
  ETIMEDOUT: 'unavailable',
};

/** Turns a driver error into an AppError naming the store and the operation. */
export function storeError(store: string, operation: string, err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { code?: string; message?: string };
  const code = (e.code && byState[e.code]) || 'unavailable';
  const reason = e.message ?? String(err);
  return new AppError(code, `${store}: ${operation} failed: ${reason}`, {
    cause: err,
    details: e.code ? { driver_code: e.code } : undefined,
  });
}
