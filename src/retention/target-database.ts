import mysql from 'mysql2/promise';
import pg from 'pg';
import { safeUrl } from '../connectors/postgres-connector.ts';
import { AppError } from '../errors.ts';
import type { TargetModel } from './resolve-target.ts';
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
  close(): Promise<void>;
}

/** Opens the connection named by the system's `url_env`; timestamps are compared in UTC. */
export async function openTargetDatabase(
  model: TargetModel,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TargetDatabase> {
  const url = env[model.connection.url_env];
  if (!url) {
    throw new AppError(
      'unavailable',
      `system "${model.system.key}": environment variable ${model.connection.url_env} is not set (it holds the database URL)`,
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
    close: () => conn.end(),
  };
}
