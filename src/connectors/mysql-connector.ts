import mysql from 'mysql2/promise';
import {
  type CollectionRef,
  type Connector,
  chunk,
  type DeleteRequest,
  groupBySameAssignments,
  type QueryObserver,
  type ReadRequest,
  type Row,
  type RowChange,
  type TableShape,
  type UpdateRequest,
} from './connector.ts';
import { safeUrl } from './postgres-connector.ts';
import { storeError } from './store-error.ts';

export interface MysqlConnectorOptions {
  url: string;
  poolSize?: number;
  onQuery?: QueryObserver;
}

const ident = (name: string) => `\`${name.replaceAll('`', '``')}\``;
const table = (ref: CollectionRef) =>
  ref.schema ? `${ident(ref.schema)}.${ident(ref.collection)}` : ident(ref.collection);
const jsonPath = (path: readonly string[]) =>
  `$${path.map((p) => `."${p.replaceAll('"', '\\"')}"`).join('')}`;

function keyPredicate(
  keyColumns: readonly string[],
  keys: readonly (readonly unknown[])[],
  params: unknown[],
) {
  if (keyColumns.length === 1) {
    params.push(keys.map((k) => k[0]));
    return `${ident(keyColumns[0]!)} IN (?)`;
  }
  // mysql2 expands an array of arrays into `(a, b), (c, d)`.
  params.push(keys.map((k) => [...k]));
  return `(${keyColumns.map(ident).join(', ')}) IN (?)`;
}

function assignmentSql(change: RowChange, params: unknown[]) {
  const byColumn = new Map<string, { expr: string; params: unknown[] }>();
  for (const a of change.assignments) {
    if (a.path.length === 0) {
      byColumn.set(a.column, { expr: '?', params: [a.value] });
      continue;
    }
    const current = byColumn.get(a.column) ?? { expr: ident(a.column), params: [] };
    const isScalar = a.value === null || ['string', 'number', 'boolean'].includes(typeof a.value);
    byColumn.set(a.column, {
      expr: `JSON_SET(${current.expr}, ?, ${isScalar ? '?' : "JSON_EXTRACT(?, '$')"})`,
      params: [...current.params, jsonPath(a.path), isScalar ? a.value : JSON.stringify(a.value)],
    });
  }
  return [...byColumn]
    .map(([column, { expr, params: p }]) => {
      params.push(...p);
      return `${ident(column)} = ${expr}`;
    })
    .join(', ');
}

/** MySQL and MariaDB through `mysql2`; the dataset namespace `schema`/`database` selects the database. */
export function mysqlConnector(options: MysqlConnectorOptions): Connector {
  const pool = mysql.createPool({
    uri: options.url,
    connectionLimit: options.poolSize ?? 4,
    connectTimeout: 5000,
    dateStrings: false,
  });
  const where = safeUrl(options.url);
  const query = async (conn: mysql.Pool | mysql.PoolConnection, sql: string, params: unknown[] = []) => {
    options.onQuery?.(sql, params);
    const [result] = await conn.query(sql, params);
    return result;
  };

  return {
    kind: 'mysql',
    async ping() {
      try {
        await query(pool, 'SELECT 1');
      } catch (err) {
        throw storeError(`MySQL ${where}`, 'connect', err);
      }
    },
    async describe(collections) {
      try {
        const rows = (await query(
          pool,
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
      } catch (err) {
        throw storeError(`MySQL ${where}`, 'describe', err);
      }
    },
    async read(request: ReadRequest) {
      const filters = request.where.filter((f) => f.values.length > 0);
      if (filters.length === 0) return [];
      const rows: Row[] = [];
      const chunks = Math.max(...filters.map((f) => Math.ceil(f.values.length / 1000)));
      try {
        for (let i = 0; i < chunks; i++) {
          const params: unknown[] = [];
          const ors: string[] = [];
          for (const f of filters) {
            const part = chunk(f.values)[i];
            if (!part?.length) continue;
            params.push(part);
            ors.push(`${ident(f.field)} IN (?)`);
          }
          const sql = `SELECT ${request.columns.map(ident).join(', ')} FROM ${table(request.collection)} WHERE ${ors.join(' OR ')}`;
          rows.push(...((await query(pool, sql, params)) as Row[]));
        }
      } catch (err) {
        throw storeError(`MySQL ${request.collection.collection}`, 'read', err);
      }
      return rows;
    },
    async update(request: UpdateRequest) {
      if (request.changes.length === 0) return 0;
      const conn = await pool.getConnection().catch((err) => {
        throw storeError(`MySQL ${where}`, 'connect', err);
      });
      let changed = 0;
      try {
        await query(conn, 'START TRANSACTION');
        for (const group of groupBySameAssignments(request.changes)) {
          for (const part of chunk(group)) {
            const params: unknown[] = [];
            const set = assignmentSql(part[0]!, params);
            const predicate = keyPredicate(
              request.keyColumns,
              part.map((c) => c.key),
              params,
            );
            const result = (await query(
              conn,
              `UPDATE ${table(request.collection)} SET ${set} WHERE ${predicate}`,
              params,
            )) as { affectedRows: number };
            changed += result.affectedRows;
          }
        }
        await query(conn, 'COMMIT');
        return changed;
      } catch (err) {
        await conn.query('ROLLBACK').catch(() => undefined);
        throw storeError(`MySQL ${request.collection.collection}`, 'update', err);
      } finally {
        conn.release();
      }
    },
    async delete(request: DeleteRequest) {
      if (request.keys.length === 0) return 0;
      const conn = await pool.getConnection().catch((err) => {
        throw storeError(`MySQL ${where}`, 'connect', err);
      });
      let deleted = 0;
      try {
        await query(conn, 'START TRANSACTION');
        for (const part of chunk(request.keys)) {
          const params: unknown[] = [];
          const predicate = keyPredicate(request.keyColumns, part, params);
          const result = (await query(
            conn,
            `DELETE FROM ${table(request.collection)} WHERE ${predicate}`,
            params,
          )) as { affectedRows: number };
          deleted += result.affectedRows;
        }
        await query(conn, 'COMMIT');
        return deleted;
      } catch (err) {
        await conn.query('ROLLBACK').catch(() => undefined);
        throw storeError(`MySQL ${request.collection.collection}`, 'delete', err);
      } finally {
        conn.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}
