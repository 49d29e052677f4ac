import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { AppError } from '../errors.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import { loadProgramFromBundle, type ProgramBundle } from './load-program.ts';

export interface PushResult {
  version: number;
  hash: string;
  /** True when the bundle equals the current version: nothing new was stored. */
  unchanged: boolean;
}

/**
 * Stores a validated program as the workspace's next version. Earlier versions stay
 * readable; pushing the same content twice does not create a new version.
 */
export async function pushProgram(
  scope: WorkspaceScope,
  bundle: ProgramBundle,
  actorId: string,
): Promise<PushResult> {
  const loaded = loadProgramFromBundle(bundle);
  if (!loaded.ok) {
    throw new AppError('validation_failed', `the program is invalid (${loaded.issues.length} problems)`, {
      details: loaded.issues.map((i) => ({ path: `${i.file}.${i.path}`, message: i.message })),
    });
  }
  const { program } = loaded;
  return scope.transaction(async (tx, trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`program:${tx.workspaceId}`}))`.execute(trx);
    const current = await tx
      .selectFrom('program_versions')
      .select(['version', 'hash'])
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (current?.hash === program.hash)
      return { version: current.version, hash: current.hash, unchanged: true };
    const version = (current?.version ?? 0) + 1;
    await tx
      .insertInto('program_versions', {
        id: randomUUID(),
        version,
        hash: program.hash,
        bundle: JSON.stringify({ program: program.doc, datasets: program.datasets }) as never,
        created_by: actorId,
      })
      .execute();
    return { version, hash: program.hash, unchanged: false };
  });
}
