import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import { migrate } from './migrate.ts';
import type { Database } from './schema.ts';

export interface Store {
  db: Kysely<Database>;
  kind: 'pglite' | 'postgres';
  /** The embedded engine, when running on PGlite (pg-boss needs it). */
  pglite?: PGlite;
  /** The server connection string, when running on PostgreSQL. */
  url?: string;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** `postgres://…` for a server; otherwise PGlite. */
  databaseUrl?: string | undefined;
  /** PGlite folder; `memory://` (or undefined with memory: true) for a throwaway store. */
  dataDir?: string | undefined;
  memory?: boolean;
  /** Apply pending migrations (default true). */
  migrate?: boolean;
}

// Timestamps come back as Date, bigint counters as numbers (they stay far below 2^53).
pg.types.setTypeParser(20, (v) => Number(v));

export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  let store: Store;
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    store = { db, kind: 'postgres', url: options.databaseUrl, close: () => db.destroy() };
    if (options.migrate !== false) {
      const client = new pg.Client({ connectionString: options.databaseUrl });
      await client.connect();
      try {
        await migrate({
          exec: (s) => client.query(s),
          query: async <R>(t: string, p?: unknown[]) => ({ rows: (await client.query(t, p)).rows as R[] }),
        });
      } finally {
        await client.end();
      }
    }
  } else {
    const dir = options.memory ? undefined : (options.dataDir ?? './.custodian/db');
    if (dir) await mkdir(dir, { recursive: true });
    const pglite = new PGlite(dir, { parsers: { 20: (v: string) => Number(v) } });
    await pglite.waitReady;
    const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
    if (options.migrate !== false) await migrate(pglite);
    store = {
      db,
      kind: 'pglite',
      pglite,
      close: async () => {
        await db.destroy();
        if (!pglite.closed) await pglite.close();
      },
    };
  }
  return store;
}
