import pg from 'pg';
import {
  type CollectionRef,
  type Connector,
  chunk,
  type DeleteRequest,
  groupBySameAssignments,
  jsonText,
  type QueryObserver,
  type ReadRequest,
  type Row,
  type RowChange,
  type TableShape,
  type UpdateRequest,
} from './connector.ts';
import { storeError } from './store-error.ts';

export interface PostgresConnectorOptions {
  url: string;
  /** Connections kept open; levels of the traversal read their collections in parallel. */
  poolSize?: number;
  onQuery?: QueryObserver;
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
const table = (ref: CollectionRef) =>
  ref.schema ? `${ident(ref.schema)}.${ident(ref.collection)}` : ident(ref.collection);

/** Builds `WHERE` text for rows whose key columns match one of `keys`, numbering params from `start`. */
function keyPredicate(
  keyColumns: readonly string[],
  keys: readonly (readonly unknown[])[],
  params: unknown[],
) {
  if (keyColumns.length === 1) {
    params.push(keys.map((k) => k[0]));
    return `${ident(keyColumns[0]!)} = ANY($${params.length})`;
  }
  const ors = keys.map((key) => {
    const ands = keyColumns.map((column, i) => {
      params.push(key[i]);
      return `${ident(column)} = $${params.length}`;
    });
    return `(${ands.join(' AND ')})`;
  });
  return ors.join(' OR ');
}

/** PostgreSQL through `pg`; the dataset namespace `schema` selects the schema. */
export function postgresConnector(options: PostgresConnectorOptions): Connector {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 4,
    connectionTimeoutMillis: 5000,
  });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  const where = safeUrl(options.url);
  const query = async (client: pg.Pool | pg.PoolClient, text: string, params: unknown[] = []) => {
    options.onQuery?.(text, params);
    return client.query(text, params);
  };

  const assignmentSql = (change: RowChange, params: unknown[]) => {
    const byColumn = new Map<string, string>();
    for (const a of change.assignments) {
      if (a.path.length === 0) {
        params.push(a.value);
        byColumn.set(a.column, `$${params.length}`);
      } else {
        const current = byColumn.get(a.column) ?? `${ident(a.column)}::jsonb`;
        params.push(`{${a.path.map((p) => `"${p.replaceAll('"', '\\"')}"`).join(',')}}`);
        const pathParam = params.length;
        params.push(jsonText(a.value));
        byColumn.set(a.column, `jsonb_set(${current}, $${pathParam}::text[], $${params.length}::jsonb)`);
      }
    }
    return [...byColumn].map(([column, expr]) => `${ident(column)} = ${expr}`).join(', ');
  };

  return {
    kind: 'postgres',
    async ping() {
      try {
        await query(pool, 'SELECT 1');
      } catch (err) {
        throw storeError(`PostgreSQL ${where}`, 'connect', err);
      }
    },
    async describe(collections) {
      const out: TableShape[] = [];
      try {
        const { rows } = await query(
          pool,
          `SELECT table_schema, table_name, column_name FROM information_schema.columns
           WHERE table_schema = ANY($1) AND table_name = ANY($2)`,
          [
            [...new Set(collections.map((c) => c.schema ?? 'public'))],
            [...new Set(collections.map((c) => c.collection))],
          ],
        );
        for (const ref of collections) {
          const schema = ref.schema ?? 'public';
          const columns = rows
            .filter((r) => r.table_schema === schema && r.table_name === ref.collection)
            .map((r) => String(r.column_name));
          out.push({ collection: ref, columns: columns.length ? columns : null });
        }
      } catch (err) {
        throw storeError(`PostgreSQL ${where}`, 'describe', err);
      }
      return out;
    },
    async read(request: ReadRequest) {
      const filters = request.where.filter((f) => f.values.length > 0);
      if (filters.length === 0) return [];
      const rows: Row[] = [];
      // Each filter's values are split the same way; one statement per chunk ORs all filters.
      const chunks = Math.max(...filters.map((f) => Math.ceil(f.values.length / 1000)));
      try {
        for (let i = 0; i < chunks; i++) {
          const params: unknown[] = [];
          const ors: string[] = [];
          for (const f of filters) {
            const part = chunk(f.values)[i];
            if (!part?.length) continue;
            params.push(part);
            ors.push(`${ident(f.field)} = ANY($${params.length})`);
          }
          const sql = `SELECT ${request.columns.map(ident).join(', ')} FROM ${table(request.collection)} WHERE ${ors.join(' OR ')}`;
          const result = await query(pool, sql, params);
          rows.push(...(result.rows as Row[]));
        }
      } catch (err) {
        throw storeError(`PostgreSQL ${request.collection.collection}`, 'read', err);
      }
      return rows;
    },
    async update(request: UpdateRequest) {
      if (request.changes.length === 0) return 0;
      const client = await pool.connect().catch((err) => {
        throw storeError(`PostgreSQL ${where}`, 'connect', err);
      });
      let changed = 0;
      try {
        await query(client, 'BEGIN');
        for (const group of groupBySameAssignments(request.changes)) {
          for (const part of chunk(group)) {
            const params: unknown[] = [];
            const set = assignmentSql(part[0]!, params);
            const predicate = keyPredicate(
              request.keyColumns,
              part.map((c) => c.key),
              params,
            );
            const result = await query(
              client,
              `UPDATE ${table(request.collection)} SET ${set} WHERE ${predicate}`,
              params,
            );
            changed += result.rowCount ?? 0;
          }
        }
        await query(client, 'COMMIT');
        return changed;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw storeError(`PostgreSQL ${request.collection.collection}`, 'update', err);
      } finally {
        client.release();
      }
    },
    async delete(request: DeleteRequest) {
      if (request.keys.length === 0) return 0;
      const client = await pool.connect().catch((err) => {
        throw storeError(`PostgreSQL ${where}`, 'connect', err);
      });
      let deleted = 0;
      try {
        await query(client, 'BEGIN');
        for (const part of chunk(request.keys)) {
          const params: unknown[] = [];
          const predicate = keyPredicate(request.keyColumns, part, params);
          const result = await query(
            client,
            `DELETE FROM ${table(request.collection)} WHERE ${predicate}`,
            params,
          );
          deleted += result.rowCount ?? 0;
        }
        await query(client, 'COMMIT');
        return deleted;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw storeError(`PostgreSQL ${request.collection.collection}`, 'delete', err);
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}

/** The URL without its password, for messages. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}
