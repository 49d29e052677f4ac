import { sql } from 'kysely';
import { AppError } from '../errors.ts';
import { WorkspaceScope } from '../store/workspace-scope.ts';
import { currentConsentProgram } from './current-purposes.ts';
import { eventChoices } from './ledger-writer.ts';

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
 * `days` days (today included). Reads the per-day counts the ledger writer keeps
 * (`consent_daily_counts`, written in the transaction that appends the events), so the cost
 * does not grow with the ledger. Events stamped after `now` (a clock set back) are taken
 * out again, as a count over the ledger up to `now` would not see them; events past the
 * chain's `counted_seq` (appended by an earlier version's writer) are counted here until
 * the next write counts them. Every notice of the
 * current program is listed, with zero days, plus any older notice still in the ledger, so
 * the chart's axes do not depend on which purposes happened to get choices.
 */
export async function consentStats(
  scope: WorkspaceScope,
  options: { days: number; now: Date },
): Promise<{ purposes: PurposeDays[] }> {
  const dates = utcDays(options.now, options.days);
  const from = new Date(Date.parse(`${dates[0]}T00:00:00Z`));
  const tomorrow = new Date(Date.parse(`${dates.at(-1)}T00:00:00Z`) + dayMs);
  const ws = scope.workspaceId;
  // What the ledger writer has counted, less counted events stamped after `now` (a clock set
  // back), plus events not counted yet (appended by a writer of an earlier version: see 0740).
  // counted_seq is read first, as a value: the planner then sees that (almost) no event lies
  // past it and reads those by seq, rather than scanning the window's events by time. Both
  // reads see one snapshot, so a batch committed in between is counted once.
  const rows = await scope.db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const head = await new WorkspaceScope(trx, ws)
        .selectFrom('consent_chain_heads')
        .select('counted_seq')
        .executeTakeFirst();
      const counted = Number(head?.counted_seq ?? 0);
      return sql<{ date: string; key: string; granted: string | number; denied: string | number }>`
    SELECT to_char(day, 'YYYY-MM-DD') AS date, notice_key AS key, granted, denied
    FROM consent_daily_counts
    WHERE workspace_id = ${ws} AND day >= ${dates[0]}::date AND day <= ${dates.at(-1)}::date
    UNION ALL
    SELECT to_char(day, 'YYYY-MM-DD'), key, -count(*) FILTER (WHERE granted), -count(*) FILTER (WHERE NOT granted)
    FROM (${eventChoices(sql`e.workspace_id = ${ws} AND e.at > ${options.now} AND e.at < ${tomorrow} AND e.seq <= ${counted}`)}) c
    GROUP BY 1, 2
    UNION ALL
    SELECT to_char(day, 'YYYY-MM-DD'), key, count(*) FILTER (WHERE granted), count(*) FILTER (WHERE NOT granted)
    FROM (${eventChoices(sql`e.workspace_id = ${ws} AND e.seq > ${counted} AND e.at >= ${from} AND e.at <= ${options.now}`)}) c
    GROUP BY 1, 2`.execute(trx);
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
    const day = counts.get(r.key)!;
    const c = day.get(r.date) ?? { granted: 0, denied: 0 };
    c.granted += Number(r.granted);
    c.denied += Number(r.denied);
    if (c.granted === 0 && c.denied === 0) day.delete(r.date);
    else day.set(r.date, c);
    if (day.size === 0) counts.delete(r.key);
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
