import type { Connector, FieldFilter, Row } from '../connectors/connector.ts';
import { ManualTaskPending } from '../connectors/manual-connector.ts';
import { AppError, isAppError } from '../errors.ts';
import type { CollectionNode, TraversalGraph } from './build-graph.ts';
import type { CollectionResult, ProgressListener } from './collection-result.ts';

/** Identity type → the values the person gave (an email, a customer id, …). */
export type Identities = Record<string, readonly unknown[]>;

export interface TraverseOptions {
  graph: TraversalGraph;
  identities: Identities;
  /** The connector for a dataset fides_key, or undefined when none is configured. */
  connectorFor: (dataset: string) => Connector | undefined;
  onProgress?: ProgressListener | undefined;
}

export interface TraversalOutcome {
  /** Rows per collection key, deduplicated by primary key and projected to declared fields. */
  rows: Map<string, Row[]>;
  results: Map<string, CollectionResult>;
  /** The condition each collection was read with (filters OR-ed): how erasure finds keyless rows again. */
  conditions: Map<string, FieldFilter[]>;
}

/** Value at a dotted path (`profile.phone`) in a row whose JSON columns are parsed. */
export function valueAt(row: Row, path: string): unknown {
  let at: unknown = row;
  for (const part of path.split('.')) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

/**
 * Keeps only declared members of JSON columns: a store may hold more inside a JSON value
 * than the dataset admits to, and what is not declared never leaves the engine.
 */
export function projectRow(node: CollectionNode, raw: Row): Row {
  const out: Row = {};
  for (const column of node.columns) {
    const field = node.collection.fields.find((f) => f.name === column);
    let value = raw[column];
    if (field?.fields?.length) {
      if (typeof value === 'string') {
        try {
          value = JSON.parse(value);
        } catch {
          // Not JSON after all: keep nothing from it rather than guess.
          value = null;
        }
      }
      value = projectJson(value, field.fields);
    }
    out[column] = value;
  }
  return out;
}

type Declared = { name: string; fields?: Declared[] | null | undefined };
function projectJson(value: unknown, declared: readonly Declared[]): unknown {
  if (Array.isArray(value)) return value.map((v) => projectJson(v, declared));
  if (value === null || typeof value !== 'object') return value ?? null;
  const out: Record<string, unknown> = {};
  for (const d of declared) {
    if (!(d.name in value)) continue;
    const v = (value as Record<string, unknown>)[d.name];
    out[d.name] = d.fields?.length ? projectJson(v, d.fields) : v;
  }
  return out;
}

export function rowKey(node: CollectionNode, row: Row): string {
  const parts = node.primaryKey.length ? node.primaryKey.map((k) => valueAt(row, k)) : Object.values(row);
  return JSON.stringify(parts.map((p) => (p instanceof Date ? p.toISOString() : p)));
}

function distinct(values: Iterable<unknown>): unknown[] {
  const seen = new Map<string, unknown>();
  for (const v of values) {
    if (v === null || v === undefined) continue;
    const k = v instanceof Date ? v.toISOString() : `${typeof v}:${String(v)}`;
    if (!seen.has(k)) seen.set(k, v);
  }
  return [...seen.values()];
}

export function describeError(err: unknown): { code: string; message: string } {
  if (isAppError(err)) return { code: err.code, message: err.message };
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) };
}

/**
 * Reads every reachable collection level by level. Within a level the collections are read
 * in parallel; each is one batched query (per 1,000 values) whose inputs are OR-ed, so the
 * number of statements depends on the number of collections, not on the number of rows.
 */
export async function traverse(options: TraverseOptions): Promise<TraversalOutcome> {
  const { graph, identities } = options;
  const rows = new Map<string, Row[]>();
  const results = new Map<string, CollectionResult>();
  const conditions = new Map<string, FieldFilter[]>();

  const readOne = async (key: string): Promise<CollectionResult> => {
    const node = graph.nodes.get(key)!;
    const started = performance.now();
    const inputs = graph.inputs.get(key) ?? [];
    const blocked = inputs.flatMap((i) =>
      i.kind === 'edge' && results.get(i.from)?.status !== 'succeeded' ? [i.from] : [],
    );
    if (blocked.length) {
      const first = blocked[0]!;
      const status = results.get(first)?.status ?? 'skipped';
      return {
        collection: key,
        status: status === 'pending' ? 'pending' : 'skipped',
        rows: 0,
        reason: `needs ${first}, which ${status === 'pending' ? 'is waiting for a person' : `did not succeed (${status})`}`,
      };
    }
    const byField = new Map<string, unknown[]>();
    for (const input of inputs) {
      const values =
        input.kind === 'identity'
          ? [...(identities[input.identity] ?? [])]
          : (rows.get(input.from) ?? []).map((r) => valueAt(r, input.fromField));
      byField.set(input.field, [...(byField.get(input.field) ?? []), ...values]);
    }
    const where: FieldFilter[] = [...byField]
      .map(([field, values]) => ({ field, values: distinct(values) }))
      .filter((f) => f.values.length > 0);
    if (where.length === 0) {
      rows.set(key, []);
      return { collection: key, status: 'succeeded', rows: 0, reason: 'no values to look up' };
    }
    conditions.set(key, where);
    try {
      const connector = options.connectorFor(node.ref.dataset);
      if (!connector) {
        throw new AppError(
          'bad_request',
          `no connection for dataset ${node.ref.dataset}: give the system that stores it a connection`,
        );
      }
      const raw = await connector.read({ collection: node.ref, columns: node.columns, where });
      const unique = new Map<string, Row>();
      // Without a primary key, identical rows are rows of their own (two equal log lines are
      // two lines). One filter's values are split across statements without overlap, so no
      // row comes back twice; with several filters a row can, and equal rows are merged.
      const keepAll = node.primaryKey.length === 0 && where.length === 1;
      raw.forEach((r, i) => {
        const projected = projectRow(node, r);
        unique.set(keepAll ? String(i) : rowKey(node, projected), projected);
      });
      rows.set(key, [...unique.values()]);
      return {
        collection: key,
        status: 'succeeded',
        rows: unique.size,
        durationMs: Math.round(performance.now() - started),
      };
    } catch (err) {
      if (err instanceof ManualTaskPending) {
        return { collection: key, status: 'pending', rows: 0, task: err.task, reason: err.message };
      }
      return { collection: key, status: 'failed', rows: 0, error: describeError(err) };
    }
  };

  for (const level of graph.levels) {
    await Promise.all(
      level.map(async (key) => {
        await options.onProgress?.({ type: 'start', collection: key, phase: 'read' });
        const result = await readOne(key);
        results.set(key, result);
        await options.onProgress?.({ type: 'done', result, phase: 'read' });
      }),
    );
  }
  for (const key of graph.unreachable) {
    results.set(key, {
      collection: key,
      status: 'skipped',
      rows: 0,
      reason: 'not reachable from the identities given',
    });
  }
  return { rows, results, conditions };
}
