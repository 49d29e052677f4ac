import { type Kysely, sql } from 'kysely';
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
    const head = await tx.selectFrom('consent_chain_heads').select(['seq', 'hash']).executeTakeFirst();
    let seq = head?.seq ?? 0;
    let prev = head?.hash ?? LEDGER_GENESIS;
    const rows = [];
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
        prev_hash: prev,
        hash,
      });
      results.push({ seq, hash });
      prev = hash;
    }
    for (let i = 0; i < rows.length; i += 500) {
      await tx.insertMany('consent_events', rows.slice(i, i + 500) as never).execute();
    }
    // One row per subject and use: a later event in the batch overrides an earlier one.
    const state = new Map<string, Record<string, unknown>>();
    events.forEach((event, i) => {
      const eventSeq = results[i]!.seq;
      const put = (use: string, granted: boolean, noticeKey: string) =>
        state.set(`${event.subject}\0${use}`, {
          subject: event.subject,
          data_use: use,
          notice_key: noticeKey,
          granted,
          method: event.method,
          gpc: event.gpc,
          notice_version: event.notice_version,
          event_seq: eventSeq,
          updated_at: event.at,
        });
      for (const use of event.granted_uses) put(use, true, event.notice_of_use[use] ?? '');
      // Denial wins when two notices share a use and only one was granted.
      for (const use of event.denied_uses) put(use, false, event.notice_of_use[use] ?? '');
    });
    const stateRows = [...state.values()];
    for (let i = 0; i < stateRows.length; i += 500) {
      await tx
        .insertMany('consent_state', stateRows.slice(i, i + 500) as never)
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'subject', 'data_use']).doUpdateSet((eb) => ({
            notice_key: eb.ref('excluded.notice_key'),
            granted: eb.ref('excluded.granted'),
            method: eb.ref('excluded.method'),
            gpc: eb.ref('excluded.gpc'),
            notice_version: eb.ref('excluded.notice_version'),
            event_seq: eb.ref('excluded.event_seq'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
    await tx
      .insertInto('consent_chain_heads', { seq, hash: prev })
      .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ seq, hash: prev }))
      .execute();
    return results;
  });
}
