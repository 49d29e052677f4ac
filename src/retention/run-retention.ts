import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { AppError } from '../errors.ts';
import { maskValue } from '../execution/masking.ts';
import type { Program } from '../program/load-program.ts';
import type { RetentionRule } from '../program/retention-rule.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import { type CompiledRule, compileRule, describeMask } from './compile-rule.ts';
import { describeHold } from './legal-hold.ts';
import { listLegalHolds } from './list-legal-holds.ts';
import type { Clock } from './period.ts';
import { eachRule, exampleKeys, type TargetPool } from './plan-retention.ts';
import { type Fragment, join, raw, sql } from './sql-dialect.ts';
import { checkKeyIsUnique, type TargetDatabase, type TargetSession } from './target-database.ts';

/** The outcome of one rule in a run: every rule gets one, a failure never stops the others. */
export interface RuleRunResult {
  rule: string;
  status: 'succeeded' | 'failed' | 'skipped';
  reason?: string | undefined;
  runId?: string | undefined;
  /** Rows deleted, anonymised, archived, or due in the manual task. */
  affected: number;
  /** Rows of child collections deleted first, by `dataset.collection`. */
  cascaded: Record<string, number>;
  /** Transactions the sweep took on the target (one per batch). */
  batches: number;
  /** True when this run finished a sweep a crashed process had started. */
  resumed: boolean;
  durationMs: number;
}

export interface RetentionProgress {
  rule: string;
  affected: number;
  batches: number;
}

export interface RunRetentionOptions {
  program: Program;
  scope: WorkspaceScope;
  rules?: readonly string[] | undefined;
  clock: Clock;
  env?: NodeJS.ProcessEnv | undefined;
  trigger?: 'cli' | 'schedule' | 'api';
  /** Called after each batch is recorded; awaited, so a slow consumer slows the sweep. */
  onProgress?: ((progress: RetentionProgress) => void | Promise<void>) | undefined;
  /** How often a running sweep looks for new or released legal holds (default 1000 ms). */
  holdRecheckMs?: number | undefined;
}

const owner = `${hostname()}:${process.pid}`;
// A run on another host is presumed alive while it has written a heartbeat this recently.
const HEARTBEAT_GRACE_MS = 120_000;

/**
 * Executes the rules in bounded batches. Each batch is one short transaction on the target
 * (lock the batch's rows, act, commit); progress is recorded in the store after each batch,
 * and the keys of the batch in flight are journalled first, so a run killed at any point is
 * resumed by the next one with the same clock and nothing done or counted twice.
 */
export function runRetention(options: RunRetentionOptions): Promise<RuleRunResult[]> {
  return eachRule(options, (rule, pool) => runRule(options, rule, pool));
}

type RunRow = {
  id: string;
  clock_at: Date;
  owner: string | null;
  heartbeat_at: Date | null;
  resumed_count: number;
  affected: number;
  batches: number;
  checkpoint: string | null;
  pending_keys: unknown;
  cascaded: unknown;
};

async function runRule(
  options: RunRetentionOptions,
  rule: RetentionRule,
  pool: TargetPool,
): Promise<RuleRunResult> {
  const { scope, program } = options;
  const started = Date.now();
  const result = (r: Omit<RuleRunResult, 'rule' | 'durationMs'>): RuleRunResult => ({
    rule: rule.key,
    durationMs: Date.now() - started,
    ...r,
  });
  const claim = await claimRun(scope, program, rule, options);
  if ('busy' in claim) {
    return result({
      status: 'skipped',
      reason: claim.busy,
      affected: 0,
      batches: 0,
      cascaded: {},
      resumed: false,
    });
  }
  const { run, resumed } = claim;
  const now = run.clock_at;
  let affected = Number(run.affected);
  let batches = run.batches;
  const cascaded: Record<string, number> = { ...((run.cascaded as Record<string, number> | null) ?? {}) };
  const finish = async (status: 'succeeded' | 'failed' | 'skipped', reason?: string) => {
    await scope
      .updateTable('retention_runs')
      .set({
        status,
        reason: reason ?? null,
        finished_at: new Date(),
        duration_ms: Date.now() - started,
        affected,
        batches,
        cascaded: JSON.stringify(cascaded) as never,
        pending_keys: null,
        owner: null,
      })
      .where('id', '=', run.id)
      .execute();
    return result({ status, reason, runId: run.id, affected, batches, cascaded, resumed });
  };

  let compiled: CompiledRule;
  let db: TargetDatabase;
  let holdSet = '';
  try {
    const holds = await listLegalHolds(scope, { activeAt: now });
    holdSet = holds.map((h) => h.id).join();
    compiled = compileRule(program, rule, now, holds);
    await scope
      .updateTable('retention_runs')
      .set({
        cutoffs: JSON.stringify(compiled.cutoffs) as never,
        key_columns: JSON.stringify(compiled.key) as never,
        masking: JSON.stringify(describeMask(compiled.mask)) as never,
      })
      .where('id', '=', run.id)
      .execute();
    db = await pool.get(compiled);
    await checkKeyIsUnique(db, compiled.model.target);
    await scope
      .updateTable('retention_runs')
      .set({ holds_applied: JSON.stringify(await holdsApplied(db, compiled)) as never })
      .where('id', '=', run.id)
      .execute();
  } catch (err) {
    return finish('failed', (err as Error).message);
  }
  const whole = compiled.holds.find((h) => h.covers === 'all');
  if (whole) return finish('skipped', `legal hold on ${describeHold(whole.hold)}: ${whole.hold.reason}`);

  try {
    if (rule.action === 'manual_task') {
      affected = await openManualTask(scope, db, compiled, run.id);
      return finish('succeeded');
    }
    const journal = readJournal(run.pending_keys);
    let checkpoint = readKey(run.checkpoint);
    if (journal) {
      const done = await reconcile(db, compiled, journal);
      affected += done;
      if (done > 0 && 'to' in journal) checkpoint = journal.to;
    }
    // Hash masking uses the configured secret (stable pseudonyms), else one made for this run
    // and thrown away, as for erasure requests.
    const salt = (options.env ?? process.env).CUSTODIAN_ANONYMISE_SALT;
    const secret = salt ? Buffer.from(salt) : randomBytes(32);
    if (rule.action === 'archive_anonymised') await ensureArchive(db, compiled);
    let holdsCheckedAt = Date.now();
    for (;;) {
      // A hold placed (or released) while a long sweep runs applies from the next batch on.
      if (Date.now() - holdsCheckedAt >= (options.holdRecheckMs ?? 1000)) {
        holdsCheckedAt = Date.now();
        const holds = await listLegalHolds(scope, { activeAt: now });
        if (holds.map((h) => h.id).join() !== holdSet) {
          holdSet = holds.map((h) => h.id).join();
          compiled = compileRule(program, rule, now, holds);
          await scope
            .updateTable('retention_runs')
            .set({ holds_applied: JSON.stringify(await holdsApplied(db, compiled)) as never })
            .where('id', '=', run.id)
            .execute();
          const held = compiled.holds.find((h) => h.covers === 'all');
          if (held) return finish('skipped', `legal hold on ${describeHold(held.hold)}: ${held.hold.reason}`);
        }
      }
      const batchRule = compiled;
      const from = checkpoint;
      const done = await db.transaction(async (tx) => {
        const batch = await takeBatch(tx, batchRule, from, secret);
        if (!batch) return undefined;
        // Journal before the commit, with the progress so far: one store write per batch. If the
        // process dies after the commit, the next run finds this batch's rows gone and counts them.
        const pending: Journal =
          'keys' in batch
            ? { keys: batch.keys, count: batch.rows }
            : { from, to: batch.last, count: batch.rows };
        await scope
          .updateTable('retention_runs')
          .set({
            affected,
            batches,
            checkpoint: from === null ? null : JSON.stringify(from),
            cascaded: JSON.stringify(cascaded) as never,
            pending_keys: JSON.stringify(pending) as never,
            heartbeat_at: new Date(),
          })
          .where('id', '=', run.id)
          .execute();
        return batch;
      });
      if (!done) break;
      affected += done.rows;
      for (const [k, n] of Object.entries(done.cascaded)) cascaded[k] = (cascaded[k] ?? 0) + n;
      batches += 1;
      if ('last' in done) checkpoint = done.last;
      await options.onProgress?.({ rule: rule.key, affected, batches });
    }
    return finish('succeeded');
  } catch (err) {
    return finish('failed', (err as Error).message);
  }
}

/** Starts a run of the rule, or takes over one whose process died; `busy` when one is alive. */
async function claimRun(
  scope: WorkspaceScope,
  program: Program,
  rule: RetentionRule,
  options: RunRetentionOptions,
): Promise<{ run: RunRow; resumed: boolean } | { busy: string }> {
  const columns = [
    'id',
    'clock_at',
    'owner',
    'heartbeat_at',
    'resumed_count',
    'affected',
    'batches',
    'checkpoint',
    'pending_keys',
    'cascaded',
  ] as const;
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await scope
      .selectFrom('retention_runs')
      .select(columns)
      .where('rule_key', '=', rule.key)
      .where('status', '=', 'running')
      .executeTakeFirst();
    if (existing) {
      if (ownerAlive(existing.owner, existing.heartbeat_at)) {
        return { busy: `a run of this rule is in progress (${existing.owner}, run ${existing.id})` };
      }
      const taken = await scope
        .updateTable('retention_runs')
        .set({ owner, heartbeat_at: new Date(), resumed_count: existing.resumed_count + 1 })
        .where('id', '=', existing.id)
        .where('status', '=', 'running')
        .where((eb) => (existing.owner === null ? eb('owner', 'is', null) : eb('owner', '=', existing.owner)))
        .returning(columns)
        .executeTakeFirst();
      if (taken) return { run: taken, resumed: true };
      continue;
    }
    const row = {
      id: randomUUID(),
      rule_key: rule.key,
      action: rule.action,
      target: `${rule.target.dataset}.${rule.target.collection}`,
      status: 'running' as const,
      reason: null,
      trigger: options.trigger ?? 'cli',
      program_hash: program.hash,
      clock_at: options.clock(),
      cutoffs: JSON.stringify([]) as never,
      finished_at: null,
      duration_ms: null,
      cascaded: JSON.stringify({}) as never,
      holds_applied: JSON.stringify([]) as never,
      key_columns: JSON.stringify([]) as never,
      masking: JSON.stringify([]) as never,
      checkpoint: null,
      pending_keys: null,
      owner,
      heartbeat_at: new Date(),
    };
    try {
      const created = await scope
        .insertInto('retention_runs', row)
        .returning(columns)
        .executeTakeFirstOrThrow();
      return { run: created, resumed: false };
    } catch (err) {
      // Another process started the same rule between our read and insert: look again.
      if (!/unique|duplicate/i.test((err as Error).message)) throw err;
    }
  }
  throw new AppError('conflict', `could not start a run of rule "${rule.key}"; try again`);
}

function ownerAlive(who: string | null, heartbeat: Date | null): boolean {
  if (!who) return false;
  const [host, pid] = who.split(':');
  if (host === hostname()) {
    if (Number(pid) === process.pid) return true;
    try {
      process.kill(Number(pid), 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
  return heartbeat !== null && Date.now() - heartbeat.getTime() < HEARTBEAT_GRACE_MS;
}

/** A row's key: one value per key column, in the order the dataset declares them. */
type Key = unknown[];

/** Key values as they are journalled: JSON-safe (dates as ISO text), compared again by the database. */
const plain = (v: unknown) => (v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? String(v) : v);

/** A checkpoint as stored: JSON text of the key (older runs stored one key value as text). */
function readKey(text: string | null): Key | null {
  if (text === null) return null;
  if (text.startsWith('[')) {
    try {
      return JSON.parse(text) as Key;
    } catch {
      // not JSON: a single text key
    }
  }
  return [text];
}

/**
 * The batch in flight, journalled before its commit: a key range for batches taken in key
 * order, or the keys themselves for unordered PostgreSQL delete batches.
 */
type Journal = { from: Key | null; to: Key; count: number } | { keys: Key[]; count: number };

/** Reads a journal, including those of older runs that held single key values. */
function readJournal(value: unknown): Journal | null {
  if (!value || typeof value !== 'object' || !('count' in value)) return null;
  const tuple = (k: unknown): Key => (Array.isArray(k) ? k : [k]);
  const j = value as { count: number; keys?: unknown[]; from?: unknown; to?: unknown };
  if (j.keys) return { keys: j.keys.map(tuple), count: j.count };
  return {
    from: j.from === null || j.from === undefined ? null : tuple(j.from),
    to: tuple(j.to),
    count: j.count,
  };
}

interface Batch {
  keys: Key[];
  rows: Record<string, unknown>[];
}

/** The next batch of eligible rows after the checkpoint, locked for this transaction (key order). */
async function nextBatch(tx: TargetSession, compiled: CompiledRule, checkpoint: Key | null): Promise<Batch> {
  const { key, model, mask, pendingByField } = compiled;
  const { dialect, target } = model;
  const cols = key.map((c) => `t.${dialect.ident(c)}`);
  const selected = [
    ...cols.map((c, i) => `${c} AS k${i}`),
    // Anonymise reads the values it masks, and which of them still hold an original.
    ...mask.map((m, i) => `t.${dialect.ident(m.field)} AS m${i}`),
  ];
  const flags = pendingByField.map((p, i) => sql`, CASE WHEN ${p} THEN 1 ELSE 0 END AS ${raw(`p${i}`)}`);
  const after = checkpoint === null ? sql`(1 = 1)` : dialect.keyAfter('t', key, checkpoint);
  const rows = await tx.query(
    sql`SELECT ${raw(selected.join(', '))}${join(flags, '')} FROM ${raw(target.table)} t WHERE ${after} AND ${compiled.eligible} ORDER BY ${raw(cols.join(', '))} LIMIT ${{ value: compiled.rule.batch_size }}${raw(dialect.lockRows)}`,
  );
  return { keys: rows.map((r) => key.map((_, i) => r[`k${i}`])), rows };
}

/** Applies the rule's action to one batch of target rows, inside the batch's transaction. */
async function applyAction(
  tx: TargetSession,
  compiled: CompiledRule,
  batch: Batch,
  secret: Buffer,
): Promise<{ rows: number; cascaded: Record<string, number> }> {
  const { model, rule, key } = compiled;
  const { dialect, target } = model;
  const table = raw(target.table);
  const cascaded: Record<string, number> = {};
  const { keys } = batch;
  if (!compiled.deletesRows) {
    // The masked values come from the request engine's masking, field by field: constant
    // strategies (null, fixed) are one assignment for the batch, a hash is computed per row.
    const constant = compiled.mask
      .filter((m) => m.strategy.type !== 'hash')
      .map((m) => ({ column: m.field, value: maskValue(m.strategy, null, m.graph, secret) }));
    const hashed = compiled.mask.flatMap((m, i) => (m.strategy.type === 'hash' ? [{ m, i }] : []));
    const rows = batch.rows.map((row, r) => [
      ...(keys[r] as Key),
      ...hashed.map(({ m, i }) =>
        row[`p${i}`] === 1 || row[`p${i}`] === '1' || row[`p${i}`] === true
          ? maskValue(m.strategy, row[`m${i}`], m.graph, secret)
          : row[`m${i}`],
      ),
    ]);
    const changed = await tx.execute(
      dialect.updateRows({
        table: target.table,
        keyColumns: key,
        constant,
        perRow: hashed.map(({ m }) => m.field),
        rows,
      }),
    );
    return { rows: changed, cascaded };
  }
  const selected = dialect.keyIn('', key, keys, target.table);
  if (rule.action === 'archive_anonymised' && rule.archive) {
    const cols = rule.archive.keep.map((f) => dialect.ident(f)).join(', ');
    await tx.execute(
      sql`INSERT INTO ${raw(dialect.ident(rule.archive.table))} (${raw(cols)}) SELECT ${raw(cols)} FROM ${table} WHERE ${selected}`,
    );
  }
  // Children before parents: a foreign key would reject the reverse.
  const tuple = (fields: string[]) =>
    fields.length === 1
      ? dialect.ident(fields[0] as string)
      : `(${fields.map((f) => dialect.ident(f)).join(', ')})`;
  for (const path of compiled.cascade) {
    let selection: Fragment = selected;
    let parentTable = target.table;
    let statement: Fragment | undefined;
    for (const [i, relation] of path.entries()) {
      const parentCols = relation.parentFields.map((f) => dialect.ident(f)).join(', ');
      const inner = sql`SELECT ${raw(parentCols)} FROM ${raw(parentTable)} WHERE ${selection}`;
      selection = sql`${raw(tuple(relation.childFields))} IN (${inner})`;
      parentTable = relation.child.table;
      if (i === path.length - 1) statement = sql`DELETE FROM ${raw(relation.child.table)} WHERE ${selection}`;
    }
    const last = path[path.length - 1];
    if (!statement || !last) continue;
    const name = `${last.child.dataset}.${last.child.name}`;
    cascaded[name] = (cascaded[name] ?? 0) + (await tx.execute(statement));
  }
  const rows = await tx.execute(sql`DELETE FROM ${table} WHERE ${selected}`);
  return { rows, cascaded };
}

/**
 * Counts the journalled batch of a killed run. The batch was the first `count` eligible rows
 * after `from`, ending at `to`: if it committed they are gone (or masked), otherwise they are
 * all still eligible and the sweep takes them again.
 */
async function reconcile(db: TargetSession, compiled: CompiledRule, journal: Journal): Promise<number> {
  const { dialect, target } = compiled.model;
  const where =
    'keys' in journal
      ? dialect.keyIn('t', compiled.key, journal.keys, target.table)
      : join(
          [
            ...(journal.from === null ? [] : [dialect.keyAfter('t', compiled.key, journal.from)]),
            dialect.keyAtMost('t', compiled.key, journal.to),
          ],
          ' AND ',
        );
  const [row] = await db.query<{ n: unknown }>(
    sql`SELECT COUNT(*) AS n FROM ${raw(target.table)} t WHERE ${where} AND ${compiled.eligible}`,
  );
  return Math.max(0, journal.count - Number(row?.n ?? 0));
}

/**
 * Takes one batch: locks the next eligible rows after the checkpoint and applies the action.
 * A plain PostgreSQL delete by a one-column key is one statement (the batch, the delete and
 * the count together).
 */
async function takeBatch(
  tx: TargetSession,
  compiled: CompiledRule,
  checkpoint: Key | null,
  secret: Buffer,
): Promise<
  | { rows: number; last: Key; cascaded: Record<string, number> }
  | { rows: number; keys: Key[]; cascaded: Record<string, number> }
  | undefined
> {
  const { model, rule, key } = compiled;
  if (
    model.dialect.name === 'postgres' &&
    compiled.deletesRows &&
    rule.action !== 'archive_anonymised' &&
    compiled.cascade.length === 0 &&
    key.length === 1
  ) {
    // Deleted rows cannot match again, so no key order is needed: the planner may take the
    // cheapest path to any eligible rows (the clock's index, or the start of the heap).
    const column = model.dialect.ident(key[0] as string);
    const [row] = await tx.query<{ keys: unknown[] | null }>(
      sql`WITH batch AS (SELECT ${raw(`t.${column}`)} AS k FROM ${raw(model.target.table)} t WHERE ${compiled.eligible} LIMIT ${{ value: rule.batch_size }} FOR UPDATE), gone AS (DELETE FROM ${raw(model.target.table)} WHERE ${raw(column)} IN (SELECT k FROM batch) RETURNING ${raw(column)} AS k) SELECT array_agg(k) AS keys FROM gone`,
    );
    const keys = (row?.keys ?? []).map((k) => [plain(k)]);
    return keys.length === 0 ? undefined : { rows: keys.length, keys, cascaded: {} };
  }
  const batch = await nextBatch(tx, compiled, checkpoint);
  if (batch.keys.length === 0) return undefined;
  const counts = await applyAction(tx, compiled, batch, secret);
  const last = (batch.keys[batch.keys.length - 1] as Key).map(plain);
  return { rows: counts.rows, last, cascaded: counts.cascaded };
}

async function ensureArchive(db: TargetSession, compiled: CompiledRule): Promise<void> {
  const { rule, model } = compiled;
  if (!rule.archive) return;
  const cols = rule.archive.keep.map((f) => model.dialect.ident(f)).join(', ');
  await db.execute(
    sql`${raw(model.dialect.createArchive(model.dialect.ident(rule.archive.table), cols, model.target.table))}`,
  );
}

/** Rows each hold protects from this rule (evidence of what the holds changed). */
async function holdsApplied(db: TargetSession, compiled: CompiledRule) {
  const base = join(
    [
      compiled.when,
      ...(compiled.except ? [sql`NOT ${compiled.except}`] : []),
      ...(compiled.pending ? [compiled.pending] : []),
    ],
    ' AND ',
  );
  const out: { id: string; kind: string; reason: string; rows: number | 'all' }[] = [];
  for (const { hold, covers } of compiled.holds) {
    let rows: number | 'all' = 'all';
    if (covers !== 'all') {
      const [row] = await db.query<{ n: unknown }>(
        sql`SELECT COUNT(*) AS n FROM ${raw(compiled.model.target.table)} t WHERE ${base} AND ${covers}`,
      );
      rows = Number(row?.n ?? 0);
    }
    out.push({ id: hold.id, kind: hold.kind, reason: hold.reason, rows });
  }
  return out;
}

/** Opens (or refreshes) the rule's one open task with the rows due now; data is not touched. */
async function openManualTask(
  scope: WorkspaceScope,
  db: TargetSession,
  compiled: CompiledRule,
  runId: string,
): Promise<number> {
  const from = raw(`${compiled.model.target.table} t`);
  const [row] = await db.query<{ n: unknown }>(
    sql`SELECT COUNT(*) AS n FROM ${from} WHERE ${compiled.eligible}`,
  );
  const rowsDue = Number(row?.n ?? 0);
  const examples = await exampleKeys(db, compiled, 20);
  const open = await scope
    .selectFrom('retention_tasks')
    .select('id')
    .where('rule_key', '=', compiled.rule.key)
    .where('status', '=', 'open')
    .executeTakeFirst();
  if (open) {
    await scope
      .updateTable('retention_tasks')
      .set({
        rows_due: rowsDue,
        example_keys: JSON.stringify(examples) as never,
        run_id: runId,
        updated_at: new Date(),
      })
      .where('id', '=', open.id)
      .execute();
  } else if (rowsDue > 0) {
    await scope
      .insertInto('retention_tasks', {
        id: randomUUID(),
        rule_key: compiled.rule.key,
        run_id: runId,
        rows_due: rowsDue,
        example_keys: JSON.stringify(examples) as never,
        assignee: compiled.rule.task?.assignee ?? null,
        instructions: compiled.rule.task?.instructions ?? null,
        closed_at: null,
      })
      .execute();
  }
  return rowsDue;
}
