import type { WorkspaceScope } from '../../store/workspace-scope.ts';
import { type ClassifiedChange, classifyChanges } from './classify-changes.ts';
import { diffNoticeModels } from './diff-notice-models.ts';
import { getNoticeVersion, type NoticeVersion } from './notice-versions.ts';

export interface NoticeDiff {
  from: Omit<NoticeVersion, 'changes' | 'missingKeys'>;
  to: Omit<NoticeVersion, 'changes' | 'missingKeys'>;
  material: boolean;
  changes: ClassifiedChange[];
}

/** The classified differences between any two published versions (by section, on the models). */
export async function diffNoticeVersions(
  scope: WorkspaceScope,
  from: number,
  to: number,
): Promise<NoticeDiff> {
  const a = await getNoticeVersion(scope, from);
  const b = await getNoticeVersion(scope, to);
  const changes = classifyChanges(diffNoticeModels(a.model, b.model));
  const summary = (v: typeof a) => {
    const { model: _m, renderings: _r, changes: _c, missingKeys: _k, ...rest } = v;
    return rest;
  };
  return { from: summary(a), to: summary(b), material: changes.some((c) => c.material), changes };
}
