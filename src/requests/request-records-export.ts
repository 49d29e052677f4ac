import type { WorkspaceScope } from '../store/workspace-scope.ts';
import type { RequestRow } from './request-record.ts';
import { closedStates } from './request-states.ts';

/**
 * The records a business keeps of consumer requests (CCPA 11 CCR 7101): date, type,
 * channel, response date, response, and the basis for a denial. No identities.
 */
export async function exportRequestsCsv(scope: WorkspaceScope, since: Date | undefined): Promise<string> {
  let q = scope.selectFrom('dsr_requests').selectAll().orderBy('received_at').orderBy('id');
  if (since) q = q.where('received_at', '>=', since);
  const rows = (await q.execute()) as RequestRow[];
  const header = [
    'request_id',
    'received_at',
    'type',
    'jurisdiction',
    'channel',
    'state',
    'due_at',
    'extended',
    'response_date',
    'response',
    'denial_reason',
    'denial_text',
  ];
  const lines = [header.join(',')];
  for (const r of rows) {
    lines.push(
      [
        r.id,
        r.received_at.toISOString(),
        r.type,
        r.jurisdiction,
        r.channel,
        r.state,
        r.due_at.toISOString(),
        String(r.extended),
        r.completed_at?.toISOString() ?? '',
        r.closed_response ?? '',
        r.denial_reason ?? '',
        r.denial_text ?? '',
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Quotes a cell when needed; a leading = + - @ is neutralised so spreadsheets do not run it. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export interface RequestMetrics {
  since: string | null;
  total: number;
  by_type: Record<string, Record<string, number>>;
  /** Median whole days from receipt to close (completed or denied), per type and overall. */
  median_days_to_close: Record<string, number | null>;
  /** Share of closed requests closed by their due date. */
  on_time_share: number | null;
  open: number;
  overdue: number;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Counts by type and outcome, median days to close, share on time (CCPA 11 CCR 7102 metrics). */
export async function requestMetrics(
  scope: WorkspaceScope,
  since: Date | undefined,
  now: Date,
): Promise<RequestMetrics> {
  let q = scope
    .selectFrom('dsr_requests')
    .select(['type', 'state', 'received_at', 'completed_at', 'due_at', 'closed_response']);
  if (since) q = q.where('received_at', '>=', since);
  const rows = await q.execute();
  const byType: Record<string, Record<string, number>> = {};
  const days: Record<string, number[]> = { all: [] };
  let closed = 0;
  let onTime = 0;
  let open = 0;
  let overdue = 0;
  for (const r of rows) {
    const counts = byType[r.type] ?? { total: 0 };
    byType[r.type] = counts;
    counts.total = (counts.total ?? 0) + 1;
    const outcome = r.closed_response ?? r.state;
    counts[outcome] = (counts[outcome] ?? 0) + 1;
    if ((r.state === 'completed' || r.state === 'denied') && r.completed_at) {
      const d = Math.max(0, Math.ceil((r.completed_at.getTime() - r.received_at.getTime()) / 86_400_000));
      days.all!.push(d);
      days[r.type] = [...(days[r.type] ?? []), d];
      closed += 1;
      if (r.completed_at.getTime() <= r.due_at.getTime()) onTime += 1;
    } else if (!(closedStates as string[]).includes(r.state)) {
      open += 1;
      if (r.due_at.getTime() < now.getTime()) overdue += 1;
    }
  }
  return {
    since: since?.toISOString() ?? null,
    total: rows.length,
    by_type: byType,
    median_days_to_close: Object.fromEntries(Object.entries(days).map(([k, v]) => [k, median(v)])),
    on_time_share: closed ? onTime / closed : null,
    open,
    overdue,
  };
}
