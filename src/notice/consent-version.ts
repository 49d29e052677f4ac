import type { WorkspaceScope } from '../store/workspace-scope.ts';

/**
 * The consent notice version of the workspace: 1 for the first published notice, raised by
 * each publication with a material change, 0 before anything is published. The consent
 * banner asks again when the version a person answered differs from this one.
 */
export async function getConsentNoticeVersion(scope: WorkspaceScope): Promise<number> {
  const row = await scope
    .selectFrom('notice_versions')
    .select('consent_version')
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.consent_version ?? 0;
}
