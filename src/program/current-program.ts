import { AppError } from '../errors.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import { loadProgramFromBundle, type Program, type ProgramBundle } from './load-program.ts';

const cache = new Map<string, Program>();

export interface ProgramVersion {
  version: number;
  program: Program;
}

/** The newest pushed program of the workspace, or undefined before the first push. */
export async function findCurrentProgram(scope: WorkspaceScope): Promise<ProgramVersion | undefined> {
  const row = await scope
    .selectFrom('program_versions')
    .select(['version', 'hash', 'bundle'])
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return undefined;
  return { version: row.version, program: fromRow(row.hash, row.bundle) };
}

/** Like findCurrentProgram, but a clear 404 when nothing has been pushed yet. */
export async function getCurrentProgram(scope: WorkspaceScope): Promise<ProgramVersion> {
  const current = await findCurrentProgram(scope);
  if (!current) throw new AppError('not_found', 'no program has been pushed yet: run `custodian push`');
  return current;
}

export async function getProgramVersion(scope: WorkspaceScope, version: number): Promise<ProgramVersion> {
  const row = await scope
    .selectFrom('program_versions')
    .select(['version', 'hash', 'bundle'])
    .where('version', '=', version)
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', `program version ${version} does not exist`);
  return { version: row.version, program: fromRow(row.hash, row.bundle) };
}

function fromRow(hash: string, bundle: ProgramBundle): Program {
  const cached = cache.get(hash);
  if (cached) return cached;
  const loaded = loadProgramFromBundle(bundle);
  // A stored bundle was validated on push; failing here means the schema changed incompatibly.
  if (!loaded.ok) throw new AppError('internal', `stored program ${hash.slice(0, 12)} no longer validates`);
  cache.set(hash, loaded.program);
  return loaded.program;
}
