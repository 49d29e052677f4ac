import type { WorkspaceScope } from '../store/workspace-scope.ts';
import { holdActive, type LegalHold } from './legal-hold.ts';
import { toLegalHold } from './place-legal-hold.ts';

/** Holds of the workspace, newest first; with `activeAt`, only those in force then. */
export async function listLegalHolds(
  scope: WorkspaceScope,
  options: { activeAt?: Date | undefined } = {},
): Promise<LegalHold[]> {
  const rows = await scope.selectFrom('retention_holds').selectAll().orderBy('created_at', 'desc').execute();
  const holds = rows.map(toLegalHold);
  const at = options.activeAt;
  return at ? holds.filter((h) => holdActive(h, at)) : holds;
}
