import { AppError } from '../errors.ts';
import type { Program } from '../program/load-program.ts';
import { applySteps, stepResult } from './apply-steps.ts';
import type { Finding } from './build-graph.ts';
import type { CollectionResult } from './collection-result.ts';
import { matchedByCondition, protectedFields } from './plan-erasure.ts';
import { type EngineProgram, prepareRun, type RunOptions } from './prepare-run.ts';
import { planOrResume, withUnreachable } from './run-erasure.ts';
import type { JournalStep, RunJournal } from './run-journal.ts';
import { traverse, valueAt } from './traverse.ts';

/** A corrected value: `field` is `<dataset>:<collection>.<field>` or `<collection>.<field>`. */
export interface Correction {
  field: string;
  value: unknown;
}

export interface RectificationOptions extends RunOptions {
  corrections: Correction[];
  dryRun?: boolean;
  /** Holds the plan and the previous values (which are kept here, not in the store). */
  journal?: RunJournal;
}

export interface RectificationRunResult {
  runId: string;
  results: CollectionResult[];
  findings: Finding[];
  /** Collection → rows' previous values, for the request's record. */
  previous: Record<string, { key: unknown[]; values: Record<string, unknown> }[]>;
  dryRun: boolean;
  resumed: boolean;
  ok: boolean;
}

/**
 * Corrects fields of every row held about a person. Primary keys and references stay as
 * they are (the result says why); the previous values go into the run's journal.
 */
export async function runRectification(
  program: EngineProgram | Program,
  options: RectificationOptions,
): Promise<RectificationRunResult> {
  if (options.corrections.length === 0)
    throw new AppError('bad_request', 'give at least one correction (field=value)');
  const run = prepareRun(program, options);
  try {
    const targets = options.corrections.map((c) => {
      const colon = c.field.indexOf(':');
      const rest = c.field.slice(colon + 1);
      const dot = rest.indexOf('.');
      const collection = rest.slice(0, dot);
      const field = rest.slice(dot + 1);
      const dataset = colon > 0 ? c.field.slice(0, colon) : undefined;
      const matches = [...run.graph.nodes.values()].filter(
        (n) => n.collection.name === collection && (dataset === undefined || n.ref.dataset === dataset),
      );
      if (dot < 1 || matches.length !== 1) {
        throw new AppError(
          'bad_request',
          `correction "${c.field}": name one collection and field, as <dataset>:<collection>.<field> or <collection>.<field>`,
        );
      }
      const node = matches[0]!;
      const declared = node.fields.find((f) => f.path === field);
      if (!declared) {
        throw new AppError(
          'bad_request',
          `correction "${c.field}": ${node.key} declares no field "${field}"`,
        );
      }
      return { node, field: declared, value: c.value };
    });
    const plan = async (): Promise<JournalStep[]> => {
      const outcome = await traverse({
        graph: run.graph,
        identities: run.identities,
        connectorFor: run.connectorFor,
      });
      const steps: JournalStep[] = [];
      for (const node of new Set(targets.map((t) => t.node))) {
        const mine = targets.filter((t) => t.node === node);
        const guard = protectedFields(run.graph, node);
        const blocked = mine.filter((t) => guard.has(t.field.path));
        const allowed = mine.filter((t) => !guard.has(t.field.path));
        const read = outcome.results.get(node.key);
        const rows = outcome.rows.get(node.key) ?? [];
        const base = {
          collection: node.key,
          keyColumns: node.primaryKey,
          keys: [],
          maskedFields: allowed.map((t) => t.field.path),
          protectedFields: blocked.map((t) => ({ field: t.field.path, reason: guard.get(t.field.path)! })),
          attempts: 0,
        };
        if (read?.status !== 'succeeded') {
          steps.push({
            ...base,
            action: 'none',
            phase: 'read',
            changes: [],
            status: read?.status === 'failed' ? 'failed' : 'skipped',
            error: read?.error,
            reason: read?.reason ?? 'not reachable from the identities given',
          });
          continue;
        }
        if (allowed.length === 0 || rows.length === 0) {
          steps.push({
            ...base,
            action: 'none',
            phase: 'write',
            changes: [],
            status: 'skipped',
            reason: rows.length ? 'every corrected field is protected' : 'no rows for this person',
          });
          continue;
        }
        const assignments = allowed.map((t) => ({
          column: t.field.column,
          path: t.field.member,
          value: t.value,
        }));
        if (node.primaryKey.length === 0) {
          // No key: every row found by the condition it was read with takes the correction.
          const where = outcome.conditions.get(node.key) ?? [];
          steps.push({
            ...base,
            action: 'update',
            phase: 'write',
            status: 'pending',
            changes: [],
            match: {
              where: where.map((f) => ({ field: f.field, values: [...f.values] })),
              assignments,
              rows: rows.length,
            },
            reason: matchedByCondition(where),
            previous: rows.map((row) => ({
              key: [],
              values: Object.fromEntries(
                allowed.map((t) => [t.field.path, valueAt(row, t.field.path) ?? null]),
              ),
            })),
          });
          continue;
        }
        steps.push({
          ...base,
          action: 'update',
          phase: 'write',
          status: 'pending',
          changes: rows.map((row) => ({
            key: node.primaryKey.map((k) => valueAt(row, k)),
            assignments: allowed.map((t) => ({
              column: t.field.column,
              path: t.field.member,
              value: t.value,
            })),
          })),
          previous: rows.map((row) => ({
            key: node.primaryKey.map((k) => valueAt(row, k)),
            values: Object.fromEntries(
              allowed.map((t) => [t.field.path, valueAt(row, t.field.path) ?? null]),
            ),
          })),
        });
      }
      return steps;
    };
    const journal = options.dryRun ? undefined : options.journal;
    const { state, resumed } = await planOrResume(run, 'rectification', journal, plan);
    const previous = Object.fromEntries(
      state.steps.filter((s) => s.previous).map((s) => [s.collection, s.previous!]),
    );
    if (!options.dryRun) {
      await journal?.save(state);
      await applySteps({
        state,
        journal,
        graph: run.graph,
        connectorFor: run.connectorFor,
        runId: state.runId,
        onProgress: options.onProgress,
      });
    }
    const results = withUnreachable(run, state.steps.map(stepResult));
    return {
      runId: state.runId,
      results,
      findings: run.findings,
      previous,
      dryRun: options.dryRun ?? false,
      resumed,
      ok: results.every((r) => r.status === 'succeeded' || r.status === 'skipped'),
    };
  } finally {
    await run.close();
  }
}
