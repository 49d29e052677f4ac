import path from 'node:path';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { safeUrl } from '../connectors/postgres-connector.ts';
import { AppError } from '../errors.ts';
import type { CollectionModel, TargetModel } from './resolve-target.ts';
import type { Fragment, SqlDialect } from './sql-dialect.ts';

/** One connection to the database a rule sweeps; set-based statements, short transactions. */
export interface TargetSession {
  query<R extends Record<string, unknown>>(statement: Fragment): Promise<R[]>;
  /** Runs a statement and returns the rows it changed. */
  execute(statement: Fragment): Promise<number>;
}

export interface TargetDatabase extends TargetSession {
  dialect: SqlDialect;
  transaction<T>(fn: (session: TargetSession) => Promise<T>): Promise<T>;
  /** The column sets the database keeps unique in a table: its primary key, and unique indexes over NOT NULL columns. */
  uniqueKeys(collection: CollectionModel): Promise<string[][]>;
  close(): Promise<void>;
}

/**
 * Opens the database of the rule's system: the URL in the environment variable the system
 * names (`url_env`), or the SQLite file (`path`, relative to the program's folder).
 * Timestamps are compared in UTC.
 */
export async function openTargetDatabase(
  model: TargetModel,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TargetDatabase> {
  const { connection } = model;
  if (connection.type === 'sqlite') {
    const file = path.resolve(model.baseDir, connection.path);
    try {
      return openSqlite(file, model.dialect);
    } catch (err) {
      throw new AppError(
        'unavailable',
        `cannot open ${model.system.key} (SQLite ${file}): ${(err as Error).message}`,
        { cause: err },
      );
    }
  }
  const url = env[connection.url_env];
  if (!url) {
    throw new AppError(
      'unavailable',
      `system "${model.system.key}": environment variable ${connection.url_env} is not set (it holds the database URL)`,
    );
  }
  const where = `${model.system.key} (${safeUrl(url)})`;
  try {
    return model.dialect.name === 'postgres'
      ? await openPostgres(url, model.dialect)
      : await openMysql(url, model.dialect);
  } catch (err) {
    throw new AppError('unavailable', `cannot connect to ${where}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

async function openPostgres(url: string, dialect: SqlDialect): Promise<TargetDatabase> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  await client.connect();
  await client.query(`SET TIME ZONE 'UTC'`);
  const session: TargetSession = {
    async query<R extends Record<string, unknown>>(statement: Fragment) {
      const { text, values } = statement.render(dialect);
      return (await client.query(text, values)).rows as R[];
    },
    async execute(statement) {
      const { text, values } = statement.render(dialect);
      return (await client.query(text, values)).rowCount ?? 0;
    },
  };
  return {
    ...session,
    dialect,
    async transaction(fn) {
      await client.query('BEGIN');
      try {
        const result = await fn(session);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    },
    async uniqueKeys(collection) {
      const { rows } = await client.query<{ cols: string[] }>(
        `SELECT array_agg(a.attname::text ORDER BY a.attnum) AS cols
           FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
          WHERE i.indrelid = $1::regclass AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL
          GROUP BY i.indexrelid HAVING bool_and(a.attnotnull)`,
        [collection.table],
      );
      return rows.map((r) => r.cols);
    },
    close: () => client.end(),
  };
}

async function openMysql(url: string, dialect: SqlDialect): Promise<TargetDatabase> {
  const conn = await mysql.createConnection({ uri: url, timezone: 'Z', connectTimeout: 5000 });
  conn.on('error', () => undefined);
  await conn.query(`SET time_zone = '+00:00'`);
  const session: TargetSession = {
    async query<R extends Record<string, unknown>>(statement: Fragment) {
      const { text, values } = statement.render(dialect);
      const [rows] = await conn.query(text, values);
      return rows as R[];
    },
    async execute(statement) {
      const { text, values } = statement.render(dialect);
      const [result] = await conn.query(text, values);
      return (result as mysql.ResultSetHeader).affectedRows ?? 0;
    },
  };
  return {
    ...session,
    dialect,
    async transaction(fn) {
      // Read committed: a batch's locking read must not gap-lock rows outside the batch.
      await conn.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
      await conn.beginTransaction();
      try {
        const result = await fn(session);
        await conn.commit();
        return result;
      } catch (err) {
        await conn.rollback().catch(() => undefined);
        throw err;
      }
    },
    async uniqueKeys(collection) {
      const [rows] = await conn.query(
        `SELECT s.INDEX_NAME AS name, s.COLUMN_NAME AS col, c.IS_NULLABLE AS nullable
           FROM information_schema.STATISTICS s
           JOIN information_schema.COLUMNS c
             ON c.TABLE_SCHEMA = s.TABLE_SCHEMA AND c.TABLE_NAME = s.TABLE_NAME AND c.COLUMN_NAME = s.COLUMN_NAME
          WHERE s.TABLE_SCHEMA = COALESCE(?, DATABASE()) AND s.TABLE_NAME = ? AND s.NON_UNIQUE = 0
          ORDER BY s.INDEX_NAME, s.SEQ_IN_INDEX`,
        [collection.schema ?? null, collection.name],
      );
      return uniqueSets(
        rows as { name: string; col: string; nullable: string }[],
        (r) => r.nullable === 'NO',
      );
    },
    close: () => conn.end(),
  };
}

/** SQLite through `node:sqlite`; a batch takes the write lock (`BEGIN IMMEDIATE`) for its few statements. */
function openSqlite(file: string, dialect: SqlDialect): TargetDatabase {
  const db = new DatabaseSync(file, { open: true });
  // Another writer (the application) may hold the lock briefly: wait for it rather than fail.
  db.exec('PRAGMA busy_timeout = 5000');
  const bind = (values: unknown[]): SQLInputValue[] =>
    values.map((v) => {
      if (v === undefined || v === null) return null;
      if (v instanceof Date) return v.toISOString();
      if (typeof v === 'boolean') return v ? 1 : 0;
      if (typeof v === 'number' || typeof v === 'string' || typeof v === 'bigint') return v;
      return JSON.stringify(v);
    });
  const session: TargetSession = {
    async query<R extends Record<string, unknown>>(statement: Fragment) {
      const { text, values } = statement.render(dialect);
      return db.prepare(text).all(...bind(values)) as R[];
    },
    async execute(statement) {
      const { text, values } = statement.render(dialect);
      return Number(db.prepare(text).run(...bind(values)).changes);
    },
  };
  return {
    ...session,
    dialect,
    async transaction(fn) {
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(session);
        db.exec('COMMIT');
        return result;
      } catch (err) {
        if (db.isTransaction) db.exec('ROLLBACK');
        throw err;
      }
    },
    async uniqueKeys(collection) {
      const columns = db
        .prepare('SELECT name, "notnull" AS nn, pk FROM pragma_table_info(?)')
        .all(collection.name) as {
        name: string;
        nn: number;
        pk: number;
      }[];
      const notNull = new Set(columns.filter((c) => c.nn || c.pk).map((c) => c.name));
      const primary = columns
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name);
      const indexed = db
        .prepare(
          `SELECT il.name AS name, ii.name AS col FROM pragma_index_list(?) il, pragma_index_info(il.name) ii
            WHERE il."unique" = 1 AND il.partial = 0 ORDER BY il.name, ii.seqno`,
        )
        .all(collection.name) as { name: string; col: string | null }[];
      const sets = uniqueSets(indexed, (r) => r.col !== null && notNull.has(r.col));
      return primary.length ? [primary, ...sets] : sets;
    },
    close: async () => db.close(),
  };
}

/** Groups index rows into column sets, keeping only indexes whose every column passes `keep`. */
function uniqueSets<R extends { name: string; col: string | null }>(
  rows: R[],
  keep: (row: R) => boolean,
): string[][] {
  const sets = new Map<string, { cols: string[]; ok: boolean }>();
  for (const row of rows) {
    const set = sets.get(row.name) ?? { cols: [], ok: true };
    set.cols.push(String(row.col));
    set.ok &&= keep(row);
    sets.set(row.name, set);
  }
  return [...sets.values()].filter((s) => s.ok).map((s) => s.cols);
}

/**
 * Refuses a declared key the database does not keep unique: acting on "the row with this key"
 * would then act on every row sharing it (ids that repeat per tenant are the usual case).
 */
export async function checkKeyIsUnique(db: TargetDatabase, collection: CollectionModel): Promise<void> {
  if (collection.key.length === 0) return;
  const sets = await db.uniqueKeys(collection);
  if (sets.some((set) => set.every((c) => collection.key.includes(c)))) return;
  const name = `${collection.dataset}.${collection.name}`;
  const declared = `(${collection.key.join(', ')})`;
  const known = sets.map((s) => `(${s.join(', ')})`).join(' or ');
  throw new AppError(
    'validation_failed',
    known
      ? `${name}: the declared key ${declared} is not unique in the database, whose unique keys are ${known}; acting on one key could touch several rows. Mark every column of one of them with fides_meta.primary_key: true`
      : `${name}: the database has no primary key or unique index over NOT NULL columns within the declared key ${declared} (is the table there?); the sweep acts row by row by key, so it needs one`,
  );
}
