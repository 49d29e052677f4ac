import { AppError, type ErrorCode } from '../errors.ts';
import {
  type Assignment,
  type CollectionRef,
  type Connector,
  chunk,
  type DeleteRequest,
  type FieldFilter,
  type MatchedAssignment,
  type QueryObserver,
  type ReadRequest,
  type Row,
  type RowChange,
  type RowMatch,
  type TableShape,
  type UpdateRequest,
} from './connector.ts';
import { storeError } from './store-error.ts';

/**
 * What the PostgreSQL, MySQL/MariaDB and SQLite connectors share: batched OR-ed reads of the
 * declared columns only, updates and deletes by primary key (or, for a collection without one,
 * by the condition its rows were read with) in one transaction per request,
 * driver errors turned into AppErrors naming the store. A dialect says what differs.
 */
export interface SqlDialect {
  kind: 'postgres' | 'mysql' | 'sqlite';
  /** The product, as messages name it ("PostgreSQL customers: read failed: …"). */
  name: string;
  /** What reaching the store is called in messages: `connect`, or `open` for a file. */
  opening: string;
  /** The statement that starts a write transaction. */
  begin: string;
  /** Quotes one identifier. */
  ident(name: string): string;
  /** Whether a dataset's namespace qualifies its tables (a schema or a database). */
  namespaces: boolean;
  /** The placeholder for the `index`-th parameter (1-based). */
  placeholder(index: number): string;
  /** The value as the driver takes it, where it differs from the JavaScript value. */
  toParam?(value: unknown): unknown;
  /** `column` (quoted) is one of `values`. */
  inList(column: string, values: readonly unknown[], params: Params): string;
  /** The quoted `columns` equal one of `keys`; without it, an OR of ANDs. */
  tupleIn?(columns: readonly string[], keys: readonly (readonly unknown[])[], params: Params): string;
  /** A column (quoted) as the JSON value its members are set in. */
  jsonColumn(column: string): string;
  /** `json` with the member at `path` set to `value`. */
  jsonSet(json: string, path: readonly string[], value: unknown, params: Params): string;
  /** The columns each collection has, from the store's catalogue (null when the table is missing). */
  introspect(collections: readonly CollectionRef[], session: SqlSession): Promise<TableShape[]>;
  /** Driver error codes → what the person running the request can do about them. */
  errors: Record<string, ErrorCode>;
  /** Values in one read statement, rows in one write statement. */
  readBatch: number;
  writeBatch: number;
}

/** A connection, or the pool, as the core sends statements to it. */
export interface SqlSession {
  rows(sql: string, params: unknown[]): Promise<Row[]>;
  /** Runs a statement; returns the rows it changed. */
  run(sql: string, params: unknown[]): Promise<number>;
}

export interface SqlDriver extends SqlSession {
  /** The store, for messages: its URL without the password, or its file. */
  where: string;
  /** A connection of its own for one transaction, given back by `release`. */
  connect(): Promise<SqlSession & { release(): void }>;
  close(): Promise<void>;
}

/** A statement's parameters. `add` returns the placeholder: call it in the order of the text. */
export class Params {
  readonly values: unknown[] = [];
  readonly #dialect: SqlDialect;

  constructor(dialect: SqlDialect) {
    this.#dialect = dialect;
  }

  add(value: unknown): string {
    this.values.push(this.#dialect.toParam ? this.#dialect.toParam(value) : value);
    return this.#dialect.placeholder(this.values.length);
  }
}

interface Statement {
  sql: string;
  params: unknown[];
  /**
   * Statements of one part of a condition may change the same rows (one per masked field);
   * the rows changed are counted once per part, as the most any of its statements changed.
   */
  part?: number;
}

/**
 * Rows in one statement when each row gets values of its own. Every row is matched against
 * the statement's list of keys, so the work grows with the square of this number.
 */
const PER_ROW_BATCH = 250;
/** Parameters in one statement, below PostgreSQL's 65,535 and SQLite's 32,766. */
const MAX_PARAMS = 30_000;

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

/** Double-quoted identifier (PostgreSQL, SQLite). */
export const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** JSON path text for a member (`$."profile"."phone"`), as MySQL and SQLite take it. */
export const jsonPath = (path: readonly string[]) =>
  `$${path.map((p) => `."${p.replaceAll('"', '\\"')}"`).join('')}`;

function tableName(dialect: SqlDialect, ref: CollectionRef): string {
  return dialect.namespaces && ref.schema
    ? `${dialect.ident(ref.schema)}.${dialect.ident(ref.collection)}`
    : dialect.ident(ref.collection);
}

/** Rows whose key columns match one of `keys`. */
function keyPredicate(
  dialect: SqlDialect,
  keyColumns: readonly string[],
  keys: readonly (readonly unknown[])[],
  params: Params,
): string {
  if (keyColumns.length === 1) {
    return dialect.inList(
      dialect.ident(keyColumns[0]!),
      keys.map((k) => k[0]),
      params,
    );
  }
  if (dialect.tupleIn) return dialect.tupleIn(keyColumns.map(dialect.ident), keys, params);
  return keys.map((key) => `(${keyMatch(dialect, keyColumns, key, params)})`).join(' OR ');
}

function keyMatch(
  dialect: SqlDialect,
  keyColumns: readonly string[],
  key: readonly unknown[],
  params: Params,
) {
  return keyColumns.map((column, i) => `${dialect.ident(column)} = ${params.add(key[i])}`).join(' AND ');
}

/** Assignments by column, columns in the order they first appear. */
function byColumn(assignments: readonly Assignment[]): Map<string, Assignment[]> {
  const out = new Map<string, Assignment[]>();
  for (const a of assignments) out.set(a.column, [...(out.get(a.column) ?? []), a]);
  return out;
}

/** The new value of one column: a whole value, then members set inside the JSON one by one. */
function columnValue(
  dialect: SqlDialect,
  column: string,
  assignments: readonly Assignment[],
  params: Params,
) {
  const whole = assignments.findLastIndex((a) => a.path.length === 0);
  let expr = whole >= 0 ? params.add(assignments[whole]!.value) : dialect.jsonColumn(dialect.ident(column));
  for (const a of assignments.slice(whole + 1)) expr = dialect.jsonSet(expr, a.path, a.value, params);
  return expr;
}

/**
 * The statements that apply `changes`. Rows that get the same values share a statement per
 * `writeBatch` rows. Rows that change the same columns but get values of their own (a hash,
 * a random string) share one statement per `PER_ROW_BATCH` rows: each column is set to
 * `CASE WHEN <key> THEN <its value> … ELSE <column> END` (on PostgreSQL the ELSE also gives
 * the parameters the column's type, as `SET column = $1` would).
 */
function updateStatements(dialect: SqlDialect, request: UpdateRequest): Statement[] {
  const table = tableName(dialect, request.collection);
  const statements: Statement[] = [];
  /** One UPDATE of the rows of `part`, each column set to what `value` writes for it. */
  const update = (
    part: readonly RowChange[],
    columns: Map<string, Assignment[]>,
    value: (column: string, assignments: Assignment[], params: Params) => string,
  ) => {
    const params = new Params(dialect);
    const set = [...columns]
      .map(([column, list]) => `${dialect.ident(column)} = ${value(column, list, params)}`)
      .join(', ');
    const where = keyPredicate(
      dialect,
      request.keyColumns,
      part.map((c) => c.key),
      params,
    );
    statements.push({ sql: `UPDATE ${table} SET ${set} WHERE ${where}`, params: params.values });
  };
  const sameForAll = (column: string, list: Assignment[], params: Params) =>
    columnValue(dialect, column, list, params);

  // Changes that set the same columns and JSON members, then those among them with the same values.
  const shapes = groupBy(request.changes, (c) =>
    JSON.stringify(c.assignments.map((a) => [a.column, a.path])),
  );
  for (const shape of shapes) {
    const sameValues = groupBy(shape, (c) => JSON.stringify(c.assignments));
    const columns = byColumn(shape[0]!.assignments);
    // A column given a whole value and members too keeps the one-statement-per-value form.
    const perRow =
      sameValues.length > 1 &&
      [...columns.values()].every((list) => list.length === 1 || list.every((a) => a.path.length > 0));
    if (!perRow) {
      for (const group of sameValues) {
        for (const part of chunk(group, dialect.writeBatch)) {
          update(part, byColumn(part[0]!.assignments), sameForAll);
        }
      }
      continue;
    }
    const paramsPerRow =
      request.keyColumns.length * (columns.size + 1) +
      shape[0]!.assignments.reduce((n, a) => n + (a.path.length ? 2 : 1), 0);
    const rows = Math.max(
      1,
      Math.min(dialect.writeBatch, PER_ROW_BATCH, Math.floor(MAX_PARAMS / paramsPerRow)),
    );
    for (const part of chunk(shape, rows)) {
      update(part, columns, (column, list, params) => {
        const whens = part.map((change) => {
          const when = keyMatch(dialect, request.keyColumns, change.key, params);
          const mine = change.assignments.filter((a) => a.column === column);
          return `WHEN ${when} THEN ${columnValue(dialect, column, mine, params)}`;
        });
        const quoted = dialect.ident(column);
        const unchanged = list[0]!.path.length ? dialect.jsonColumn(quoted) : quoted;
        return `CASE ${whens.join(' ')} ELSE ${unchanged} END`;
      });
    }
  }
  return statements;
}

/** Items in groups of the same `keyOf`, groups in the order they first appear. */
function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return [...groups.values()];
}

function deleteStatements(dialect: SqlDialect, request: DeleteRequest): Statement[] {
  return chunk(request.keys, dialect.writeBatch).map((part) => {
    const params = new Params(dialect);
    const where = keyPredicate(dialect, request.keyColumns, part, params);
    return {
      sql: `DELETE FROM ${tableName(dialect, request.collection)} WHERE ${where}`,
      params: params.values,
    };
  });
}

/**
 * A condition split like reads: one part per `readBatch` values of each filter; the filters
 * of a part are OR-ed. Every row the whole condition matches is matched by some part.
 */
function conditionParts(dialect: SqlDialect, where: readonly FieldFilter[]): FieldFilter[][] {
  const filters = where.filter((f) => f.values.length > 0);
  if (filters.length === 0) return [];
  const size = dialect.readBatch;
  const count = Math.max(...filters.map((f) => Math.ceil(f.values.length / size)));
  return Array.from({ length: count }, (_, i) =>
    filters
      .filter((f) => f.values.length > i * size)
      .map((f) => ({ field: f.field, values: f.values.slice(i * size, (i + 1) * size) })),
  );
}

function conditionSql(dialect: SqlDialect, part: readonly FieldFilter[], params: Params): string {
  return part.map((f) => dialect.inList(dialect.ident(f.field), f.values, params)).join(' OR ');
}

/** One statement per part of the condition; only the declared columns are selected. */
function readStatements(dialect: SqlDialect, request: ReadRequest): Statement[] {
  const columns = request.columns.map(dialect.ident).join(', ');
  return conditionParts(dialect, request.where).map((part) => {
    const params = new Params(dialect);
    const where = conditionSql(dialect, part, params);
    return {
      sql: `SELECT ${columns} FROM ${tableName(dialect, request.collection)} WHERE ${where}`,
      params: params.values,
    };
  });
}

/** `CASE column WHEN old THEN new … ELSE column END`: a value per old value, others kept. */
function caseByValue(
  dialect: SqlDialect,
  column: string,
  pairs: readonly (readonly [unknown, unknown])[],
  params: Params,
): string {
  const quoted = dialect.ident(column);
  const whens = pairs.map(([from, to]) => `WHEN ${params.add(from)} THEN ${params.add(to)}`);
  return `CASE ${quoted} ${whens.join(' ')} ELSE ${quoted} END`;
}

/**
 * The statements that mask every row `match` finds in a collection without a primary key.
 * The condition is the one the rows were read with, so a field it names must keep its value
 * until every other field is set: those fields change last, all in one statement (a column
 * set from its old value, the WHERE judged on old values). Fields given one value for every
 * row share a statement; a value per old value (hash) is a `CASE` over `PER_ROW_BATCH` old
 * values a statement, restricted to the rows holding one of them. Run again after it
 * committed, it changes nothing more: the condition or the old values no longer match, and
 * fixed values are set to what they already are.
 */
function matchedUpdateStatements(dialect: SqlDialect, request: UpdateRequest, match: RowMatch): Statement[] {
  const table = tableName(dialect, request.collection);
  const reach = new Set(match.where.map((f) => f.field));
  const assignments = match.assignments ?? [];
  for (const a of assignments) {
    if (a.byValue && a.path.length) {
      throw new AppError(
        'validation_failed',
        `${request.collection.collection}.${[a.column, ...a.path].join('.')}: a value per old value cannot be set inside a JSON column of a collection without a primary key`,
      );
    }
  }
  const early = assignments.filter((a) => !reach.has(a.column));
  const late = assignments.filter((a) => reach.has(a.column));
  const set = (list: readonly MatchedAssignment[], params: Params) =>
    [...byColumn(list.map((a) => ({ column: a.column, path: a.path, value: a.value })))]
      .map(([column, same]) => {
        const perValue = list.find((a) => a.column === column && a.byValue);
        const value = perValue
          ? caseByValue(dialect, column, perValue.byValue!, params)
          : columnValue(dialect, column, same, params);
        return `${dialect.ident(column)} = ${value}`;
      })
      .join(', ');
  const statements: Statement[] = [];
  for (const [index, part] of conditionParts(dialect, match.where).entries()) {
    const update = (assign: (params: Params) => string, also?: (params: Params) => string) => {
      const params = new Params(dialect);
      const text = assign(params);
      const where = `(${conditionSql(dialect, part, params)})${also ? ` AND ${also(params)}` : ''}`;
      if (params.values.length > MAX_PARAMS) {
        throw new AppError(
          'validation_failed',
          `${request.collection.collection}: too many distinct values to mask in one statement (${params.values.length} parameters); declare the table's primary key with fides_meta.primary_key`,
        );
      }
      statements.push({
        sql: `UPDATE ${table} SET ${text} WHERE ${where}`,
        params: params.values,
        part: index,
      });
    };
    const same = early.filter((a) => !a.byValue);
    if (same.length) update((params) => set(same, params));
    for (const a of early.filter((x) => x.byValue)) {
      for (const pairs of chunk(a.byValue!, PER_ROW_BATCH)) {
        update(
          (params) => set([{ ...a, byValue: pairs }], params),
          (params) =>
            dialect.inList(
              dialect.ident(a.column),
              pairs.map(([from]) => from),
              params,
            ),
        );
      }
    }
    if (late.length) update((params) => set(late, params));
  }
  return statements;
}

function matchedDeleteStatements(dialect: SqlDialect, request: DeleteRequest, match: RowMatch): Statement[] {
  return conditionParts(dialect, match.where).map((part) => {
    const params = new Params(dialect);
    const where = conditionSql(dialect, part, params);
    return {
      sql: `DELETE FROM ${tableName(dialect, request.collection)} WHERE ${where}`,
      params: params.values,
    };
  });
}

/** A connector over a SQL store: the dialect says how to write SQL for it, the driver sends it. */
export function sqlConnector(dialect: SqlDialect, driver: SqlDriver, onQuery?: QueryObserver): Connector {
  const observed = (session: SqlSession): SqlSession => ({
    rows(sql, params) {
      onQuery?.(sql, params);
      return session.rows(sql, params);
    },
    run(sql, params) {
      onQuery?.(sql, params);
      return session.run(sql, params);
    },
  });
  const pool = observed(driver);
  const failure = (what: string, operation: string, err: unknown) =>
    storeError(`${dialect.name} ${what}`, operation, err, dialect.errors);

  /** Runs the statements in one transaction; returns the rows they changed. */
  const write = async (operation: string, ref: CollectionRef, statements: Statement[]) => {
    const connection = await driver.connect().catch((err) => {
      throw failure(driver.where, dialect.opening, err);
    });
    const session = observed(connection);
    try {
      await session.run(dialect.begin, []);
      let changed = 0;
      const byPart = new Map<number, number>();
      for (const s of statements) {
        const n = await session.run(s.sql, s.params);
        if (s.part === undefined) changed += n;
        else byPart.set(s.part, Math.max(byPart.get(s.part) ?? 0, n));
      }
      await session.run('COMMIT', []);
      return changed + [...byPart.values()].reduce((a, b) => a + b, 0);
    } catch (err) {
      await connection.run('ROLLBACK', []).catch(() => undefined);
      throw failure(ref.collection, operation, err);
    } finally {
      connection.release();
    }
  };

  return {
    kind: dialect.kind,
    async ping() {
      try {
        await pool.rows('SELECT 1', []);
      } catch (err) {
        throw failure(driver.where, dialect.opening, err);
      }
    },
    async describe(collections) {
      try {
        return await dialect.introspect(collections, pool);
      } catch (err) {
        throw failure(driver.where, 'describe', err);
      }
    },
    async read(request) {
      const rows: Row[] = [];
      try {
        for (const s of readStatements(dialect, request)) rows.push(...(await pool.rows(s.sql, s.params)));
      } catch (err) {
        throw failure(request.collection.collection, 'read', err);
      }
      return rows;
    },
    async update(request) {
      if (request.match) {
        const statements = matchedUpdateStatements(dialect, request, request.match);
        return statements.length ? write('update', request.collection, statements) : 0;
      }
      if (request.changes.length === 0) return 0;
      return write('update', request.collection, updateStatements(dialect, request));
    },
    async delete(request) {
      if (request.match) {
        const statements = matchedDeleteStatements(dialect, request, request.match);
        return statements.length ? write('delete', request.collection, statements) : 0;
      }
      if (request.keys.length === 0) return 0;
      return write('delete', request.collection, deleteStatements(dialect, request));
    },
    close: () => driver.close(),
  };
}
