import pg from 'pg';
import { type Connector, jsonText, type QueryObserver, type Row, type TableShape } from './connector.ts';
import { quoteIdent, type SqlDialect, type SqlSession, safeUrl, sqlConnector } from './sql-connector.ts';

// Retention names the databases it sweeps with it.
export { safeUrl };

export interface PostgresConnectorOptions {
  url: string;
  /** Connections kept open; levels of the traversal read their collections in parallel. */
  poolSize?: number;
  onQuery?: QueryObserver;
}

/** PostgreSQL: `$n` placeholders, arrays as one parameter, JSON members set with jsonb_set. */
export const postgresDialect: SqlDialect = {
  kind: 'postgres',
  name: 'PostgreSQL',
  opening: 'connect',
  begin: 'BEGIN',
  ident: quoteIdent,
  namespaces: true,
  placeholder: (index) => `$${index}`,
  inList: (column, values, params) => `${column} = ANY(${params.add(values)})`,
  jsonColumn: (column) => `${column}::jsonb`,
  jsonSet: (json, path, value, params) => {
    const pathArray = `{${path.map((p) => `"${p.replaceAll('"', '\\"')}"`).join(',')}}`;
    return `jsonb_set(${json}, ${params.add(pathArray)}::text[], ${params.add(jsonText(value))}::jsonb)`;
  },
  async introspect(collections, session) {
    const rows = await session.rows(
      `SELECT table_schema, table_name, column_name FROM information_schema.columns
           WHERE table_schema = ANY($1) AND table_name = ANY($2)`,
      [
        [...new Set(collections.map((c) => c.schema ?? 'public'))],
        [...new Set(collections.map((c) => c.collection))],
      ],
    );
    return collections.map((ref): TableShape => {
      const schema = ref.schema ?? 'public';
      const columns = rows
        .filter((r) => r.table_schema === schema && r.table_name === ref.collection)
        .map((r) => String(r.column_name));
      return { collection: ref, columns: columns.length ? columns : null };
    });
  },
  // SQLSTATE codes.
  errors: {
    '28P01': 'unauthorized',
    '28000': 'unauthorized',
    '42501': 'forbidden',
    '42P01': 'not_found',
    '42703': 'not_found',
    '3F000': 'not_found',
    '3D000': 'not_found',
    '23503': 'conflict',
    '23502': 'conflict',
    '23505': 'conflict',
  },
  readBatch: 1000,
  writeBatch: 1000,
};

/** PostgreSQL through `pg`; the dataset namespace `schema` selects the schema. */
export function postgresConnector(options: PostgresConnectorOptions): Connector {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 4,
    connectionTimeoutMillis: 5000,
  });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  const session = (client: pg.Pool | pg.PoolClient): SqlSession => ({
    rows: async (sql, params) => (await client.query(sql, params)).rows as Row[],
    run: async (sql, params) => (await client.query(sql, params)).rowCount ?? 0,
  });
  return sqlConnector(
    postgresDialect,
    {
      where: safeUrl(options.url),
      ...session(pool),
      async connect() {
        const client = await pool.connect();
        return { ...session(client), release: () => client.release() };
      },
      close: () => pool.end(),
    },
    options.onQuery,
  );
}
