import { AppError } from '../errors.ts';
import { getProgramVersion } from '../program/current-program.ts';
import type { Program } from '../program/load-program.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import { type ConsentPurposes, consentPurposes } from './consent-purposes.ts';

export interface CurrentConsentProgram {
  program: Program;
  purposes: ConsentPurposes;
}

const cache = new Map<string, CurrentConsentProgram>();

/**
 * The current program's consent view. Reads only the newest version's hash per call; the
 * bundle is loaded and compiled once per hash, so hot paths skip the large JSON read.
 */
export function currentConsentProgram(scope: WorkspaceScope): Promise<CurrentConsentProgram> {
  // Concurrent callers share one lookup: a burst of banner events costs one query, not one each.
  const pending = inflight.get(scope.workspaceId);
  if (pending) return pending;
  const lookup = lookupCurrent(scope).finally(() => inflight.delete(scope.workspaceId));
  inflight.set(scope.workspaceId, lookup);
  return lookup;
}

const inflight = new Map<string, Promise<CurrentConsentProgram>>();

async function lookupCurrent(scope: WorkspaceScope): Promise<CurrentConsentProgram> {
  const head = await scope
    .selectFrom('program_versions')
    .select(['version', 'hash'])
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!head) throw new AppError('not_found', 'no program has been pushed yet: run `custodian push`');
  const key = `${scope.workspaceId}:${head.version}:${head.hash}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const { program } = await getProgramVersion(scope, head.version);
  const value = { program, purposes: consentPurposes(program) };
  if (cache.size > 100) cache.clear();
  cache.set(key, value);
  return value;
}
