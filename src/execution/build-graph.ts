import type { CollectionRef } from '../connectors/connector.ts';
import { type Collection, type Dataset, type DatasetField, flattenFields } from '../program/dataset.ts';

/** A declared field with its dotted path (nested JSON members are `column.member`). */
export interface GraphField {
  path: string;
  /** The table column holding it (first path segment). */
  column: string;
  /** Path inside the JSON column; empty for a plain column. */
  member: string[];
  categories: string[];
  isLeaf: boolean;
  dataType?: string | undefined;
  length?: number | undefined;
}

/** One collection of one dataset, as the traversal sees it. */
export interface CollectionNode {
  /** `<dataset>:<collection>`, the key used in packages, results and journals. */
  key: string;
  ref: CollectionRef;
  dataset: Dataset;
  collection: Collection;
  fields: GraphField[];
  /** Top-level columns the dataset declares: the only ones ever selected. */
  columns: string[];
  primaryKey: string[];
  /** Identity type (email, customer_id, …) → field that holds it. */
  identities: { field: string; identity: string }[];
}

/** Values of `from.fromField` select rows of `to` whose `toField` matches. */
export interface Edge {
  from: string;
  fromField: string;
  to: string;
  toField: string;
}

export type FindingCode = 'unreachable' | 'cycle' | 'unknown_reference' | 'nested_lookup' | 'unknown_after';

/** A problem found in the datasets before any query runs. Errors stop the run. */
export interface Finding {
  severity: 'error' | 'warning';
  code: FindingCode;
  collection?: string;
  message: string;
}

/** Input to one collection: an identity the person gave, or values from an upstream collection. */
export type CollectionInput =
  | { kind: 'identity'; identity: string; field: string }
  | { kind: 'edge'; from: string; fromField: string; field: string };

export interface TraversalGraph {
  nodes: Map<string, CollectionNode>;
  /** Every reference between two known collections, in the direction values flow. */
  edges: Edge[];
  /** Reachable collections in levels: each level only needs rows from earlier ones. */
  levels: string[][];
  inputs: Map<string, CollectionInput[]>;
  unreachable: string[];
  findings: Finding[];
}

export const collectionKey = (dataset: string, collection: string) => `${dataset}:${collection}`;

/** The schema or database a dataset's `fides_meta.namespace` names, if any. */
export function namespaceOf(dataset: Dataset): string | undefined {
  const ns = dataset.fides_meta?.namespace;
  if (!ns) return undefined;
  for (const k of ['schema', 'database_name', 'database', 'schema_name']) {
    const v = ns[k];
    if (typeof v === 'string' && v) return v;
  }
  return undefined;
}

function toGraphField(path: string, field: DatasetField, inherited: string[]): GraphField {
  const [column, ...member] = path.split('.');
  return {
    path,
    column: column!,
    member,
    categories: field.data_categories ?? inherited,
    isLeaf: !field.fields?.length,
    dataType: field.fides_meta?.data_type ?? undefined,
    length: field.fides_meta?.length ?? undefined,
  };
}

/** Nodes for every collection not marked `skip_processing`. */
export function collectionNodes(datasets: readonly Dataset[]): Map<string, CollectionNode> {
  const nodes = new Map<string, CollectionNode>();
  for (const dataset of datasets) {
    const schema = namespaceOf(dataset);
    for (const collection of dataset.collections) {
      if (collection.fides_meta?.skip_processing) continue;
      const flat = flattenFields(collection.fields);
      const inherited = collection.data_categories ?? [];
      nodes.set(collectionKey(dataset.fides_key, collection.name), {
        key: collectionKey(dataset.fides_key, collection.name),
        ref: { dataset: dataset.fides_key, collection: collection.name, schema },
        dataset,
        collection,
        fields: flat.map(({ path, field }) => toGraphField(path, field, inherited)),
        columns: collection.fields.map((f) => f.name),
        primaryKey: flat.filter(({ field }) => field.fides_meta?.primary_key).map(({ path }) => path),
        identities: flat
          .filter(({ field }) => field.fides_meta?.identity)
          .map(({ path, field }) => ({ field: path, identity: field.fides_meta!.identity! })),
      });
    }
  }
  return nodes;
}

/**
 * Builds the traversal from the identity types a person gave, through dataset references,
 * to every collection that can be reached. Undirected references flow away from the
 * identities (and from a primary key to the fields that point at it when both ends are
 * equally close); `direction` is obeyed as written. Problems are findings, not exceptions.
 */
export function buildGraph(datasets: readonly Dataset[], identityTypes: readonly string[]): TraversalGraph {
  const nodes = collectionNodes(datasets);
  const findings: Finding[] = [];
  const given = new Set(identityTypes);
  const declared: (Edge & { directed: boolean })[] = [];
  const skipped = new Set<string>();
  for (const dataset of datasets) {
    for (const collection of dataset.collections) {
      if (collection.fides_meta?.skip_processing)
        skipped.add(collectionKey(dataset.fides_key, collection.name));
    }
  }

  for (const node of nodes.values()) {
    for (const { path, field } of flattenFields(node.collection.fields)) {
      for (const ref of field.fides_meta?.references ?? []) {
        const [targetCollection, ...rest] = ref.field.split('.');
        const targetKey = collectionKey(ref.dataset, targetCollection ?? '');
        const target = nodes.get(targetKey);
        if (!target) {
          if (!skipped.has(targetKey)) {
            findings.push({
              severity: 'error',
              code: 'unknown_reference',
              collection: node.key,
              message: `${node.key}.${path} references ${ref.dataset}.${ref.field}, which no dataset declares`,
            });
          }
          continue;
        }
        const targetField = rest.join('.');
        if (!target.fields.some((f) => f.path === targetField)) {
          findings.push({
            severity: 'error',
            code: 'unknown_reference',
            collection: node.key,
            message: `${node.key}.${path} references field "${targetField}" that ${targetKey} does not declare`,
          });
          continue;
        }
        const forward = { from: node.key, fromField: path, to: targetKey, toField: targetField };
        const backward = { from: targetKey, fromField: targetField, to: node.key, toField: path };
        if (ref.direction === 'to') declared.push({ ...forward, directed: true });
        else if (ref.direction === 'from') declared.push({ ...backward, directed: true });
        else declared.push({ ...forward, directed: false }, { ...backward, directed: false });
      }
    }
  }

  // Distance from the identities decides which way an undirected reference is walked.
  const dist = new Map<string, number>();
  const queue: string[] = [];
  for (const node of nodes.values()) {
    if (node.identities.some((i) => given.has(i.identity))) {
      dist.set(node.key, 0);
      queue.push(node.key);
    }
  }
  for (let i = 0; i < queue.length; i++) {
    const at = queue[i]!;
    for (const e of declared) {
      if (e.from === at && !dist.has(e.to)) {
        dist.set(e.to, dist.get(at)! + 1);
        queue.push(e.to);
      }
    }
  }
  const isKey = (key: string, field: string) => nodes.get(key)?.primaryKey.includes(field) ?? false;
  const kept: Edge[] = [];
  for (const e of declared) {
    const df = dist.get(e.from);
    const dt = dist.get(e.to);
    if (df === undefined || dt === undefined || e.from === e.to) continue;
    if (e.directed) kept.push(e);
    else if (df < dt) kept.push(e);
    else if (df === dt) {
      // Equally close: values flow from the primary key to the fields that point at it.
      const fromKey = isKey(e.from, e.fromField);
      const toKey = isKey(e.to, e.toField);
      if ((fromKey && !toKey) || (fromKey === toKey && e.from < e.to)) kept.push(e);
    }
  }
  const edges = dedupeEdges(kept);

  const reachable = [...nodes.keys()].filter((k) => dist.has(k));
  const unreachable = [...nodes.keys()].filter((k) => !dist.has(k));
  for (const key of unreachable) {
    findings.push({
      severity: 'warning',
      code: 'unreachable',
      collection: key,
      message: `${key} cannot be reached from the identities given (${[...given].join(', ') || 'none'}): no identity field and no reference path`,
    });
  }
  for (const node of nodes.values()) {
    for (const f of node.identities) {
      if (f.field.includes('.') && given.has(f.identity)) {
        findings.push({
          severity: 'warning',
          code: 'nested_lookup',
          collection: node.key,
          message: `${node.key}.${f.field}: identities inside JSON columns are not looked up`,
        });
      }
    }
  }

  // Ordering-only constraints from `after` (collection `dataset.collection`, dataset keys).
  const order: Edge[] = [...edges];
  for (const key of reachable) {
    const node = nodes.get(key)!;
    const afters = [
      ...(node.collection.fides_meta?.after ?? []).map((a) => {
        const [ds, ...coll] = a.split('.');
        return [collectionKey(ds ?? '', coll.join('.'))];
      }),
      ...(node.dataset.fides_meta?.after ?? []).map((ds) => reachable.filter((k) => k.startsWith(`${ds}:`))),
    ];
    for (const group of afters) {
      for (const before of group) {
        if (dist.has(before)) order.push({ from: before, fromField: '', to: key, toField: '' });
        else if (!nodes.has(before))
          findings.push({
            severity: 'warning',
            code: 'unknown_after',
            collection: key,
            message: `${key} is to run after ${before}, which is not a known collection`,
          });
      }
    }
  }

  const { levels, cyclic } = layer(reachable, order);
  if (cyclic.length) {
    findings.push({
      severity: 'error',
      code: 'cycle',
      message: `references form a cycle through ${cyclic.join(', ')}; mark one reference with direction: to|from to break it`,
    });
  }

  const inputs = new Map<string, CollectionInput[]>();
  for (const key of reachable) {
    const node = nodes.get(key)!;
    const list: CollectionInput[] = node.identities
      .filter((i) => given.has(i.identity) && !i.field.includes('.'))
      .map((i) => ({ kind: 'identity', identity: i.identity, field: i.field }));
    for (const e of edges) {
      if (e.to === key) list.push({ kind: 'edge', from: e.from, fromField: e.fromField, field: e.toField });
    }
    inputs.set(key, list);
  }
  return { nodes, edges: dedupeEdges(declared), levels, inputs, unreachable, findings };
}

function dedupeEdges(edges: readonly Edge[]): Edge[] {
  const seen = new Map<string, Edge>();
  for (const e of edges) {
    seen.set(`${e.from}|${e.fromField}|${e.to}|${e.toField}`, {
      from: e.from,
      fromField: e.fromField,
      to: e.to,
      toField: e.toField,
    });
  }
  return [...seen.values()];
}

/** Kahn's algorithm by levels; whatever cannot be placed sits on a cycle. */
export function layer(
  keys: readonly string[],
  order: readonly Edge[],
): { levels: string[][]; cyclic: string[] } {
  const indegree = new Map(keys.map((k) => [k, 0]));
  const out = new Map<string, string[]>();
  for (const e of order) {
    if (!indegree.has(e.from) || !indegree.has(e.to) || e.from === e.to) continue;
    indegree.set(e.to, indegree.get(e.to)! + 1);
    out.set(e.from, [...(out.get(e.from) ?? []), e.to]);
  }
  const levels: string[][] = [];
  let current = keys.filter((k) => indegree.get(k) === 0);
  const placed = new Set<string>();
  while (current.length) {
    levels.push([...current].sort());
    const next: string[] = [];
    for (const k of current) {
      placed.add(k);
      for (const to of out.get(k) ?? []) {
        const d = indegree.get(to)! - 1;
        indegree.set(to, d);
        if (d === 0) next.push(to);
      }
    }
    current = next;
  }
  return { levels, cyclic: keys.filter((k) => !placed.has(k)) };
}
