import { AppError, isAppError } from '../errors.ts';
import type { Program } from '../program/load-program.ts';
import type { RetentionRule } from '../program/retention-rule.ts';
import { type CompiledRule, compileRule, describeMask } from './compile-rule.ts';
import { describeHold, type LegalHold } from './legal-hold.ts';
import { type Fragment, join, raw, sql } from './sql-dialect.ts';
import {
  checkKeyIsUnique,
  openTargetDatabase,
  type TargetDatabase,
  type TargetSession,
} from './target-database.ts';

/** What one rule would do now, without changing anything. */
export interface RulePlan {
  rule: string;
  action: RetentionRule['action'];
  target: string;
  system: string | undefined;
  status: 'ready' | 'held' | 'error';
  error?: string | undefined;
  now: string;
  cutoffs: CompiledRule['cutoffs'];
  /** Rows the action would take. */
  rows: number;
  oldest: string | null;
  newest: string | null;
  /** The key columns rows are told apart by (several for a composite key). */
  key: string[];
  /** A few keys of those rows: the value, or `(a, b)` for a composite key. */
  examples: string[];
  /** For anonymise: each field, its strategy and where the strategy comes from. */
  mask: { field: string; strategy: string; source: string }[];
  /** True when the rule takes rows away (delete, archive, or a `delete` masking strategy). */
  deletesRows: boolean;
  /** Rows past retention that an exception keeps. */
  keptByExceptions: number;
  /** Rows past retention that each active hold protects (`all`: the whole rule is held). */
  holds: { id: string; covers: string; reason: string; rows: number | 'all' }[];
  /** Collections whose rows go first because they reference the target. */
  cascade: string[];
}

export interface PlanRetentionOptions {
  program: Program;
  /** Only these rule keys (all when empty). */
  rules?: readonly string[] | undefined;
  now: Date;
  holds?: readonly LegalHold[] | undefined;
  env?: NodeJS.ProcessEnv | undefined;
}

/** Selects rules by key; an unknown key is an error that lists the known ones. */
export function selectRules(program: Program, keys: readonly string[] | undefined): RetentionRule[] {
  const all = program.doc.retention_rules;
  if (!keys?.length) return all;
  return keys.map((k) => {
    const rule = all.find((r) => r.key === k);
    if (!rule) {
      throw new AppError(
        'not_found',
        `no retention rule "${k}"; the program has: ${all.map((r) => r.key).join(', ') || '(none)'}`,
      );
    }
    return rule;
  });
}

/** Dry run: per rule, the rows that would be affected, their age range, examples and hold exemptions. */
export function planRetention(options: PlanRetentionOptions): Promise<RulePlan[]> {
  return eachRule(options, (rule, pool) => planRule(options, rule, pool));
}

/**
 * Calls `perRule` for the selected rules one after another, sharing one connection per target
 * database between them; the connections are closed at the end, whatever happened.
 */
export async function eachRule<T>(
  options: { program: Program; rules?: readonly string[] | undefined; env?: NodeJS.ProcessEnv | undefined },
  perRule: (rule: RetentionRule, pool: TargetPool) => Promise<T>,
): Promise<T[]> {
  const pool = new TargetPool(options.env);
  try {
    const results: T[] = [];
    for (const rule of selectRules(options.program, options.rules)) results.push(await perRule(rule, pool));
    return results;
  } finally {
    await pool.close();
  }
}

async function planRule(
  options: PlanRetentionOptions,
  rule: RetentionRule,
  pool: TargetPool,
): Promise<RulePlan> {
  const base: RulePlan = {
    rule: rule.key,
    action: rule.action,
    target: `${rule.target.dataset}.${rule.target.collection}`,
    system: undefined,
    status: 'ready',
    now: options.now.toISOString(),
    cutoffs: [],
    rows: 0,
    oldest: null,
    newest: null,
    key: [],
    examples: [],
    mask: [],
    deletesRows: rule.action !== 'anonymise' && rule.action !== 'manual_task',
    keptByExceptions: 0,
    holds: [],
    cascade: [],
  };
  try {
    const compiled = compileRule(options.program, rule, options.now, options.holds);
    base.system = compiled.model.system.key;
    base.cutoffs = compiled.cutoffs;
    base.key = compiled.key;
    base.mask = describeMask(compiled.mask);
    base.deletesRows = compiled.deletesRows;
    base.cascade = compiled.cascade.map((path) => {
      const last = path[path.length - 1];
      return last ? `${last.child.dataset}.${last.child.name}` : '';
    });
    const db = await pool.get(compiled);
    await checkKeyIsUnique(db, compiled.model.target);
    const summary = await summarise(db, compiled);
    return { ...base, ...summary };
  } catch (err) {
    if (!isAppError(err) && !(err instanceof Error)) throw err;
    return { ...base, status: 'error', error: err.message };
  }
}

/** Counts and examples for a compiled rule, read in one session. */
export async function summarise(
  db: TargetSession,
  compiled: CompiledRule,
): Promise<
  Pick<RulePlan, 'rows' | 'oldest' | 'newest' | 'examples' | 'keptByExceptions' | 'holds' | 'status'>
> {
  const from = raw(`${compiled.model.target.table} t`);
  const count = async (where: Fragment) => {
    const [row] = await db.query<{ n: unknown }>(sql`SELECT COUNT(*) AS n FROM ${from} WHERE ${where}`);
    return Number(row?.n ?? 0);
  };
  const { dialect } = compiled.model;
  const clock = compiled.clock ?? sql`NULL`;
  const [stats] = await db.query<{ n: unknown; oldest: unknown; newest: unknown }>(
    sql`SELECT COUNT(*) AS n, ${dialect.instantText(sql`MIN(${clock})`)} AS oldest, ${dialect.instantText(sql`MAX(${clock})`)} AS newest FROM ${from} WHERE ${compiled.eligible}`,
  );
  const examples = await exampleKeys(db, compiled, 5);
  const notExcepted = compiled.except ? sql`NOT ${compiled.except}` : sql`(1 = 1)`;
  const base = join([compiled.when, ...(compiled.pending ? [compiled.pending] : [])], ' AND ');
  const keptByExceptions = compiled.except ? await count(sql`${base} AND ${compiled.except}`) : 0;
  const holds: RulePlan['holds'] = [];
  for (const { hold, covers } of compiled.holds) {
    holds.push({
      id: hold.id,
      covers: describeHold(hold),
      reason: hold.reason,
      rows: covers === 'all' ? 'all' : await count(sql`${base} AND ${notExcepted} AND ${covers}`),
    });
  }
  return {
    status: holds.some((h) => h.rows === 'all') ? 'held' : 'ready',
    rows: Number(stats?.n ?? 0),
    oldest: instant(stats?.oldest),
    newest: instant(stats?.newest),
    examples,
    keptByExceptions,
    holds,
  };
}

/** The first `limit` keys of the rows the rule takes, in key order, as text (none without a key). */
export async function exampleKeys(
  db: TargetSession,
  compiled: CompiledRule,
  limit: number,
): Promise<string[]> {
  if (compiled.key.length === 0) return [];
  const cols = compiled.key.map((c) => `t.${compiled.model.dialect.ident(c)}`);
  const rows = await db.query(
    sql`SELECT ${raw(cols.map((c, i) => `${c} AS k${i}`).join(', '))} FROM ${raw(compiled.model.target.table)} t WHERE ${compiled.eligible} ORDER BY ${raw(cols.join(', '))} LIMIT ${{ value: limit }}`,
  );
  return rows.map((r) => formatKey(compiled.key.map((_, i) => r[`k${i}`])));
}

/** A key as people read it: `42`, or `(7, 42)` for a composite key. */
export function formatKey(key: readonly unknown[]): string {
  const text = key.map((v) => (v instanceof Date ? v.toISOString() : String(v)));
  return text.length === 1 ? (text[0] as string) : `(${text.join(', ')})`;
}

function instant(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** One open connection per system for the length of a plan or run. */
export class TargetPool {
  private readonly open = new Map<string, Promise<TargetDatabase>>();
  private readonly env: NodeJS.ProcessEnv | undefined;

  constructor(env: NodeJS.ProcessEnv | undefined) {
    this.env = env;
  }

  get(compiled: CompiledRule): Promise<TargetDatabase> {
    const key = compiled.model.system.key;
    let db = this.open.get(key);
    if (!db) {
      db = openTargetDatabase(compiled.model, this.env);
      this.open.set(key, db);
      db.catch(() => this.open.delete(key));
    }
    return db;
  }

  async close(): Promise<void> {
    for (const db of this.open.values()) await (await db.catch(() => undefined))?.close();
    this.open.clear();
  }
}
