import {
  type DeleteQueryBuilder,
  type DeleteResult,
  type Insertable,
  type Kysely,
  type SelectQueryBuilder,
  type SqlBool,
  sql,
  type Transaction,
  type UpdateQueryBuilder,
  type UpdateResult,
} from 'kysely';
import type { Database, ScopedTable } from './schema.ts';

/**
 * Every read and write on workspace data goes through a scope. It adds the workspace
 * filter to selects, updates and deletes and the workspace id to inserts, so code cannot
 * cross workspaces by forgetting a WHERE clause. Route handlers receive a scope, never
 * the raw database.
 */
export class WorkspaceScope {
  readonly db: Kysely<Database>;
  readonly workspaceId: string;

  constructor(db: Kysely<Database>, workspaceId: string) {
    this.db = db;
    this.workspaceId = workspaceId;
  }

  private owns(table: string) {
    return sql<SqlBool>`${sql.ref(`${table}.workspace_id`)} = ${this.workspaceId}`;
  }

  // The casts name the builder for one table: Kysely otherwise distributes T over every table.
  selectFrom<T extends ScopedTable>(table: T): SelectQueryBuilder<Database, T, object> {
    const query = this.db.selectFrom(table) as unknown as SelectQueryBuilder<Database, T, object>;
    return query.where(this.owns(table));
  }

  insertInto<T extends ScopedTable>(table: T, values: Omit<Insertable<Database[T]>, 'workspace_id'>) {
    return this.db.insertInto(table).values({ ...values, workspace_id: this.workspaceId } as never);
  }

  insertMany<T extends ScopedTable>(table: T, rows: Omit<Insertable<Database[T]>, 'workspace_id'>[]) {
    return this.db
      .insertInto(table)
      .values(rows.map((values) => ({ ...values, workspace_id: this.workspaceId })) as never);
  }

  updateTable<T extends ScopedTable>(table: T): UpdateQueryBuilder<Database, T, T, UpdateResult> {
    const query = this.db.updateTable(table) as unknown as UpdateQueryBuilder<Database, T, T, UpdateResult>;
    return query.where(this.owns(table));
  }

  deleteFrom<T extends ScopedTable>(table: T): DeleteQueryBuilder<Database, T, DeleteResult> {
    const query = this.db.deleteFrom(table) as unknown as DeleteQueryBuilder<Database, T, DeleteResult>;
    return query.where(this.owns(table));
  }

  /** Runs `fn` in one transaction, with a scope bound to it. */
  transaction<R>(fn: (scope: WorkspaceScope, trx: Transaction<Database>) => Promise<R>): Promise<R> {
    return this.db.transaction().execute((trx) => fn(new WorkspaceScope(trx, this.workspaceId), trx));
  }
}
