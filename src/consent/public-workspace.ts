import type { Kysely } from 'kysely';
import { AppError } from '../errors.ts';
import { findDefaultWorkspace } from '../governance/default-workspace.ts';
import type { Database } from '../store/schema.ts';
import { WorkspaceScope } from '../store/workspace-scope.ts';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const known = new Set<string>();

/**
 * The workspace a public page or the banner speaks for: the site id when it names a
 * workspace, else the default workspace.
 */
export async function publicWorkspace(
  db: Kysely<Database>,
  site?: string | undefined,
): Promise<WorkspaceScope> {
  if (site && uuid.test(site)) {
    if (known.has(site)) return new WorkspaceScope(db, site);
    const row = await db.selectFrom('workspaces').select('id').where('id', '=', site).executeTakeFirst();
    if (!row) throw new AppError('not_found', `no site ${site}: check data-site on the banner script tag`);
    known.add(site);
    return new WorkspaceScope(db, site);
  }
  const scope = await findDefaultWorkspace(db);
  if (!scope) throw new AppError('unavailable', 'the server has no workspace yet');
  return scope;
}
