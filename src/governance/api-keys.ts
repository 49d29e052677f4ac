import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ApiKeysTable, Database } from '../store/schema.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';

export type Role = ApiKeysTable['role'];
export const roles: readonly Role[] = ['owner', 'admin', 'reviewer', 'auditor'];

/** What each role may do; a higher role includes the lower ones. */
const rank: Record<Role, number> = { auditor: 0, reviewer: 1, admin: 2, owner: 3 };

/** True when `role` is at least `needed` (owner > admin > reviewer > auditor). */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return rank[role] >= rank[needed];
}

export function hashKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Keys look like `cus_<workspace-neutral random>`; the prefix helps tell them apart in lists. */
export function generateKeySecret(): string {
  return `cus_${randomBytes(24).toString('base64url')}`;
}

export interface CreatedKey {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  /** The secret, shown once: only its hash is stored. */
  secret: string;
}

export async function createApiKey(
  scope: WorkspaceScope,
  options: { name: string; role: Role; secret?: string },
): Promise<CreatedKey> {
  const secret = options.secret ?? generateKeySecret();
  const id = randomUUID();
  const prefix = secret.slice(0, 10);
  await scope
    .insertInto('api_keys', {
      id,
      name: options.name,
      role: options.role,
      key_hash: hashKey(secret),
      prefix,
      revoked_at: null,
      last_used_at: null,
    })
    .execute();
  return { id, name: options.name, role: options.role, prefix, secret };
}

export interface KeyIdentity {
  keyId: string;
  workspaceId: string;
  role: Role;
  name: string;
}

/** Looks a presented secret up by its hash; revoked keys are not found. */
export async function findApiKey(db: Kysely<Database>, secret: string): Promise<KeyIdentity | undefined> {
  // Lookup by hash across workspaces is the one unscoped read: the key names its workspace.
  const row = await db
    .selectFrom('api_keys')
    .select(['id', 'workspace_id', 'role', 'name'])
    .where('key_hash', '=', hashKey(secret))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  return { keyId: row.id, workspaceId: row.workspace_id, role: row.role, name: row.name };
}

export async function listApiKeys(scope: WorkspaceScope) {
  return scope
    .selectFrom('api_keys')
    .select(['id', 'name', 'role', 'prefix', 'created_at', 'revoked_at', 'last_used_at'])
    .orderBy('created_at')
    .execute();
}

export async function revokeApiKey(scope: WorkspaceScope, id: string): Promise<boolean> {
  const result = await scope
    .updateTable('api_keys')
    .set({ revoked_at: new Date() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
