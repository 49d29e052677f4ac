import mysql, { type ResultSetHeader } from 'mysql2/promise';
import type { Connector, QueryObserver, Row, TableShape } from './connector.ts';
import { jsonPath, type SqlDialect, type SqlSession, safeUrl, sqlConnector } from './sql-connector.ts';

export interface MysqlConnectorOptions {
  url: string;
  poolSize?: number;
  onQuery?: QueryObserver;
}

/** MySQL and MariaDB: `?` placeholders, which mysql2 expands into value lists for arrays. */
export const mysqlDialect: SqlDialect = {
  kind: 'mysql',
  name: 'MySQL',
  opening: 'connect',
  begin: 'START TRANSACTION',
  ident: (name) => `\`${name.replaceAll('`', '``')}\``,
  namespaces: true,
  placeholder: () => '?',
  inList: (column, values, params) => `${column} IN (${params.add(values)})`,
  // An array of arrays becomes `(a, b), (c, d)`.
  tupleIn: (columns, keys, params) => `(${columns.join(', ')}) IN (${params.add(keys.map((k) => [...k]))})`,
  jsonColumn: (column) => column,
  jsonSet: (json, path, value, params) => {
    const isScalar = value === null || ['string', 'number', 'boolean'].includes(typeof value);
    const p = params.add(jsonPath(path));
    return isScalar
      ? `JSON_SET(${json}, ${p}, ${params.add(value)})`
      : `JSON_SET(${json}, ${p}, JSON_EXTRACT(${params.add(JSON.stringify(value))}, '$'))`;
  },
  async introspect(collections, session) {
    const rows = (await session.rows(
      `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, COLUMN_NAME AS c, DATABASE() AS d
           FROM information_schema.COLUMNS WHERE TABLE_NAME IN (?)`,
      [[...new Set(collections.map((c) => c.collection))]],
    )) as { s: string; t: string; c: string; d: string | null }[];
    return collections.map((ref): TableShape => {
      const columns = rows
        .filter((r) => r.t === ref.collection && r.s === (ref.schema ?? r.d))
        .map((r) => r.c);
      return { collection: ref, columns: columns.length ? columns : null };
    });
  },
  errors: {
    ER_ACCESS_DENIED_ERROR: 'unauthorized',
    ER_DBACCESS_DENIED_ERROR: 'forbidden',
    ER_TABLEACCESS_DENIED_ERROR: 'forbidden',
    ER_COLUMNACCESS_DENIED_ERROR: 'forbidden',
    ER_NO_SUCH_TABLE: 'not_found',
    ER_BAD_FIELD_ERROR: 'not_found',
    ER_BAD_DB_ERROR: 'not_found',
    ER_ROW_IS_REFERENCED_2: 'conflict',
    ER_NO_REFERENCED_ROW_2: 'conflict',
    ER_BAD_NULL_ERROR: 'conflict',
  },
  readBatch: 1000,
  writeBatch: 1000,
};

/** MySQL and MariaDB through `mysql2`; the dataset namespace `schema`/`database` selects the database. */
export function mysqlConnector(options: MysqlConnectorOptions): Connector {
  const pool = mysql.createPool({
    uri: options.url,
    connectionLimit: options.poolSize ?? 4,
    connectTimeout: 5000,
    dateStrings: false,
  });
  const session = (conn: mysql.Pool | mysql.PoolConnection): SqlSession => ({
    rows: async (sql, params) => (await conn.query(sql, params))[0] as Row[],
    run: async (sql, params) => ((await conn.query(sql, params))[0] as ResultSetHeader).affectedRows,
  });
  return sqlConnector(
    mysqlDialect,
    {
      where: safeUrl(options.url),
      ...session(pool),
      async connect() {
        const conn = await pool.getConnection();
        return { ...session(conn), release: () => conn.release() };
      },
      close: () => pool.end(),
    },
    options.onQuery,
  );
}
