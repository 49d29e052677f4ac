import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import { type Connector, jsonText, type QueryObserver, type Row } from './connector.ts';
import { jsonPath, quoteIdent, type SqlDialect, type SqlSession, sqlConnector } from './sql-connector.ts';
import { storeError } from './store-error.ts';

export interface SqliteConnectorOptions {
  path: string;
  onQuery?: QueryObserver;
}

function toSqlite(value: unknown): SQLInputValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'bigint') return value;
  return JSON.stringify(value);
}

/** SQLite: one `?` per value (smaller batches: statements have a parameter limit); no namespaces. */
export const sqliteDialect: SqlDialect = {
  kind: 'sqlite',
  name: 'SQLite',
  opening: 'open',
  begin: 'BEGIN IMMEDIATE',
  ident: quoteIdent,
  namespaces: false,
  placeholder: () => '?',
  toParam: toSqlite,
  inList: (column, values, params) => `${column} IN (${values.map((v) => params.add(v)).join(', ')})`,
  jsonColumn: (column) => column,
  jsonSet: (json, path, value, params) =>
    `json_set(${json}, ${params.add(jsonPath(path))}, json(${params.add(jsonText(value))}))`,
  async introspect(collections, session) {
    const out = [];
    for (const ref of collections) {
      const rows = await session.rows('SELECT name FROM pragma_table_info(?)', [ref.collection]);
      out.push({ collection: ref, columns: rows.length ? rows.map((r) => String(r.name)) : null });
    }
    return out;
  },
  errors: {},
  readBatch: 500,
  writeBatch: 200,
};

/** SQLite through `node:sqlite` (a file path; the namespace is ignored). */
export function sqliteConnector(options: SqliteConnectorOptions): Connector {
  let db: DatabaseSync | undefined;
  const open = () => {
    try {
      db ??= new DatabaseSync(options.path, { open: true });
      return db;
    } catch (err) {
      throw storeError(`SQLite ${options.path}`, 'open', err);
    }
  };
  const session: SqlSession = {
    rows: async (sql, params) =>
      open()
        .prepare(sql)
        .all(...(params as SQLInputValue[])) as Row[],
    run: async (sql, params) =>
      Number(
        open()
          .prepare(sql)
          .run(...(params as SQLInputValue[])).changes,
      ),
  };
  // One connection: a transaction waits for the one before it to end.
  let previous = Promise.resolve();
  return sqlConnector(
    sqliteDialect,
    {
      where: options.path,
      ...session,
      async connect() {
        open();
        const before = previous;
        let release = () => {};
        previous = new Promise((resolve) => {
          release = resolve;
        });
        await before;
        return { ...session, release };
      },
      async close() {
        db?.close();
        db = undefined;
      },
    },
    options.onQuery,
  );
}
