import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import type { Row } from '../connectors/connector.ts';
import type { Program } from '../program/load-program.ts';
import type { Finding } from './build-graph.ts';
import type { CollectionResult } from './collection-result.ts';
import { type EngineProgram, prepareRun, type RunOptions } from './prepare-run.ts';
import type { PackageSection } from './render-access-html.ts';
import { pickFields, targetedFields } from './select-fields.ts';
import { traverse } from './traverse.ts';
import { writeAccessPackage } from './write-access-package.ts';

export interface AccessOptions extends RunOptions {
  /** Where the zip goes: a file path or a stream. Omit to get the data without a package. */
  packageTo?: string | Writable;
}

export interface AccessRunResult {
  runId: string;
  /** One result per collection, reachable or not, in traversal order. */
  results: CollectionResult[];
  findings: Finding[];
  /** Collection key → rows, cut down to the target categories (what the package holds). */
  data: Record<string, Row[]>;
  package?: { location: string | undefined; bytes: number };
  /** True when every reachable collection succeeded. */
  ok: boolean;
}

/** Keeps the traversal order (level by level), then the unreachable ones. */
export function orderedResults(
  levels: string[][],
  results: Map<string, CollectionResult>,
): CollectionResult[] {
  const seen = new Set(levels.flat());
  return [...levels.flat(), ...[...results.keys()].filter((k) => !seen.has(k))].flatMap((k) => {
    const r = results.get(k);
    return r ? [r] : [];
  });
}

export function isRunOk(results: readonly CollectionResult[]): boolean {
  return results.every(
    (r) => r.status === 'succeeded' || (r.status === 'skipped' && r.reason?.startsWith('not reachable')),
  );
}

/**
 * Finds everything held about a person and, with `packageTo`, writes the access package.
 * Collections that fail do not stop the others; each gets its own result.
 *
 * @example
 *   const r = await runAccess(program, { identities: { email: 'a@b.c' }, packageTo: 'out/access.zip' });
 *   if (!r.ok) console.log(r.results.filter((x) => x.status !== 'succeeded'));
 */
export async function runAccess(
  program: EngineProgram | Program,
  options: AccessOptions,
): Promise<AccessRunResult> {
  const run = prepareRun(program, options);
  try {
    const outcome = await traverse({
      graph: run.graph,
      identities: run.identities,
      connectorFor: run.connectorFor,
      onProgress: options.onProgress,
    });
    const sections = packageSections(run.graph, outcome.rows, run.targets);
    const results = orderedResults(run.graph.levels, outcome.results);
    const data = Object.fromEntries(sections.map((s) => [s.key, s.rows]));
    let pkg: AccessRunResult['package'];
    if (options.packageTo) {
      const { bytes } = await writeAccessPackage({
        sections,
        taxonomy: program.taxonomy,
        doc: program.doc,
        identityTypes: Object.keys(run.identities),
        destination: options.packageTo,
      });
      pkg = { location: typeof options.packageTo === 'string' ? options.packageTo : undefined, bytes };
    }
    return {
      runId: randomUUID(),
      results,
      findings: run.findings,
      data,
      ...(pkg ? { package: pkg } : {}),
      ok: isRunOk(results),
    };
  } finally {
    await run.close();
  }
}

/** Rows per collection restricted to the target categories; collections with nothing left are dropped. */
export function packageSections(
  graph: ReturnType<typeof prepareRun>['graph'],
  rows: Map<string, Row[]>,
  targets: readonly string[],
): PackageSection[] {
  const sections: PackageSection[] = [];
  for (const key of graph.levels.flat()) {
    const node = graph.nodes.get(key)!;
    const fields = targetedFields(node, targets);
    if (fields.length === 0) continue;
    const kept = (rows.get(key) ?? [])
      .map((r) => pickFields(r, fields))
      .filter((r): r is Row => r !== undefined);
    if (kept.length === 0) continue;
    sections.push({ key, dataset: node.dataset, collection: node.collection.name, fields, rows: kept });
  }
  return sections;
}
