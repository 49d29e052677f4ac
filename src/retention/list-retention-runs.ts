import type { WorkspaceScope } from '../store/workspace-scope.ts';

/** One sweep's evidence: what ran, against which cutoff and program, with what effect. */
export interface RetentionRunRecord {
  id: string;
  rule: string;
  action: string;
  target: string;
  status: 'running' | 'succeeded' | 'failed' | 'skipped';
  reason: string | null;
  trigger: string;
  programHash: string;
  clock: string;
  cutoffs: { field: string; period: string; cutoff: string }[];
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  affected: number;
  cascaded: Record<string, number>;
  batches: number;
  holdsApplied: { id: string; kind: string; reason: string; rows: number | 'all' }[];
  resumedCount: number;
  /** The key columns the sweep told rows apart by. */
  keyColumns: string[];
  /** For anonymise: each masked field, its strategy, and where the strategy came from. */
  masking: { field: string; strategy: string; source: string }[];
}

export interface ListRunsOptions {
  rule?: string | undefined;
  limit?: number | undefined;
}

/** Runs of the workspace, newest first. */
export async function listRetentionRuns(
  scope: WorkspaceScope,
  options: ListRunsOptions = {},
): Promise<RetentionRunRecord[]> {
  let query = scope
    .selectFrom('retention_runs')
    .selectAll()
    .orderBy('started_at', 'desc')
    .limit(options.limit ?? 500);
  if (options.rule) query = query.where('rule_key', '=', options.rule);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    rule: r.rule_key,
    action: r.action,
    target: r.target,
    status: r.status,
    reason: r.reason,
    trigger: r.trigger,
    programHash: r.program_hash,
    clock: r.clock_at.toISOString(),
    cutoffs: r.cutoffs ?? [],
    startedAt: r.started_at.toISOString(),
    finishedAt: r.finished_at?.toISOString() ?? null,
    durationMs: r.duration_ms,
    affected: Number(r.affected),
    cascaded: r.cascaded ?? {},
    batches: r.batches,
    holdsApplied: r.holds_applied ?? [],
    resumedCount: r.resumed_count,
    keyColumns: r.key_columns ?? [],
    masking: r.masking ?? [],
  }));
}

const csvColumns = [
  'id',
  'rule',
  'action',
  'target',
  'status',
  'reason',
  'trigger',
  'program_hash',
  'clock',
  'cutoffs',
  'started_at',
  'finished_at',
  'duration_ms',
  'affected',
  'cascaded',
  'batches',
  'holds_applied',
  'resumed_count',
  'key_columns',
  'masking',
] as const;

/** The runs as CSV (RFC 4180), one row per run; nested values are compact text. */
export function retentionRunsCsv(runs: readonly RetentionRunRecord[]): string {
  const cell = (v: unknown) => {
    const text = v === null || v === undefined ? '' : String(v);
    return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = runs.map((r) =>
    [
      r.id,
      r.rule,
      r.action,
      r.target,
      r.status,
      r.reason,
      r.trigger,
      r.programHash,
      r.clock,
      r.cutoffs.map((c) => `${c.field} ${c.period} < ${c.cutoff}`).join('; '),
      r.startedAt,
      r.finishedAt,
      r.durationMs,
      r.affected,
      Object.entries(r.cascaded)
        .map(([k, n]) => `${k}=${n}`)
        .join('; '),
      r.batches,
      r.holdsApplied.map((h) => `${h.kind}:${h.id} (${h.reason}) ${h.rows}`).join('; '),
      r.resumedCount,
      r.keyColumns.join(' '),
      r.masking.map((m) => `${m.field}: ${m.strategy} (${m.source})`).join('; '),
    ]
      .map(cell)
      .join(','),
  );
  return `${[csvColumns.join(','), ...lines].join('\r\n')}\r\n`;
}
