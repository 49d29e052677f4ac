import { randomBytes } from 'node:crypto';
import type { FieldFilter, Row } from '../connectors/connector.ts';
import type { CollectionNode, TraversalGraph } from './build-graph.ts';
import { layer } from './build-graph.ts';
import {
  type ErasurePolicy,
  type MaskingStrategy,
  maskValue,
  overrideStrategy,
  strategyFor,
} from './masking.ts';
import type { JournalStep } from './run-journal.ts';
import { type TraversalOutcome, valueAt } from './traverse.ts';

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

/**
 * Says how the rows of a collection without a primary key are found again for a write: by
 * the condition they were read with. The values themselves stay in the journal, not here.
 */
export function matchedByCondition(where: readonly FieldFilter[]): string {
  const parts = where.map((f) => `${f.field} (${f.values.length} value${f.values.length === 1 ? '' : 's'})`);
  return `no primary key: rows are matched by the condition they were found with, ${parts.join(' or ')}, not by key`;
}

/** A value's identity among others (dates by instant), to list each old value once. */
const valueId = (v: unknown) => (v instanceof Date ? `date:${v.toISOString()}` : `${typeof v}:${String(v)}`);

type Targeted = { field: CollectionNode['fields'][number]; strategy: MaskingStrategy };

/**
 * The step for a collection without a primary key: the rows matching the condition the
 * traversal read them with are deleted, or masked. `null` and `fixed` give every row the same
 * value; `hash` depends on the value alone, so it is a map from each old value found to its
 * hash. `random` is refused: it promises every row a value of its own, and rows without a key
 * cannot be told apart to receive one. Giving one random value per old value instead would
 * keep equal values equal, a pseudonym like `hash` that the policy did not ask for.
 */
function planMatched(
  graph: TraversalGraph,
  node: CollectionNode,
  base: Omit<JournalStep, 'action' | 'phase' | 'status'>,
  targeted: readonly Targeted[],
  found: readonly Row[],
  where: FieldFilter[],
  secret: Buffer,
): JournalStep {
  const reason = matchedByCondition(where);
  const match: NonNullable<JournalStep['match']> = {
    where: where.map((f) => ({ field: f.field, values: [...f.values] })),
    assignments: [],
    rows: found.length,
  };
  if (targeted.some((t) => t.strategy.type === 'delete_row')) {
    return {
      ...base,
      action: 'delete',
      phase: 'write',
      status: 'pending',
      match,
      maskedFields: targeted.map((t) => t.field.path),
      reason,
    };
  }
  const guard = protectedFields(graph, node);
  const masked = targeted.filter((t) => !guard.has(t.field.path));
  const kept = targeted
    .filter((t) => guard.has(t.field.path))
    .map((t) => ({ field: t.field.path, reason: guard.get(t.field.path)! }));
  const refuse = (t: Targeted, why: string): JournalStep => ({
    ...base,
    action: 'none',
    phase: 'write',
    status: 'failed',
    maskedFields: [],
    protectedFields: kept,
    error: { code: 'validation_failed', message: `${node.key}.${t.field.path}: ${why}` },
  });
  for (const t of masked) {
    if (t.strategy.type === 'random') {
      return refuse(
        t,
        `random masking gives every row a value of its own, and ${node.key} declares no primary key, so its rows cannot be told apart to receive one; mask this field with hash, fixed or null, or declare the table's primary key (fides_meta.primary_key)`,
      );
    }
    if (t.strategy.type === 'hash' && t.field.member.length) {
      return refuse(
        t,
        `hash masking of a member inside a JSON column needs the row's primary key, and ${node.key} declares none; mask this field with fixed or null, or declare the table's primary key (fides_meta.primary_key)`,
      );
    }
  }
  for (const t of masked) {
    if (t.strategy.type !== 'hash') {
      match.assignments.push({
        column: t.field.column,
        path: t.field.member,
        value: maskValue(t.strategy, null, t.field, secret),
      });
      continue;
    }
    const olds = new Map<string, unknown>();
    for (const row of found) {
      const v = valueAt(row, t.field.path);
      if (v !== null && v !== undefined) olds.set(valueId(v), v);
    }
    if (olds.size === 0) continue;
    match.assignments.push({
      column: t.field.column,
      path: [],
      byValue: [...olds.values()].map((v): [unknown, unknown] => [
        v,
        maskValue(t.strategy, v, t.field, secret),
      ]),
    });
  }
  const changes = match.assignments.length > 0;
  return {
    ...base,
    action: changes ? 'mask' : 'none',
    phase: 'write',
    status: changes ? 'pending' : 'skipped',
    ...(changes ? { match } : {}),
    maskedFields: changes ? masked.map((t) => t.field.path) : [],
    protectedFields: kept,
    reason: changes
      ? reason
      : masked.length
        ? 'the targeted fields hold no value to hash'
        : 'every targeted field is protected',
  };
}

/** One step per reached collection: which rows change and to what, decided before any write. */
export function planErasure(
  graph: TraversalGraph,
  outcome: TraversalOutcome,
  policy: ErasurePolicy,
): JournalStep[] {
  const { rows, results: reads } = outcome;
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
      steps.push(planMatched(graph, node, base, targeted, found, outcome.conditions.get(key) ?? [], secret));
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
