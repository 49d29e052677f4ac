/**
 * The differences between PostgreSQL and MySQL/MariaDB that retention SQL needs. Everything
 * else in the compiled SQL is written once in the common subset of both.
 */
export interface SqlDialect {
  name: 'postgres' | 'mysql';
  /** Quotes one identifier (table, column). */
  ident(name: string): string;
  /** The placeholder for the `index`-th parameter (1-based). */
  placeholder(index: number): string;
  /** Salted sha-256 of a column, hex, first 32 characters, prefixed `anon-`. */
  hashMask(column: string, salt: string): Fragment;
  /** `column` is one of `values` (a batch of keys), as one parameter. */
  inList(column: string, values: readonly unknown[]): Fragment;
  /** `CREATE TABLE IF NOT EXISTS archive AS SELECT … WHERE 1=0` for an empty copy of the columns. */
  createArchive(archive: string, columns: string, source: string): string;
}

export const postgresDialect: SqlDialect = {
  name: 'postgres',
  ident: (name) => `"${name.replaceAll('"', '""')}"`,
  placeholder: (index) => `$${index}`,
  hashMask: (column, salt) =>
    sql`'anon-' || left(encode(sha256(convert_to(${val(salt)}::text || ${raw(column)}::text, 'UTF8')), 'hex'), 32)`,
  createArchive: (archive, columns, source) =>
    `CREATE TABLE IF NOT EXISTS ${archive} AS SELECT ${columns} FROM ${source} WHERE 1 = 0`,
  inList: (column, values) => sql`${raw(column)} = ANY(${val(values)})`,
};

export const mysqlDialect: SqlDialect = {
  name: 'mysql',
  ident: (name) => `\`${name.replaceAll('`', '``')}\``,
  placeholder: () => '?',
  hashMask: (column, salt) => sql`CONCAT('anon-', LEFT(SHA2(CONCAT(${val(salt)}, ${raw(column)}), 256), 32))`,
  createArchive: (archive, columns, source) =>
    `CREATE TABLE IF NOT EXISTS ${archive} AS SELECT ${columns} FROM ${source} WHERE 1 = 0`,
  // mysql2 expands an array parameter into a value list.
  inList: (column, values) => sql`${raw(column)} IN (${val(values)})`,
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
