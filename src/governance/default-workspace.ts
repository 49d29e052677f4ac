import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { WorkspaceScope } from '../store/workspace-scope.ts';

/** The first workspace created (the one `bootstrapWorkspace` makes): public pages serve it. */
export async function findDefaultWorkspace(db: Kysely<Database>): Promise<WorkspaceScope | undefined> {
  const row = await db
    .selectFrom('workspaces')
    .select('id')
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
  return row ? new WorkspaceScope(db, row.id) : undefined;
}
