import { sql } from 'kysely';
import { AppError } from '../errors.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import { currentConsentProgram } from './current-purposes.ts';

/** Opt-ins and opt-outs of one consent notice (purpose), one entry per UTC day. */
export interface PurposeDays {
  key: string;
  name: string;
  days: { date: string; granted: number; denied: number }[];
}

const dayMs = 86_400_000;

/** The UTC dates (YYYY-MM-DD) of the `days` days ending with the day of `now`, oldest first. */
export function utcDays(now: Date, days: number): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: days }, (_, i) =>
    new Date(today - (days - 1 - i) * dayMs).toISOString().slice(0, 10),
  );
}

/**
 * Counts, per notice and UTC day, how many ledger events granted and denied it over the last
 * `days` days (today included). One query over the (workspace_id, at) index; events are
 * grouped by day and choice first, so the JSON arrays are expanded once per distinct choice
 * rather than once per event (and the planner's estimate stays small enough not to JIT). Every
 * notice of the current program is listed, with zero days, plus any older notice still in
 * the ledger, so the chart's axes do not depend on which purposes happened to get choices.
 */
export async function consentStats(
  scope: WorkspaceScope,
  options: { days: number; now: Date },
): Promise<{ purposes: PurposeDays[] }> {
  const dates = utcDays(options.now, options.days);
  const from = new Date(`${dates[0]}T00:00:00Z`);
  // The planner guesses 100 elements per JSON array, so on a big ledger it estimates millions of
  // rows and compiles the query with JIT, which costs more than the query itself: off here.
  const rows = await scope.transaction(async (tx) => {
    await sql`SET LOCAL jit = off`.execute(tx.db);
    return sql<{ date: string; key: string; granted: string | number; denied: string | number }>`
    WITH per_day AS (
      SELECT (e.at AT TIME ZONE 'UTC')::date AS day, e.granted, e.denied, count(*) AS n
      FROM consent_events e
      WHERE e.workspace_id = ${scope.workspaceId} AND e.at >= ${from} AND e.at <= ${options.now}
      GROUP BY 1, 2, 3
    )
    SELECT to_char(p.day, 'YYYY-MM-DD') AS date, c.key,
           coalesce(sum(p.n) FILTER (WHERE c.granted), 0) AS granted,
           coalesce(sum(p.n) FILTER (WHERE NOT c.granted), 0) AS denied
    FROM per_day p
    CROSS JOIN LATERAL (
      SELECT g.value AS key, true AS granted FROM jsonb_array_elements_text(p.granted) AS g(value)
      UNION ALL
      SELECT d.value, false FROM jsonb_array_elements_text(p.denied) AS d(value)
    ) c
    GROUP BY 1, 2`.execute(tx.db);
  });
  const names = new Map<string, string>();
  try {
    const { program } = await currentConsentProgram(scope);
    for (const n of program.doc.consent_notices) names.set(n.key, n.name);
  } catch (error) {
    // Before the first push the ledger can still hold choices (imports): show them by key.
    if (!(error instanceof AppError && error.code === 'not_found')) throw error;
  }
  const counts = new Map<string, Map<string, { granted: number; denied: number }>>();
  for (const r of rows.rows) {
    if (!counts.has(r.key)) counts.set(r.key, new Map());
    counts.get(r.key)?.set(r.date, { granted: Number(r.granted), denied: Number(r.denied) });
  }
  const keys = [...names.keys(), ...[...counts.keys()].filter((k) => !names.has(k)).sort()];
  return {
    purposes: keys.map((key) => ({
      key,
      name: names.get(key) ?? key,
      days: dates.map((date) => ({ date, granted: 0, denied: 0, ...counts.get(key)?.get(date) })),
    })),
  };
}
