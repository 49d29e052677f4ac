import type { WorkspaceScope } from '../store/workspace-scope.ts';
import { addressHash, workspaceSecret } from './workspace-secret.ts';

export interface SuppressionEntry {
  id: string;
  /** null: every marketing list. */
  list: string | null;
  reason: string;
  source: string;
  created_at: Date;
}

export interface SuppressionLookup {
  suppressed: boolean;
  /** When the address was first suppressed (any list), or null. */
  since: Date | null;
  suppressions: SuppressionEntry[];
}

/**
 * Looks one address up in the suppression list by its keyed hash (the address itself is
 * never stored), oldest entry first.
 */
export async function findSuppression(scope: WorkspaceScope, address: string): Promise<SuppressionLookup> {
  const secret = await workspaceSecret(scope);
  const suppressions = await scope
    .selectFrom('suppressions')
    .select(['id', 'list', 'reason', 'source', 'created_at'])
    .where('address_hash', '=', addressHash(secret, address))
    .orderBy('created_at')
    .execute();
  return {
    suppressed: suppressions.length > 0,
    since: suppressions[0]?.created_at ?? null,
    suppressions,
  };
}
