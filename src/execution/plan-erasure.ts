import { randomBytes } from 'node:crypto';
import type { Row } from '../connectors/connector.ts';
import type { CollectionNode, TraversalGraph } from './build-graph.ts';
import { layer } from './build-graph.ts';
import type { CollectionResult } from './collection-result.ts';
import {
  type ErasurePolicy,
  type MaskingStrategy,
  maskValue,
  overrideStrategy,
  strategyFor,
} from './masking.ts';
import type { JournalStep } from './run-journal.ts';
import { valueAt } from './traverse.ts';

/**
 * Fields that must keep their value for rows to stay whole: primary keys, and both ends
 * of a reference to a primary key (a foreign key masked to null or a hash breaks the link,
 * or is refused by the store's constraint).
 */
export function protectedFields(graph: TraversalGraph, node: CollectionNode): Map<string, string> {
  const out = new Map<string, string>();
  for (const pk of node.primaryKey) out.set(pk, 'primary key: rows are found and updated by it');
  for (const e of graph.edges) {
    const fromNode = graph.nodes.get(e.from);
    const toNode = graph.nodes.get(e.to);
    if (!fromNode || !toNode) continue;
    if (e.from === node.key && !out.has(e.fromField) && toNode.primaryKey.includes(e.toField)) {
      out.set(e.fromField, `reference to ${e.to}.${e.toField}: masking it would break the link`);
    }
    if (e.to === node.key && !out.has(e.toField) && fromNode.primaryKey.includes(e.fromField)) {
      out.set(e.toField, `reference to ${e.from}.${e.fromField}: masking it would break the link`);
    }
  }
  return out;
}

const keyOf = (node: CollectionNode, row: Row) => node.primaryKey.map((k) => valueAt(row, k));

/** One step per reached collection: which rows change and to what, decided before any write. */
export function planErasure(
  graph: TraversalGraph,
  rows: Map<string, Row[]>,
  reads: Map<string, CollectionResult>,
  policy: ErasurePolicy,
): JournalStep[] {
  const secret = randomBytes(32);
  const steps: JournalStep[] = [];
  for (const key of graph.levels.flat()) {
    const node = graph.nodes.get(key)!;
    const read = reads.get(key);
    const base = {
      collection: key,
      keyColumns: node.primaryKey,
      changes: [],
      keys: [],
      maskedFields: [],
      protectedFields: [],
      attempts: 0,
    };
    if (read?.status === 'pending') {
      steps.push({
        ...base,
        action: 'manual',
        phase: 'write',
        status: 'pending',
        task: read.task,
        reason: read.reason,
      });
      continue;
    }
    if (read && read.status !== 'succeeded') {
      steps.push({
        ...base,
        action: 'none',
        phase: 'read',
        status: read.status === 'failed' ? 'failed' : 'skipped',
        error: read.error,
        reason: read.reason,
      });
      continue;
    }
    const override = node.collection.fides_meta?.masking_strategy_override;
    const forced: MaskingStrategy | undefined = override ? overrideStrategy(override) : undefined;
    const targeted = node.fields
      .filter((f) => f.isLeaf)
      .map((f) => ({ field: f, strategy: strategyFor(f, policy) }))
      .filter((t): t is { field: typeof t.field; strategy: MaskingStrategy } => t.strategy !== undefined)
      .map((t) => ({ field: t.field, strategy: forced ?? t.strategy }));
    const found = rows.get(key) ?? [];
    if (targeted.length === 0) {
      steps.push({
        ...base,
        action: 'none',
        phase: 'write',
        status: 'skipped',
        reason: 'no field in the target categories',
      });
      continue;
    }
    if (found.length === 0) {
      steps.push({
        ...base,
        action: 'none',
        phase: 'write',
        status: 'skipped',
        reason: 'no rows for this person',
      });
      continue;
    }
    if (node.primaryKey.length === 0) {
      steps.push({
        ...base,
        action: 'none',
        phase: 'write',
        status: 'failed',
        error: {
          code: 'validation_failed',
          message: `${key} declares no primary key, so its rows cannot be changed safely`,
        },
      });
      continue;
    }
    if (targeted.some((t) => t.strategy.type === 'delete_row')) {
      steps.push({
        ...base,
        action: 'delete',
        phase: 'write',
        status: 'pending',
        keys: found.map((r) => keyOf(node, r)),
        maskedFields: targeted.map((t) => t.field.path),
      });
      continue;
    }
    const guard = protectedFields(graph, node);
    const masked = targeted.filter((t) => !guard.has(t.field.path));
    const kept = targeted
      .filter((t) => guard.has(t.field.path))
      .map((t) => ({ field: t.field.path, reason: guard.get(t.field.path)! }));
    const changes: JournalStep['changes'] = found.map((row) => ({
      key: keyOf(node, row),
      assignments: masked
        .filter((t) => t.field.member.length === 0 || valueAt(row, t.field.path) !== undefined)
        .map((t) => ({
          column: t.field.column,
          path: t.field.member,
          value: maskValue(t.strategy, valueAt(row, t.field.path), t.field, secret),
        })),
    }));
    steps.push({
      ...base,
      action: masked.length ? 'mask' : 'none',
      phase: 'write',
      status: masked.length ? 'pending' : 'skipped',
      changes: masked.length ? changes.filter((c) => c.assignments.length > 0) : [],
      maskedFields: masked.map((t) => t.field.path),
      protectedFields: kept,
      ...(masked.length ? {} : { reason: 'every targeted field is protected' }),
    });
  }
  return orderForWrites(graph, steps);
}

/**
 * Children before parents (a row pointing at another by its primary key goes first: a
 * foreign key would refuse the reverse), then `erase_after` as declared.
 */
export function orderForWrites(graph: TraversalGraph, steps: JournalStep[]): JournalStep[] {
  const keys = steps.map((s) => s.collection);
  const order: { from: string; fromField: string; to: string; toField: string }[] = [];
  for (const e of graph.edges) {
    const fromNode = graph.nodes.get(e.from);
    const toNode = graph.nodes.get(e.to);
    if (!fromNode || !toNode || e.from === e.to) continue;
    const fromIsKey = fromNode.primaryKey.includes(e.fromField);
    const toIsKey = toNode.primaryKey.includes(e.toField);
    if (fromIsKey && !toIsKey) order.push({ from: e.to, fromField: '', to: e.from, toField: '' });
    if (toIsKey && !fromIsKey) order.push({ from: e.from, fromField: '', to: e.to, toField: '' });
  }
  for (const key of keys) {
    const node = graph.nodes.get(key)!;
    for (const before of node.collection.fides_meta?.erase_after ?? []) {
      const [ds, ...rest] = before.split('.');
      order.push({ from: `${ds}:${rest.join('.')}`, fromField: '', to: key, toField: '' });
    }
  }
  const { levels, cyclic } = layer(keys, order);
  const sequence = [...levels.flat(), ...cyclic];
  return sequence.map((k) => steps.find((s) => s.collection === k)!);
}
