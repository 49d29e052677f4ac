import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';

/**
 * Real database servers for tests. Each test gets a database of its own, created here and
 * dropped by `drop()`. When a server does not answer, `available` is false with the reason,
 * and the test is skipped with that reason (the runner lists skipped suites at the end).
 */
export const POSTGRES_ADMIN_URL =
  process.env.CUSTODIAN_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const MARIADB_ADMIN_URL = process.env.CUSTODIAN_TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306/test';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

function freshName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

let pgProbe: Promise<string | undefined> | undefined;
let myProbe: Promise<string | undefined> | undefined;

/** Why PostgreSQL cannot be used for tests, or undefined when it can. */
export function postgresUnavailable(): Promise<string | undefined> {
  pgProbe ??= (async () => {
    const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return undefined;
    } catch (err) {
      return `PostgreSQL not reachable at ${POSTGRES_ADMIN_URL}: ${(err as Error).message}`;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return pgProbe;
}

/** Why MariaDB/MySQL cannot be used for tests, or undefined when it can. */
export function mariadbUnavailable(): Promise<string | undefined> {
  myProbe ??= (async () => {
    try {
      const conn = await mysql.createConnection({ uri: MARIADB_ADMIN_URL, connectTimeout: 2000 });
      await conn.query('SELECT 1');
      await conn.end();
      return undefined;
    } catch (err) {
      return `MariaDB not reachable at ${MARIADB_ADMIN_URL}: ${(err as Error).message}`;
    }
  })();
  return myProbe;
}

export async function createPostgresDatabase(prefix = 'custodian_test'): Promise<TestDatabase> {
  const name = freshName(prefix);
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function createMariaDatabase(prefix = 'custodian_test'): Promise<TestDatabase> {
  const name = freshName(prefix);
  const admin = await mysql.createConnection({ uri: MARIADB_ADMIN_URL });
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(MARIADB_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const c = await mysql.createConnection({ uri: MARIADB_ADMIN_URL });
      await c.query(`DROP DATABASE IF EXISTS ${name}`);
      await c.end();
    },
  };
}
