import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { WorkspaceScope } from '../store/workspace-scope.ts';
import { type CreatedKey, createApiKey, hashKey } from './api-keys.ts';

export async function createWorkspace(db: Kysely<Database>, name: string): Promise<WorkspaceScope> {
  const id = randomUUID();
  await db.insertInto('workspaces').values({ id, name }).execute();
  return new WorkspaceScope(db, id);
}

export interface Bootstrap {
  scope: WorkspaceScope;
  /** Set only when this start created the workspace and generated its owner key. */
  ownerKey?: CreatedKey;
}

/**
 * On first start, creates the default workspace and its owner key. With
 * `CUSTODIAN_OWNER_KEY` set, that value becomes the owner key (automated set-ups),
 * and is (re)registered if it is not known yet.
 */
export async function bootstrapWorkspace(db: Kysely<Database>, ownerKey?: string): Promise<Bootstrap> {
  const existing = await db.selectFrom('workspaces').select('id').orderBy('created_at').executeTakeFirst();
  if (existing) {
    const scope = new WorkspaceScope(db, existing.id);
    if (ownerKey) {
      const known = await scope
        .selectFrom('api_keys')
        .select('id')
        .where('key_hash', '=', hashKey(ownerKey))
        .executeTakeFirst();
      if (!known)
        await createApiKey(scope, { name: 'owner (CUSTODIAN_OWNER_KEY)', role: 'owner', secret: ownerKey });
    }
    return { scope };
  }
  const scope = await createWorkspace(db, 'Default workspace');
  const key = await createApiKey(scope, {
    name: ownerKey ? 'owner (CUSTODIAN_OWNER_KEY)' : 'owner (first start)',
    role: 'owner',
    ...(ownerKey ? { secret: ownerKey } : {}),
  });
  return { scope, ...(ownerKey ? {} : { ownerKey: key }) };
}
