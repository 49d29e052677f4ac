import type { Connector } from '../connectors/connector.ts';
import {
  type ConnectorSet,
  type OpenConnectorsOptions,
  openConnectors,
} from '../connectors/open-connectors.ts';
import { AppError } from '../errors.ts';
import type { Dataset } from '../program/dataset.ts';
import type { Program } from '../program/load-program.ts';
import type { ProgramDoc } from '../program/schema.ts';
import type { Taxonomy } from '../program/taxonomy.ts';
import { buildGraph, type Finding, type TraversalGraph } from './build-graph.ts';
import type { ProgressListener } from './collection-result.ts';
import type { Identities } from './traverse.ts';

/** What the engine needs from a program; a loaded Program fits, and so do bare datasets. */
export interface EngineProgram {
  datasets: Dataset[];
  taxonomy: Taxonomy;
  doc?: ProgramDoc | undefined;
}

/** Options every run takes. */
export interface RunOptions {
  /** Identity type → value(s): `{ email: 'a@b.c', customer_id: [42] }`. */
  identities: Record<string, unknown>;
  /** Data categories in scope (prefix match on the taxonomy); default `['user']`. */
  targets?: string[];
  /**
   * Connectors to use. Either a ready set (the caller closes it), or options to open one
   * from the program's systems (secrets by name from `env`); closed when the run ends.
   */
  connectors?: ConnectorSet | OpenConnectorsOptions;
  onProgress?: ProgressListener;
}

export interface PreparedRun {
  graph: TraversalGraph;
  identities: Identities;
  targets: string[];
  findings: Finding[];
  connectorFor(dataset: string): Connector | undefined;
  close(): Promise<void>;
}

/** Normalises identities, builds the graph and refuses to run when the datasets have errors. */
export function prepareRun(program: EngineProgram | Program, options: RunOptions): PreparedRun {
  const identities: Identities = {};
  for (const [type, raw] of Object.entries(options.identities)) {
    const values = (Array.isArray(raw) ? raw : [raw]).filter(
      (v) => v !== undefined && v !== null && v !== '',
    );
    if (values.length) identities[type] = values;
  }
  if (Object.keys(identities).length === 0) {
    throw new AppError('bad_request', 'give at least one identity (for example email=person@example.com)');
  }
  const graph = buildGraph(program.datasets, Object.keys(identities));
  const errors = graph.findings.filter((f) => f.severity === 'error');
  if (errors.length) {
    throw new AppError('validation_failed', `the datasets cannot be traversed: ${errors[0]!.message}`, {
      details: { findings: errors },
    });
  }
  const given = options.connectors;
  const isSet = (c: unknown): c is ConnectorSet =>
    typeof c === 'object' && c !== null && typeof (c as ConnectorSet).forDataset === 'function';
  let set: ConnectorSet;
  let owned = false;
  if (isSet(given)) set = given;
  else if ('doc' in program && program.doc && 'locate' in program) {
    set = openConnectors(program as Program, given ?? {});
    owned = true;
  } else {
    const overrides = given?.overrides ?? {};
    set = { bySystem: new Map(), forDataset: (d) => overrides[d], close: async () => {} };
  }
  return {
    graph,
    identities,
    targets: options.targets?.length ? options.targets : ['user'],
    findings: graph.findings,
    connectorFor: (d) => set.forDataset(d),
    close: async () => {
      if (owned) await set.close();
    },
  };
}
