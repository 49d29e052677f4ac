import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import {
  type Connector,
  chunk,
  type DeleteRequest,
  groupBySameAssignments,
  jsonText,
  type QueryObserver,
  type ReadRequest,
  type Row,
  type RowChange,
  type UpdateRequest,
} from './connector.ts';
import { storeError } from './store-error.ts';

export interface SqliteConnectorOptions {
  path: string;
  onQuery?: QueryObserver;
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
const jsonPath = (path: readonly string[]) =>
  `$${path.map((p) => `."${p.replaceAll('"', '\\"')}"`).join('')}`;

function toSqlite(value: unknown): SQLInputValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'bigint') return value;
  return JSON.stringify(value);
}

function keyPredicate(
  keyColumns: readonly string[],
  keys: readonly (readonly unknown[])[],
  params: SQLInputValue[],
) {
  const ors = keys.map((key) => {
    const ands = keyColumns.map((column, i) => {
      params.push(toSqlite(key[i]));
      return `${ident(column)} = ?`;
    });
    return ands.length === 1 ? ands[0]! : `(${ands.join(' AND ')})`;
  });
  return ors.join(' OR ');
}

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
  const all = (sql: string, params: SQLInputValue[]) => {
    options.onQuery?.(sql, params);
    return open()
      .prepare(sql)
      .all(...params) as Row[];
  };
  const run = (sql: string, params: SQLInputValue[] = []) => {
    options.onQuery?.(sql, params);
    return Number(
      open()
        .prepare(sql)
        .run(...params).changes,
    );
  };
  const transaction = (operation: string, table: string, body: () => number) => {
    try {
      run('BEGIN IMMEDIATE');
      try {
        const n = body();
        run('COMMIT');
        return n;
      } catch (err) {
        run('ROLLBACK');
        throw err;
      }
    } catch (err) {
      throw storeError(`SQLite ${table}`, operation, err);
    }
  };
  const assignmentSql = (change: RowChange, params: SQLInputValue[]) => {
    const byColumn = new Map<string, { expr: string; params: SQLInputValue[] }>();
    for (const a of change.assignments) {
      if (a.path.length === 0) {
        byColumn.set(a.column, { expr: '?', params: [toSqlite(a.value)] });
        continue;
      }
      const current = byColumn.get(a.column) ?? { expr: ident(a.column), params: [] };
      byColumn.set(a.column, {
        expr: `json_set(${current.expr}, ?, json(?))`,
        params: [...current.params, jsonPath(a.path), jsonText(a.value)],
      });
    }
    return [...byColumn]
      .map(([column, { expr, params: p }]) => {
        params.push(...p);
        return `${ident(column)} = ${expr}`;
      })
      .join(', ');
  };

  return {
    kind: 'sqlite',
    async ping() {
      try {
        all('SELECT 1', []);
      } catch (err) {
        throw storeError(`SQLite ${options.path}`, 'open', err);
      }
    },
    async describe(collections) {
      return collections.map((ref) => {
        const rows = all(`SELECT name FROM pragma_table_info(?)`, [ref.collection]);
        return { collection: ref, columns: rows.length ? rows.map((r) => String(r.name)) : null };
      });
    },
    async read(request: ReadRequest) {
      const filters = request.where.filter((f) => f.values.length > 0);
      if (filters.length === 0) return [];
      const rows: Row[] = [];
      const chunks = Math.max(...filters.map((f) => Math.ceil(f.values.length / 500)));
      try {
        for (let i = 0; i < chunks; i++) {
          const params: SQLInputValue[] = [];
          const ors: string[] = [];
          for (const f of filters) {
            const part = chunk(f.values, 500)[i];
            if (!part?.length) continue;
            params.push(...part.map(toSqlite));
            ors.push(`${ident(f.field)} IN (${part.map(() => '?').join(', ')})`);
          }
          rows.push(
            ...all(
              `SELECT ${request.columns.map(ident).join(', ')} FROM ${ident(request.collection.collection)} WHERE ${ors.join(' OR ')}`,
              params,
            ),
          );
        }
      } catch (err) {
        throw storeError(`SQLite ${request.collection.collection}`, 'read', err);
      }
      return rows;
    },
    async update(request: UpdateRequest) {
      if (request.changes.length === 0) return 0;
      return transaction('update', request.collection.collection, () => {
        let changed = 0;
        for (const group of groupBySameAssignments(request.changes)) {
          for (const part of chunk(group, 200)) {
            const params: SQLInputValue[] = [];
            const set = assignmentSql(part[0]!, params);
            const predicate = keyPredicate(
              request.keyColumns,
              part.map((c) => c.key),
              params,
            );
            changed += run(
              `UPDATE ${ident(request.collection.collection)} SET ${set} WHERE ${predicate}`,
              params,
            );
          }
        }
        return changed;
      });
    },
    async delete(request: DeleteRequest) {
      if (request.keys.length === 0) return 0;
      return transaction('delete', request.collection.collection, () => {
        let deleted = 0;
        for (const part of chunk(request.keys, 200)) {
          const params: SQLInputValue[] = [];
          const predicate = keyPredicate(request.keyColumns, part, params);
          deleted += run(`DELETE FROM ${ident(request.collection.collection)} WHERE ${predicate}`, params);
        }
        return deleted;
      });
    },
    async close() {
      db?.close();
      db = undefined;
    },
  };
}
