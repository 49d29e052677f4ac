import { AppError } from '../errors.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';

export interface AuditFilters {
  actor?: string | undefined;
  /** Exact action, or a prefix ending in `*` (`access_grant.*`). */
  action?: string | undefined;
  /** `type` or `type:id`. */
  object?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

export interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  role: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  reason: string | null;
  request_id: string | null;
  details: Record<string, unknown> | null;
  hash: string;
}

export interface AuditPage {
  entries: AuditRow[];
  /** Pass as `cursor` for the next (older) page; absent on the last page. */
  next_cursor?: string;
}

export function encodeCursor(seq: number): string {
  return Buffer.from(`seq:${seq}`).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const match = Buffer.from(cursor, 'base64url')
    .toString('utf8')
    .match(/^seq:(\d+)$/);
  if (!match) throw new AppError('validation_failed', 'query.cursor: not a cursor this API returned');
  return Number(match[1]);
}

/** The columns of an audit entry, as listed by the API and in the CSV export, in this order. */
const auditColumns = [
  'seq',
  'at',
  'actor',
  'role',
  'action',
  'object_type',
  'object_id',
  'reason',
  'request_id',
  'details',
  'hash',
] as const;

/** One page of entries, newest first, by keyset on `seq` (stable while new entries arrive). */
export async function queryAudit(
  scope: WorkspaceScope,
  filters: AuditFilters,
  options: { limit: number; cursor?: string | undefined },
): Promise<AuditPage> {
  let q = scope
    .selectFrom('audit_log')
    .select(auditColumns)
    .orderBy('seq', 'desc')
    .limit(options.limit + 1);
  if (options.cursor) q = q.where('seq', '<', decodeCursor(options.cursor));
  if (filters.actor) q = q.where('actor', '=', filters.actor);
  if (filters.action) {
    q = filters.action.endsWith('*')
      ? q.where('action', 'like', `${filters.action.slice(0, -1).replace(/[\\%_]/g, '\\$&')}%`)
      : q.where('action', '=', filters.action);
  }
  if (filters.object) {
    const [type, ...rest] = filters.object.split(':');
    q = q.where('object_type', '=', type ?? '');
    if (rest.length) q = q.where('object_id', '=', rest.join(':'));
  }
  if (filters.from) q = q.where('at', '>=', filters.from);
  if (filters.to) q = q.where('at', '<', filters.to);
  const rows = await q.execute();
  const page = rows.slice(0, options.limit).map((r) => ({ ...r, at: new Date(r.at).toISOString() }));
  const last = page[page.length - 1];
  return {
    entries: page,
    ...(rows.length > options.limit && last ? { next_cursor: encodeCursor(last.seq) } : {}),
  };
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  // A leading = + - @ would run as a formula in a spreadsheet: prefix it with a quote.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function auditCsvHeader(): string {
  return `${auditColumns.join(',')}\n`;
}

export function auditCsvRow(row: AuditRow): string {
  return `${auditColumns.map((c) => csvCell(row[c])).join(',')}\n`;
}

/** Every matching entry, page by page, for streaming exports. */
export async function* iterateAudit(
  scope: WorkspaceScope,
  filters: AuditFilters,
  pageSize = 500,
): AsyncGenerator<AuditRow> {
  let cursor: string | undefined;
  for (;;) {
    const page = await queryAudit(scope, filters, { limit: pageSize, cursor });
    yield* page.entries;
    if (!page.next_cursor) return;
    cursor = page.next_cursor;
  }
}
