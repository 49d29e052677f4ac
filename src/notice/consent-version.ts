import type { WorkspaceScope } from '../store/workspace-scope.ts';

const cache = new Map<string, { latest: number; value: number }>();

/**
 * The version of the consent notices people are asked to agree to: 1 for the first pushed
 * program, plus one each time a pushed program changes its consent notices. A new version
 * makes the banner ask again (re-consent on a material change).
 */
export async function getConsentNoticeVersion(scope: WorkspaceScope): Promise<number> {
  const latest = await scope
    .selectFrom('program_versions')
    .select('version')
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!latest) return 1;
  const cached = cache.get(scope.workspaceId);
  if (cached && cached.latest === latest.version) return cached.value;
  const rows = await scope
    .selectFrom('program_versions')
    .select(['version', 'bundle'])
    .orderBy('version', 'asc')
    .execute();
  let value = 0;
  let previous: string | undefined;
  for (const row of rows) {
    const program = row.bundle.program as { consent_notices?: unknown } | null;
    const notices = JSON.stringify(program?.consent_notices ?? []);
    if (notices !== previous) value += 1;
    previous = notices;
  }
  const result = Math.max(1, value);
  cache.set(scope.workspaceId, { latest: latest.version, value: result });
  return result;
}
