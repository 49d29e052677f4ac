import { createHash } from 'node:crypto';
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
  /** PostgreSQL connections in the pool (default: `DATABASE_POOL_SIZE`, else 10). */
  poolSize?: number;
}

// Timestamps come back as Date, bigint counters as numbers (they stay far below 2^53).
pg.types.setTypeParser(20, (v) => Number(v));

/**
 * Marks a query as a server-side prepared statement on PostgreSQL: start its SQL text with
 * this comment. Planning a hot query can cost more than running it; a prepared statement is
 * planned once per connection. Only for fixed SQL text (no variable-length IN lists), so
 * each connection keeps a small, bounded set. PGlite ignores the comment.
 */
export const PREPARED = '/* prepared */';

/** Pool size for PostgreSQL: `DATABASE_POOL_SIZE` (1–200), default 10. */
export function poolSizeFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.DATABASE_POOL_SIZE;
  if (raw === undefined || raw === '') return 10;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 200) {
    throw new Error(`DATABASE_POOL_SIZE must be a whole number from 1 to 200, got ${JSON.stringify(raw)}`);
  }
  return n;
}

type QueryFn = (...args: unknown[]) => unknown;

/** Routes `PREPARED` queries through named statements, named by a hash of their text. */
function prepareMarkedQueries(client: pg.PoolClient): void {
  const query = client.query.bind(client) as QueryFn;
  const names = new Map<string, string>();
  (client as unknown as { query: QueryFn }).query = (...args: unknown[]) => {
    const [text, values] = args;
    if (typeof text !== 'string' || !text.startsWith(PREPARED)) return query(...args);
    let name = names.get(text);
    if (!name) {
      name = `custodian_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
      names.set(text, name);
    }
    return query({ name, text, values });
  };
}

export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  let store: Store;
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? poolSizeFromEnv(),
    });
    pool.on('connect', prepareMarkedQueries);
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
