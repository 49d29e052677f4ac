import { AppError } from '../errors.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import type { LegalHold } from './legal-hold.ts';
import { toLegalHold } from './place-legal-hold.ts';

/** Releases a hold (kept for the record); sweeps take the rows it covered from then on. */
export async function releaseLegalHold(
  scope: WorkspaceScope,
  id: string,
  actor: string | null = null,
): Promise<LegalHold> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError('not_found', `no legal hold ${id}`);
  const row = await scope
    .updateTable('retention_holds')
    .set({ released_at: new Date(), released_by: actor })
    .where('id', '=', id)
    .where('released_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
  if (row) return toLegalHold(row);
  const existing = await scope
    .selectFrom('retention_holds')
    .select('id')
    .where('id', '=', id)
    .executeTakeFirst();
  throw new AppError(
    existing ? 'conflict' : 'not_found',
    existing ? `legal hold ${id} is already released` : `no legal hold ${id}`,
  );
}
