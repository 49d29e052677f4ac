/**
 * The differences between PostgreSQL, MySQL/MariaDB and SQLite that retention SQL needs.
 * Everything else in the compiled SQL is written once in the common subset of the three.
 */
export interface SqlDialect {
  name: 'postgres' | 'mysql' | 'sqlite';
  /** Quotes one identifier (table, column). */
  ident(name: string): string;
  /** The placeholder for the `index`-th parameter (1-based). */
  placeholder(index: number): string;
  /** A timestamp expression made comparable (SQLite keeps text or numbers: compared as Julian days). */
  instant(expression: Fragment): Fragment;
  /** An `instant` read back as an ISO 8601 timestamp (for oldest and newest in a plan). */
  instantText(expression: Fragment): Fragment;
  /** The largest of several comparable expressions. */
  greatest(terms: readonly Fragment[]): Fragment;
  /** `expression` is not already lowercase hex of `length` characters (a value the hash strategy wrote). */
  notHex(expression: Fragment, length: number): Fragment;
  /** Appended to the batch's SELECT so its rows stay locked until commit (SQLite locks the whole file). */
  lockRows: string;
  /**
   * The row's key (`columns` over `alias`) is one of `keys`, whatever their number: one
   * parameter where the database can unpack a list, else a plain list.
   */
  keyIn(
    alias: string,
    columns: readonly string[],
    keys: readonly (readonly unknown[])[],
    table: string,
  ): Fragment;
  /** The key is after `from` in key order (keyset pagination over one or several columns). */
  keyAfter(alias: string, columns: readonly string[], from: readonly unknown[]): Fragment;
  /** The key is at most `to` in key order. */
  keyAtMost(alias: string, columns: readonly string[], to: readonly unknown[]): Fragment;
  /**
   * One statement that writes `constant` values to every row of `keys` and a value per row to
   * `perRow` columns (`rows[i]` holds key values, then one value per `perRow` column).
   */
  updateRows(update: RowsUpdate): Fragment;
  /** `CREATE TABLE IF NOT EXISTS archive AS SELECT … WHERE 1=0` for an empty copy of the columns. */
  createArchive(archive: string, columns: string, source: string): string;
}

export interface RowsUpdate {
  table: string;
  keyColumns: readonly string[];
  constant: readonly { column: string; value: unknown }[];
  perRow: readonly string[];
  rows: readonly (readonly unknown[])[];
}

const column = (dialect: Pick<SqlDialect, 'ident'>, alias: string, name: string) =>
  alias ? `${alias}.${dialect.ident(name)}` : dialect.ident(name);
const FALSE = (): Fragment => new Fragment(['(1 = 0)']);
const HEX = (length: number) => `^[0-9a-f]{${length}}$`;

/** `(c1 > v1 OR (c1 = v1 AND (c2 > v2 …)))`, led by `c1 >= v1` so an index range applies. */
function expandedCompare(cols: readonly string[], values: readonly unknown[], last: '>' | '<='): Fragment {
  const strict = last === '>' ? '>' : '<';
  const walk = (i: number): Fragment => {
    const col = raw(cols[i] as string);
    const value = val(values[i]);
    if (i === cols.length - 1) return sql`${col} ${raw(last)} ${value}`;
    return sql`(${col} ${raw(strict)} ${value} OR (${col} = ${val(values[i])} AND ${walk(i + 1)}))`;
  };
  if (cols.length === 1) return walk(0);
  const lead = raw(cols[0] as string);
  return sql`(${lead} ${raw(last === '>' ? '>=' : '<=')} ${val(values[0])} AND ${walk(0)})`;
}

/** `(c1, c2) > (v1, v2)`: a row comparison, for dialects that order rows as tuples. */
function rowCompare(
  dialect: Pick<SqlDialect, 'ident'>,
  alias: string,
  columns: readonly string[],
  op: '>' | '<=',
  values: readonly unknown[],
): Fragment {
  const cols = columns.map((c) => column(dialect, alias, c));
  return sql`(${raw(cols.join(', '))}) ${raw(op)} (${join(
    values.map((v) => sql`${val(v)}`),
    ', ',
  )})`;
}

/** JSON of each row keyed by column, for statements that unpack a batch from one parameter. */
const recordsJson = (columns: readonly string[], rows: readonly (readonly unknown[])[]) =>
  JSON.stringify(rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i] ?? null]))));

export const postgresDialect: SqlDialect = {
  name: 'postgres',
  ident: (name) => `"${name.replaceAll('"', '""')}"`,
  placeholder: (index) => `$${index}`,
  instant: (e) => e,
  instantText: (e) => e,
  greatest: (terms) => (terms.length === 1 ? (terms[0] as Fragment) : sql`GREATEST(${join(terms, ', ')})`),
  notHex: (e, length) => sql`NOT (${e} ~ ${val(HEX(length))})`,
  lockRows: ' FOR UPDATE',
  keyIn(alias, columns, keys, table) {
    if (keys.length === 0) return FALSE();
    const cols = columns.map((c) => column(this, alias, c));
    if (cols.length === 1) return sql`${raw(cols[0] as string)} = ANY(${val(keys.map((k) => k[0]))})`;
    // The table's own row type types each key column, whatever the batch size: one parameter.
    const picked = columns.map((c) => `u.${this.ident(c)}`).join(', ');
    return sql`(${raw(cols.join(', '))}) IN (SELECT ${raw(picked)} FROM json_populate_recordset(NULL::${raw(table)}, ${val(recordsJson(columns, keys))}::json) u)`;
  },
  keyAfter(alias, columns, from) {
    return rowCompare(this, alias, columns, '>', from);
  },
  keyAtMost(alias, columns, to) {
    return rowCompare(this, alias, columns, '<=', to);
  },
  updateRows({ table, keyColumns, constant, perRow, rows }) {
    const sets = constant.map((c) => sql`${raw(this.ident(c.column))} = ${val(c.value)}`);
    if (perRow.length === 0) {
      return sql`UPDATE ${raw(table)} t SET ${join(sets, ', ')} WHERE ${this.keyIn('t', keyColumns, rows, table)}`;
    }
    for (const c of perRow) sets.push(sql`${raw(`${this.ident(c)} = u.${this.ident(c)}`)}`);
    const match = keyColumns.map((k) => `t.${this.ident(k)} = u.${this.ident(k)}`).join(' AND ');
    return sql`UPDATE ${raw(table)} t SET ${join(sets, ', ')} FROM json_populate_recordset(NULL::${raw(table)}, ${val(recordsJson([...keyColumns, ...perRow], rows))}::json) u WHERE ${raw(match)}`;
  },
  createArchive: (archive, columns, source) =>
    `CREATE TABLE IF NOT EXISTS ${archive} AS SELECT ${columns} FROM ${source} WHERE 1 = 0`,
};

export const mysqlDialect: SqlDialect = {
  name: 'mysql',
  ident: (name) => `\`${name.replaceAll('`', '``')}\``,
  placeholder: () => '?',
  instant: (e) => e,
  instantText: (e) => e,
  greatest: (terms) => (terms.length === 1 ? (terms[0] as Fragment) : sql`GREATEST(${join(terms, ', ')})`),
  notHex: (e, length) => sql`NOT (${e} REGEXP ${val(HEX(length))})`,
  lockRows: ' FOR UPDATE',
  keyIn(alias, columns, keys) {
    if (keys.length === 0) return FALSE();
    const cols = columns.map((c) => column(this, alias, c));
    // mysql2 expands an array parameter into a value list.
    if (cols.length === 1) return sql`${raw(cols[0] as string)} IN (${val(keys.map((k) => k[0]))})`;
    // OR-ed equalities: MariaDB's range optimizer reads them as key lookups (row IN lists it scans).
    const one = (key: readonly unknown[]) =>
      sql`(${join(
        cols.map((c, i) => sql`${raw(c)} = ${val(key[i])}`),
        ' AND ',
      )})`;
    return sql`(${join(keys.map(one), ' OR ')})`;
  },
  keyAfter(alias, columns, from) {
    return expandedCompare(
      columns.map((c) => column(this, alias, c)),
      from,
      '>',
    );
  },
  keyAtMost(alias, columns, to) {
    return expandedCompare(
      columns.map((c) => column(this, alias, c)),
      to,
      '<=',
    );
  },
  updateRows({ table, keyColumns, constant, perRow, rows }) {
    const sets = constant.map((c) => sql`${raw(`t.${this.ident(c.column)}`)} = ${val(c.value)}`);
    if (perRow.length === 0) {
      return sql`UPDATE ${raw(table)} t SET ${join(sets, ', ')} WHERE ${this.keyIn('t', keyColumns, rows, table)}`;
    }
    for (const c of perRow) sets.push(sql`${raw(`t.${this.ident(c)} = u.${this.ident(c)}`)}`);
    const names = [...keyColumns, ...perRow].map((c) => this.ident(c));
    const selects = rows.map((row, r) =>
      r === 0
        ? sql`SELECT ${join(
            names.map((n, i) => sql`${val(row[i] ?? null)} AS ${raw(n)}`),
            ', ',
          )}`
        : sql`SELECT ${join(
            names.map((_, i) => sql`${val(row[i] ?? null)}`),
            ', ',
          )}`,
    );
    const match = keyColumns.map((k) => `t.${this.ident(k)} = u.${this.ident(k)}`).join(' AND ');
    return sql`UPDATE ${raw(table)} t JOIN (${join(selects, ' UNION ALL ')}) u ON ${raw(match)} SET ${join(sets, ', ')}`;
  },
  createArchive: (archive, columns, source) =>
    `CREATE TABLE IF NOT EXISTS ${archive} AS SELECT ${columns} FROM ${source} WHERE 1 = 0`,
};

/**
 * SQLite keeps timestamps as ISO 8601 text (as the request engine writes them): they are
 * compared as Julian days so `2026-01-01 10:00:00` and `2026-01-01T10:00:00Z` agree.
 */
export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  ident: (name) => `"${name.replaceAll('"', '""')}"`,
  placeholder: () => '?',
  instant: (e) => sql`julianday(${e})`,
  instantText: (e) => sql`strftime('%Y-%m-%dT%H:%M:%fZ', ${e})`,
  greatest: (terms) => (terms.length === 1 ? (terms[0] as Fragment) : sql`MAX(${join(terms, ', ')})`),
  notHex: (e, length) => sql`NOT (length(${e}) = ${val(length)} AND ${e} NOT GLOB '*[^0-9a-f]*')`,
  lockRows: '',
  keyIn(alias, columns, keys) {
    if (keys.length === 0) return FALSE();
    const cols = columns.map((c) => column(this, alias, c));
    // One JSON parameter: no limit on the number of keys, no expression-depth limit.
    const json = val(JSON.stringify(keys));
    const picked = columns.map((_, i) => `json_extract(value, '$[${i}]')`).join(', ');
    return sql`(${raw(cols.join(', '))}) IN (SELECT ${raw(picked)} FROM json_each(${json}))`;
  },
  keyAfter(alias, columns, from) {
    return rowCompare(this, alias, columns, '>', from);
  },
  keyAtMost(alias, columns, to) {
    return rowCompare(this, alias, columns, '<=', to);
  },
  updateRows({ table, keyColumns, constant, perRow, rows }) {
    const sets = constant.map((c) => sql`${raw(this.ident(c.column))} = ${val(c.value)}`);
    if (perRow.length === 0) {
      return sql`UPDATE ${raw(table)} AS t SET ${join(sets, ', ')} WHERE ${this.keyIn('t', keyColumns, rows, table)}`;
    }
    for (const c of perRow) sets.push(sql`${raw(`${this.ident(c)} = u.${this.ident(c)}`)}`);
    const picked = [...keyColumns, ...perRow]
      .map((c, i) => `json_extract(value, '$[${i}]') AS ${this.ident(c)}`)
      .join(', ');
    const match = keyColumns.map((k) => `t.${this.ident(k)} = u.${this.ident(k)}`).join(' AND ');
    return sql`UPDATE ${raw(table)} AS t SET ${join(sets, ', ')} FROM (SELECT ${raw(picked)} FROM json_each(${val(JSON.stringify(rows))})) AS u WHERE ${raw(match)}`;
  },
  createArchive: (archive, columns, source) =>
    `CREATE TABLE IF NOT EXISTS ${archive} AS SELECT ${columns} FROM ${source} WHERE 1 = 0`,
};
/**
 * A piece of SQL with its parameters, composable without caring about placeholder order:
 * placeholders are numbered only when the whole statement is rendered for a dialect.
 */
export class Fragment {
  readonly parts: readonly (string | { value: unknown })[];

  constructor(parts: readonly (string | { value: unknown })[]) {
    this.parts = parts;
  }

  render(dialect: SqlDialect): { text: string; values: unknown[] } {
    const values: unknown[] = [];
    let text = '';
    for (const part of this.parts) {
      if (typeof part === 'string') text += part;
      else {
        values.push(part.value);
        text += dialect.placeholder(values.length);
      }
    }
    return { text, values };
  }
}

type Interpolated = Fragment | { value: unknown } | { raw: string };

/** Builds a fragment: nested fragments are spliced, `{ value }` becomes a parameter, `{ raw }` is literal SQL. */
export function sql(strings: TemplateStringsArray, ...args: Interpolated[]): Fragment {
  const parts: (string | { value: unknown })[] = [];
  strings.forEach((s, i) => {
    parts.push(s);
    const arg = args[i];
    if (arg === undefined) return;
    if (arg instanceof Fragment) parts.push(...arg.parts);
    else if ('raw' in arg) parts.push(arg.raw);
    else parts.push(arg);
  });
  return new Fragment(parts);
}

/** Joins fragments with a separator such as `' AND '`. */
export function join(fragments: readonly Fragment[], separator: string): Fragment {
  const parts: (string | { value: unknown })[] = [];
  fragments.forEach((f, i) => {
    if (i > 0) parts.push(separator);
    parts.push(...f.parts);
  });
  return new Fragment(parts);
}

/** A parameter. */
export const val = (value: unknown) => ({ value });
/** Literal SQL text (identifiers already quoted by the dialect). */
export const raw = (text: string) => ({ raw: text });
