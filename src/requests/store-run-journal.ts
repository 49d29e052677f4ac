import { type JournalState, journalStateSchema, type RunJournal } from '../execution/run-journal.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';
import type { EngineCollectionResult } from './engine-port.ts';
import { json } from './request-record.ts';

/** The engine journal of one request, in `dsr_engine_journals` (one row, replaced whole on each save). */
export function storeRunJournal(scope: WorkspaceScope, requestId: string, clock: () => Date): RunJournal {
  return {
    async load() {
      const row = await scope
        .selectFrom('dsr_engine_journals')
        .select('state')
        .where('request_id', '=', requestId)
        .executeTakeFirst();
      return row ? journalStateSchema.parse(row.state) : undefined;
    },
    async save(state: JournalState) {
      const updated = await scope
        .updateTable('dsr_engine_journals')
        .set({ state: json(state), updated_at: clock() })
        .where('request_id', '=', requestId)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) {
        await scope
          .insertInto('dsr_engine_journals', {
            request_id: requestId,
            state: json(state),
            updated_at: clock(),
          })
          .execute();
      }
    },
  };
}

/** Keeps each collection's latest outcome and how many attempts it took, for the API and reviewers. */
export async function recordCollectionResults(
  scope: WorkspaceScope,
  requestId: string,
  results: readonly EngineCollectionResult[],
  now: Date,
): Promise<void> {
  for (const result of results) {
    const error = result.error ? json(result.error) : null;
    const updated = await scope
      .updateTable('dsr_run_journal')
      .set((eb) => ({
        status: result.status,
        rows: result.rows,
        error,
        attempts: eb('attempts', '+', 1),
        updated_at: now,
      }))
      .where('request_id', '=', requestId)
      .where('collection', '=', result.collection)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) {
      await scope
        .insertInto('dsr_run_journal', {
          request_id: requestId,
          collection: result.collection,
          status: result.status,
          rows: result.rows,
          error,
          updated_at: now,
        })
        .execute();
    }
  }
}

/** Each collection's latest outcome for a request. */
export function journalEntries(scope: WorkspaceScope, requestId: string) {
  return scope
    .selectFrom('dsr_run_journal')
    .select(['collection', 'status', 'rows', 'error', 'attempts', 'updated_at'])
    .where('request_id', '=', requestId)
    .orderBy('collection')
    .execute();
}
