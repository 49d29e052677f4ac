import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../store/schema.ts';
import { WorkspaceScope } from '../store/workspace-scope.ts';
import { LEDGER_GENESIS, type LedgerRecord, ledgerHash } from './ledger-hash.ts';

/** An event ready for the ledger; seq and hashes are assigned when its batch commits. */
export type PendingEvent = Omit<LedgerRecord, 'workspace_id' | 'seq'> & {
  /** Which notice each use was granted or denied under (for the state table; not hashed). */
  notice_of_use: Record<string, string>;
};

export interface AppendedEvent {
  seq: number;
  hash: string;
}

interface Waiting {
  event: PendingEvent;
  resolve(value: AppendedEvent): void;
  reject(error: unknown): void;
}

export interface LedgerWriterOptions {
  /** Most events committed in one transaction. */
  maxBatch?: number;
}

/**
 * Appends consent events in batches: callers arriving while a batch commits are grouped
 * into the next one, so one transaction (one fsync) carries many events. A caller's
 * promise resolves only after its batch has committed, so an acknowledged event is durable.
 */
export class LedgerWriter {
  readonly db: Kysely<Database>;
  readonly maxBatch: number;
  private readonly queues = new Map<string, Waiting[]>();
  private readonly flushing = new Set<string>();

  constructor(db: Kysely<Database>, options: LedgerWriterOptions = {}) {
    this.db = db;
    this.maxBatch = options.maxBatch ?? 1000;
  }

  append(workspaceId: string, event: PendingEvent): Promise<AppendedEvent> {
    return new Promise((resolve, reject) => {
      let queue = this.queues.get(workspaceId);
      if (!queue) {
        queue = [];
        this.queues.set(workspaceId, queue);
      }
      queue.push({ event, resolve, reject });
      if (!this.flushing.has(workspaceId)) void this.flush(workspaceId);
    });
  }

  private async flush(workspaceId: string): Promise<void> {
    this.flushing.add(workspaceId);
    try {
      for (;;) {
        const queue = this.queues.get(workspaceId);
        if (!queue || queue.length === 0) break;
        const batch = queue.splice(0, this.maxBatch);
        try {
          const results = await appendBatch(
            new WorkspaceScope(this.db, workspaceId),
            batch.map((w) => w.event),
          );
          for (const [i, w] of batch.entries()) w.resolve(results[i]!);
        } catch (err) {
          for (const w of batch) w.reject(err);
        }
      }
    } finally {
      this.flushing.delete(workspaceId);
    }
  }
}

interface EventRow {
  seq: number;
  subject: string;
  granted: string;
  denied: string;
  granted_uses: string;
  denied_uses: string;
  notice_version: number;
  wording_hash: string | null;
  method: string;
  jurisdiction: string | null;
  at: string;
  page_url: string | null;
  ip_hash: string | null;
  user_agent: string | null;
  gpc: boolean;
  services: string | null;
  prev_hash: string;
  hash: string;
}

interface StateRow {
  subject: string;
  use: string;
  noticeKey: string;
  granted: boolean;
  method: string;
  gpc: boolean;
  version: number;
  seq: number;
  at: string;
}

const writers = new WeakMap<Kysely<Database>, LedgerWriter>();

/** The shared writer of a database, so concurrent requests share batches. */
export function ledgerWriterFor(db: Kysely<Database>): LedgerWriter {
  let writer = writers.get(db);
  if (!writer) {
    writer = new LedgerWriter(db);
    writers.set(db, writer);
  }
  return writer;
}

/**
 * Appends events to the workspace chain and updates the current state, in one
 * transaction. The advisory lock serialises writers across processes so the chain never forks.
 */
export async function appendBatch(scope: WorkspaceScope, events: PendingEvent[]): Promise<AppendedEvent[]> {
  return scope.transaction(async (tx, trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`consent:${tx.workspaceId}`}))`.execute(trx);
    const head = await tx
      .selectFrom('consent_chain_heads')
      .select(['seq', 'hash', 'counted_seq'])
      .executeTakeFirst();
    // Events a writer without the per-day counts appended (an earlier version during an upgrade).
    if (head && Number(head.counted_seq) < Number(head.seq))
      await sql`${countEventsAfter(tx.workspaceId, Number(head.counted_seq), Number(head.seq))}`.execute(trx);
    let seq = head?.seq ?? 0;
    let prev = head?.hash ?? LEDGER_GENESIS;
    const rows: EventRow[] = [];
    const results: AppendedEvent[] = [];
    for (const event of events) {
      seq += 1;
      const { notice_of_use: _, ...fields } = event;
      const record: LedgerRecord = { workspace_id: tx.workspaceId, seq, ...fields };
      const hash = ledgerHash(prev, record);
      rows.push({
        seq,
        subject: event.subject,
        granted: JSON.stringify(event.granted),
        denied: JSON.stringify(event.denied),
        granted_uses: JSON.stringify(event.granted_uses),
        denied_uses: JSON.stringify(event.denied_uses),
        notice_version: event.notice_version,
        wording_hash: event.wording_hash,
        method: event.method,
        jurisdiction: event.jurisdiction,
        at: event.at,
        page_url: event.page_url,
        ip_hash: event.ip_hash,
        user_agent: event.user_agent,
        gpc: event.gpc,
        services: event.services ? JSON.stringify(event.services) : null,
        prev_hash: prev,
        hash,
      });
      results.push({ seq, hash });
      prev = hash;
    }
    // One statement per table with a column array per field: far cheaper to send and plan
    // than thousands of VALUES tuples. Every row carries this scope's workspace id.
    const ws = tx.workspaceId;
    const col = <K extends keyof (typeof rows)[number]>(k: K) => rows.map((r) => r[k]);
    await sql`
      INSERT INTO consent_events (workspace_id, seq, subject, granted, denied, granted_uses, denied_uses,
        notice_version, wording_hash, method, jurisdiction, at, page_url, ip_hash, user_agent, gpc, services,
        prev_hash, hash)
      SELECT ${ws}::uuid, * FROM unnest(
        ${col('seq')}::bigint[], ${col('subject')}::text[], ${col('granted')}::jsonb[], ${col('denied')}::jsonb[],
        ${col('granted_uses')}::jsonb[], ${col('denied_uses')}::jsonb[], ${col('notice_version')}::int[],
        ${col('wording_hash')}::text[], ${col('method')}::text[], ${col('jurisdiction')}::text[],
        ${col('at')}::timestamptz[], ${col('page_url')}::text[], ${col('ip_hash')}::text[],
        ${col('user_agent')}::text[], ${col('gpc')}::boolean[], ${col('services')}::jsonb[],
        ${col('prev_hash')}::text[], ${col('hash')}::text[])
    `.execute(trx);
    // One row per subject and use: a later event in the batch overrides an earlier one.
    const state = new Map<string, StateRow>();
    events.forEach((event, i) => {
      const eventSeq = results[i]!.seq;
      const put = (use: string, granted: boolean, noticeKey: string) =>
        state.set(`${event.subject}\0${use}`, {
          subject: event.subject,
          use,
          noticeKey,
          granted,
          method: event.method,
          gpc: event.gpc,
          version: event.notice_version,
          seq: eventSeq,
          at: event.at,
        });
      for (const use of event.granted_uses) put(use, true, event.notice_of_use[use] ?? '');
      // Denial wins when two notices share a use and only one was granted.
      for (const use of event.denied_uses) put(use, false, event.notice_of_use[use] ?? '');
    });
    const st = [...state.values()];
    if (st.length) {
      const sc = <K extends keyof StateRow>(k: K) => st.map((r) => r[k]);
      await sql`
        INSERT INTO consent_state (workspace_id, subject, data_use, notice_key, granted, method, gpc,
          notice_version, event_seq, updated_at)
        SELECT ${ws}::uuid, * FROM unnest(${sc('subject')}::text[], ${sc('use')}::text[], ${sc('noticeKey')}::text[],
          ${sc('granted')}::boolean[], ${sc('method')}::text[], ${sc('gpc')}::boolean[], ${sc('version')}::int[],
          ${sc('seq')}::bigint[], ${sc('at')}::timestamptz[])
        ON CONFLICT (workspace_id, subject, data_use) DO UPDATE SET
          notice_key = EXCLUDED.notice_key, granted = EXCLUDED.granted, method = EXCLUDED.method,
          gpc = EXCLUDED.gpc, notice_version = EXCLUDED.notice_version, event_seq = EXCLUDED.event_seq,
          updated_at = EXCLUDED.updated_at
      `.execute(trx);
    }
    await upsertServiceState(trx, ws, events, results);
    // The per-day counts ride along with the chain head: one statement, one round trip.
    await sql`
      WITH counts AS (${dailyCounts(ws, events)})
      INSERT INTO consent_chain_heads (workspace_id, seq, hash, counted_seq) VALUES (${ws}::uuid, ${seq}, ${prev}, ${seq})
      ON CONFLICT (workspace_id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash,
        counted_seq = EXCLUDED.counted_seq
    `.execute(trx);
    return results;
  });
}

/** The current choice per subject and service; a later event in the batch overrides an earlier one. */
async function upsertServiceState(
  trx: Kysely<Database>,
  ws: string,
  events: PendingEvent[],
  results: AppendedEvent[],
): Promise<void> {
  const state = new Map<
    string,
    { subject: string; service: string; granted: boolean; method: string; seq: number; at: string }
  >();
  events.forEach((event, i) => {
    for (const [service, granted] of Object.entries(event.services ?? {}))
      state.set(`${event.subject}\0${service}`, {
        subject: event.subject,
        service,
        granted,
        method: event.method,
        seq: results[i]!.seq,
        at: event.at,
      });
  });
  if (state.size === 0) return;
  const rows = [...state.values()];
  const c = <K extends keyof (typeof rows)[number]>(k: K) => rows.map((r) => r[k]);
  await sql`
    INSERT INTO consent_service_state (workspace_id, subject, service, granted, method, event_seq, updated_at)
    SELECT ${ws}::uuid, * FROM unnest(${c('subject')}::text[], ${c('service')}::text[], ${c('granted')}::boolean[],
      ${c('method')}::text[], ${c('seq')}::bigint[], ${c('at')}::timestamptz[])
    ON CONFLICT (workspace_id, subject, service) DO UPDATE SET
      granted = EXCLUDED.granted, method = EXCLUDED.method, event_seq = EXCLUDED.event_seq,
      updated_at = EXCLUDED.updated_at
  `.execute(trx);
}

/**
 * Adds to the per-day counts the events `after` < seq ≤ `through` already in the ledger,
 * counted there in SQL (they are not in memory).
 */
function countEventsAfter(ws: string, after: number, through: number) {
  return sql`
    INSERT INTO consent_daily_counts (workspace_id, day, notice_key, granted, denied)
    SELECT ${ws}::uuid, day, key, count(*) FILTER (WHERE granted), count(*) FILTER (WHERE NOT granted)
    FROM (${eventChoices(sql`e.workspace_id = ${ws} AND e.seq > ${after} AND e.seq <= ${through}`)}) c
    GROUP BY day, key
    ON CONFLICT (workspace_id, day, notice_key) DO UPDATE SET
      granted = consent_daily_counts.granted + EXCLUDED.granted,
      denied = consent_daily_counts.denied + EXCLUDED.denied`;
}

/** One row per notice an event granted or denied, with the event's UTC day: the unit the counts count. */
export function eventChoices(where: RawBuilder<unknown>) {
  return sql`SELECT (e.at AT TIME ZONE 'UTC')::date AS day, e.at, e.seq, c.key, c.granted
    FROM consent_events e
    CROSS JOIN LATERAL (
      SELECT g.value AS key, true AS granted FROM jsonb_array_elements_text(e.granted) AS g(value)
      UNION ALL
      SELECT d.value, false FROM jsonb_array_elements_text(e.denied) AS d(value)
    ) c
    WHERE ${where}`;
}

/**
 * The statement adding the batch to the per-day counts the console's chart reads (see
 * consent-stats.ts): for each UTC day and notice, how many events granted and denied it.
 */
function dailyCounts(ws: string, events: PendingEvent[]) {
  const counts = new Map<string, { day: string; key: string; granted: number; denied: number }>();
  const add = (day: string, key: string, granted: boolean) => {
    const id = `${day}\0${key}`;
    let c = counts.get(id);
    if (!c) {
      c = { day, key, granted: 0, denied: 0 };
      counts.set(id, c);
    }
    if (granted) c.granted += 1;
    else c.denied += 1;
  };
  for (const event of events) {
    // `at` is an ISO timestamp in UTC: its first ten characters are the UTC date.
    const day = event.at.slice(0, 10);
    for (const key of event.granted) add(day, key, true);
    for (const key of event.denied) add(day, key, false);
  }
  const rows = [...counts.values()];
  const c = <K extends keyof (typeof rows)[number]>(k: K) => rows.map((r) => r[k]);
  return sql`
    INSERT INTO consent_daily_counts (workspace_id, day, notice_key, granted, denied)
    SELECT ${ws}::uuid, * FROM unnest(${c('day')}::date[], ${c('key')}::text[], ${c('granted')}::bigint[],
      ${c('denied')}::bigint[])
    ON CONFLICT (workspace_id, day, notice_key) DO UPDATE SET
      granted = consent_daily_counts.granted + EXCLUDED.granted,
      denied = consent_daily_counts.denied + EXCLUDED.denied`;
}
