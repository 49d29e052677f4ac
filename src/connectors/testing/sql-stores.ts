import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import mysql from 'mysql2/promise';
import pg from 'pg';
import {
  createMariaDatabase,
  createPostgresDatabase,
  mariadbUnavailable,
  postgresUnavailable,
} from '../../testing/databases.ts';
import type { Connector, QueryObserver, Row } from '../connector.ts';
import { mysqlConnector } from '../mysql-connector.ts';
import { postgresConnector } from '../postgres-connector.ts';
import { sqliteConnector } from '../sqlite-connector.ts';

/** One real store (a database of its own) with its connectors, for tests of every SQL dialect. */
export interface Store {
  connector(onQuery: QueryObserver): Connector;
  exec(sql: string): Promise<void>;
  select(sql: string): Promise<Row[]>;
  close(): Promise<void>;
}

/** A store whose connectors are closed with it, before `cleanup` ends the rest. */
function store(
  open: (onQuery: QueryObserver) => Connector,
  sql: Pick<Store, 'exec' | 'select'>,
  cleanup: () => Promise<void>,
): Store {
  const opened: Connector[] = [];
  return {
    ...sql,
    connector(onQuery) {
      const c = open(onQuery);
      opened.push(c);
      return c;
    },
    async close() {
      await Promise.all(opened.map((c) => c.close()));
      await cleanup();
    },
  };
}

/** PostgreSQL, MariaDB and SQLite; `skip` says why a server cannot be used here. */
export const stores: {
  name: string;
  skip: Promise<string | undefined>;
  open(prefix?: string): Promise<Store>;
}[] = [
  {
    name: 'PostgreSQL',
    skip: postgresUnavailable(),
    async open(prefix = 'sqlconn') {
      const db = await createPostgresDatabase(prefix);
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      return store(
        (onQuery) => postgresConnector({ url: db.url, onQuery }),
        {
          exec: async (sql) => void (await client.query(sql)),
          select: async (sql) => (await client.query(sql)).rows,
        },
        async () => {
          await client.end();
          await db.drop();
        },
      );
    },
  },
  {
    name: 'MariaDB',
    skip: mariadbUnavailable(),
    async open(prefix = 'sqlconn') {
      const db = await createMariaDatabase(prefix);
      const conn = await mysql.createConnection({ uri: db.url });
      return store(
        (onQuery) => mysqlConnector({ url: db.url, onQuery }),
        {
          exec: async (sql) => void (await conn.query(sql)),
          select: async (sql) => (await conn.query(sql))[0] as Row[],
        },
        async () => {
          await conn.end();
          await db.drop();
        },
      );
    },
  },
  {
    name: 'SQLite',
    skip: Promise.resolve(undefined),
    async open(prefix = 'sqlconn') {
      const file = path.join(await mkdtemp(path.join(tmpdir(), `custodian-${prefix}-`)), 'app.db');
      const db = new DatabaseSync(file);
      db.exec('PRAGMA journal_mode = WAL'); // commits without a sync each: 600 of them below
      return store(
        (onQuery) => sqliteConnector({ path: file, onQuery }),
        {
          exec: async (sql) => db.exec(sql),
          select: async (sql) =>
            db
              .prepare(sql)
              .all()
              .map((r) => ({ ...r })),
        },
        async () => db.close(),
      );
    },
  },
];
