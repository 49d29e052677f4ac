import { createHash } from 'node:crypto';
import type { Connector } from '../connectors/connector.ts';
import { ManualTaskPending } from '../connectors/manual-connector.ts';
import type { TraversalGraph } from './build-graph.ts';
import type { CollectionResult, ProgressListener } from './collection-result.ts';
import type { JournalState, JournalStep, RunJournal } from './run-journal.ts';
import { describeError, type Identities } from './traverse.ts';

/** A stable fingerprint of the person, so a journal is never resumed for someone else. */
export function subjectFingerprint(identities: Identities): string {
  const sorted = Object.keys(identities)
    .sort()
    .map((k) => [k, [...(identities[k] ?? [])].map(String).sort()]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

export function stepResult(step: JournalStep): CollectionResult {
  return {
    collection: step.collection,
    status:
      step.status === 'pending' && step.task
        ? 'pending'
        : step.status === 'pending'
          ? 'skipped'
          : step.status,
    rows:
      step.affected ??
      step.match?.rows ??
      (step.action === 'delete' ? step.keys.length : step.changes.length),
    action: step.action === 'manual' ? 'none' : step.action,
    maskedFields: step.maskedFields,
    protectedFields: step.protectedFields,
    error: step.error,
    reason: step.reason,
    task: step.task as CollectionResult['task'],
  };
}

/**
 * Runs every step that has not succeeded, in order, recording each outcome in the journal
 * right after its write. Values were computed at planning, so repeating a step whose write
 * committed just before a crash sets the same values again (or deletes nothing). A step on
 * a collection without a primary key matches its rows by condition: repeated, it finds
 * none left (deleted, or the condition's field masked) or sets fixed values again, and a
 * hash only replaces the old values it lists, so nothing is hashed twice.
 */
export async function applySteps(input: {
  state: JournalState;
  journal: RunJournal | undefined;
  graph: TraversalGraph;
  connectorFor(dataset: string): Connector | undefined;
  runId: string;
  onProgress?: ProgressListener | undefined;
}): Promise<void> {
  const { state, journal, graph } = input;
  for (const step of state.steps) {
    if (step.status === 'succeeded' || step.status === 'skipped') continue;
    if (step.phase === 'read' || step.action === 'none') continue;
    const node = graph.nodes.get(step.collection);
    await input.onProgress?.({ type: 'start', collection: step.collection, phase: 'write' });
    step.attempts += 1;
    try {
      if (!node) throw new Error(`${step.collection} is no longer in the datasets`);
      const connector = input.connectorFor(node.ref.dataset);
      if (!connector) throw new Error(`no connection for dataset ${node.ref.dataset}`);
      const idempotencyKey = `${input.runId}:${step.collection}`;
      let affected: number;
      if (step.action === 'delete' || step.action === 'manual') {
        affected = await connector.delete({
          collection: node.ref,
          keyColumns: step.keyColumns,
          keys: step.keys,
          ...(step.match ? { match: step.match } : {}),
          idempotencyKey,
        });
      } else {
        affected = await connector.update({
          collection: node.ref,
          keyColumns: step.keyColumns,
          changes: step.changes,
          ...(step.match ? { match: step.match } : {}),
          idempotencyKey,
        });
      }
      await input.onProgress?.({ type: 'applied', collection: step.collection });
      step.status = 'succeeded';
      step.affected = affected;
      step.error = undefined;
      step.task = undefined;
      if (step.action === 'manual') step.reason = 'confirmed done by a person';
    } catch (err) {
      if (err instanceof ManualTaskPending) {
        step.status = 'pending';
        step.task = err.task;
        step.reason = err.message;
      } else {
        step.status = 'failed';
        step.error = describeError(err);
      }
    }
    state.updatedAt = new Date().toISOString();
    await journal?.save(state);
    await input.onProgress?.({ type: 'done', result: stepResult(step), phase: 'write' });
  }
}
