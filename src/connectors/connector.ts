/**
 * The seam between the DSR engine and a data store. A connector knows how to reach one
 * system (a database, an HTTP endpoint, a person); the engine knows nothing about SQL.
 * Every method works in batches: reads take value lists, writes take many rows at once.
 */

/** One row as the store returned it, restricted to the columns that were asked for. */
export type Row = Record<string, unknown>;

/** Where a collection lives: its dataset, table name, and the dataset's namespace. */
export interface CollectionRef {
  dataset: string;
  collection: string;
  /** Schema (PostgreSQL) or database (MySQL) from the dataset's `fides_meta.namespace`. */
  schema?: string | undefined;
}

/** Rows whose `field` is one of `values`; several filters in one read are OR-ed. */
export interface FieldFilter {
  field: string;
  values: readonly unknown[];
}

export interface ReadRequest {
  collection: CollectionRef;
  /** Only these columns are selected: the ones the dataset declares. */
  columns: readonly string[];
  where: readonly FieldFilter[];
}

/**
 * A value written to a column. `path` is empty for the whole column, or the path inside a
 * JSON column for a nested field (only that member changes; undeclared members stay).
 */
export interface Assignment {
  column: string;
  path: readonly string[];
  value: unknown;
}

export interface RowChange {
  /** Primary key values, in the order of `keyColumns`. */
  key: readonly unknown[];
  assignments: readonly Assignment[];
}

/**
 * The new value of one column (or JSON member) of every row a condition matches: the same
 * value for all (`value`), or a value per old value (`byValue`: rows whose old value is not
 * listed keep it, so applying it twice changes nothing the second time).
 */
export interface MatchedAssignment {
  column: string;
  path: readonly string[];
  value?: unknown;
  byValue?: readonly (readonly [unknown, unknown])[];
}

/**
 * Rows of a collection without a primary key, matched by the condition the traversal read
 * them with (filters OR-ed) instead of by key.
 */
export interface RowMatch {
  where: readonly FieldFilter[];
  /** Masking only: what to set. Fields named in `where` are set last, in one statement. */
  assignments?: readonly MatchedAssignment[];
}

export interface UpdateRequest {
  collection: CollectionRef;
  keyColumns: readonly string[];
  changes: readonly RowChange[];
  /** Instead of `changes` by key: every row matching this condition. */
  match?: RowMatch;
  /** Identifies the write for stores that deduplicate retries (HTTP callback). */
  idempotencyKey?: string;
}

export interface DeleteRequest {
  collection: CollectionRef;
  keyColumns: readonly string[];
  keys: readonly (readonly unknown[])[];
  /** Instead of `keys`: every row matching this condition. */
  match?: RowMatch;
  idempotencyKey?: string;
}

/** What the store holds for one declared collection: null columns when the table is missing. */
export interface TableShape {
  collection: CollectionRef;
  columns: string[] | null;
}

export type ConnectorKind = 'postgres' | 'mysql' | 'sqlite' | 'http' | 'manual';

export interface Connector {
  readonly kind: ConnectorKind;
  /** Reaches the store with its credentials; throws an AppError saying what failed. */
  ping(): Promise<void>;
  /** The columns that exist for each collection (null when the table does not exist). */
  describe(collections: readonly CollectionRef[]): Promise<TableShape[]>;
  read(request: ReadRequest): Promise<Row[]>;
  /** Applies every change in one transaction where the store has them; returns rows changed. */
  update(request: UpdateRequest): Promise<number>;
  /** Deletes the rows with these keys in one transaction; returns rows deleted. */
  delete(request: DeleteRequest): Promise<number>;
  close(): Promise<void>;
}

/** Called with each statement a SQL connector sends (tests count them; nothing else is logged). */
export type QueryObserver = (sql: string, params: readonly unknown[]) => void;

/** Largest value list sent in one statement; longer lists are split into several reads. */
export const BATCH_SIZE = 1000;

export function chunk<T>(items: readonly T[], size = BATCH_SIZE): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** JSON text for a JSON column member; dates become ISO strings like everywhere else. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value === undefined ? null : value);
}
