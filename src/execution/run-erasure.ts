import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import { AppError } from '../errors.ts';
import type { Program } from '../program/load-program.ts';
import { applySteps, stepResult, subjectFingerprint } from './apply-steps.ts';
import type { Finding } from './build-graph.ts';
import type { CollectionResult } from './collection-result.ts';
import { DEFAULT_ERASURE_POLICY, type ErasurePolicy, erasurePolicySchema } from './masking.ts';
import { planErasure } from './plan-erasure.ts';
import { type EngineProgram, type PreparedRun, prepareRun, type RunOptions } from './prepare-run.ts';
import { packageSections } from './run-access.ts';
import type { JournalState, RunJournal } from './run-journal.ts';
import { traverse } from './traverse.ts';
import { writeAccessPackage } from './write-access-package.ts';

export interface ErasureOptions extends RunOptions {
  /** Target categories → strategies; default: every `user` field set to null. */
  policy?: ErasurePolicy;
  /** Work out what would change and report counts; nothing is written, no journal is kept. */
  dryRun?: boolean;
  /**
   * Where the plan and each collection's outcome are recorded. Running again with the
   * same journal finishes an interrupted run and retries only what failed.
   */
  journal?: RunJournal;
  /** "Export then erase": write the access package of what is about to be erased first. */
  exportTo?: string | Writable;
}

export interface ErasureRunResult {
  runId: string;
  /** One result per collection, in the order writes were (or would be) made. */
  results: CollectionResult[];
  findings: Finding[];
  dryRun: boolean;
  /** True when this call resumed a journaled run instead of planning a new one. */
  resumed: boolean;
  export?: { location: string | undefined; bytes: number };
  ok: boolean;
}

/** Plans afresh, or resumes from the journal when it holds a run for the same person. */
export async function planOrResume(
  run: PreparedRun,
  type: JournalState['type'],
  journal: RunJournal | undefined,
  plan: () => Promise<JournalState['steps']>,
): Promise<{ state: JournalState; resumed: boolean }> {
  const subject = subjectFingerprint(run.identities);
  const existing = await journal?.load();
  if (existing) {
    if (existing.type !== type || existing.subject !== subject) {
      throw new AppError(
        'conflict',
        `the run journal holds a ${existing.type} run for another request (${existing.runId}); use another output folder`,
      );
    }
    const unread = existing.steps.filter((s) => s.phase === 'read' && s.status !== 'succeeded');
    if (unread.length) {
      // Collections that could not be read last time are planned again; the rest keep their plan.
      const fresh = await plan();
      existing.steps = existing.steps.map((s) =>
        s.phase === 'read' && s.status !== 'succeeded'
          ? (fresh.find((f) => f.collection === s.collection) ?? s)
          : s,
      );
    }
    return { state: existing, resumed: true };
  }
  const now = new Date().toISOString();
  const state: JournalState = {
    version: 1,
    runId: randomUUID(),
    type,
    subject,
    createdAt: now,
    updatedAt: now,
    steps: await plan(),
  };
  return { state, resumed: false };
}

/**
 * Erases or anonymises everything held about a person, per the policy. Each collection is
 * one transaction; the result says per collection what was done, what was left and why.
 *
 * @example
 *   const r = await runErasure(program, {
 *     identities: { email: 'a@b.c' },
 *     policy: { rules: [{ target: 'user', strategy: { type: 'null' } }] },
 *     journal: fileJournal('out/journal.json'),
 *   });
 */
export async function runErasure(
  program: EngineProgram | Program,
  options: ErasureOptions,
): Promise<ErasureRunResult> {
  const parsed = erasurePolicySchema.safeParse(options.policy ?? DEFAULT_ERASURE_POLICY);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError('validation_failed', `erasure policy: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  const policy = parsed.data;
  const targets = policy.rules.map((r) => r.target);
  const run = prepareRun(program, { ...options, targets });
  try {
    let exported: ErasureRunResult['export'];
    const plan = async () => {
      const outcome = await traverse({
        graph: run.graph,
        identities: run.identities,
        connectorFor: run.connectorFor,
        onProgress: options.onProgress,
      });
      if (options.exportTo && !options.dryRun) {
        const { bytes } = await writeAccessPackage({
          sections: packageSections(run.graph, outcome.rows, targets),
          taxonomy: program.taxonomy,
          doc: program.doc,
          identityTypes: Object.keys(run.identities),
          destination: options.exportTo,
        });
        exported = { location: typeof options.exportTo === 'string' ? options.exportTo : undefined, bytes };
      }
      return planErasure(run.graph, outcome, policy);
    };
    const journal = options.dryRun ? undefined : options.journal;
    const { state, resumed } = await planOrResume(run, 'erasure', journal, plan);
    if (options.dryRun) {
      const results = state.steps.map(
        (s) =>
          ({ ...stepResult(s), status: s.status === 'pending' ? 'succeeded' : s.status }) as CollectionResult,
      );
      return {
        runId: state.runId,
        results: withUnreachable(run, results),
        findings: run.findings,
        dryRun: true,
        resumed: false,
        ok: results.every((r) => r.status !== 'failed'),
      };
    }
    await journal?.save(state);
    await applySteps({
      state,
      journal,
      graph: run.graph,
      connectorFor: run.connectorFor,
      runId: state.runId,
      onProgress: options.onProgress,
    });
    const results = withUnreachable(run, state.steps.map(stepResult));
    return {
      runId: state.runId,
      results,
      findings: run.findings,
      dryRun: false,
      resumed,
      ...(exported ? { export: exported } : {}),
      ok: results.every((r) => r.status === 'succeeded' || r.status === 'skipped'),
    };
  } finally {
    await run.close();
  }
}

export function withUnreachable(run: PreparedRun, results: CollectionResult[]): CollectionResult[] {
  return [
    ...results,
    ...run.graph.unreachable.map(
      (collection): CollectionResult => ({
        collection,
        status: 'skipped',
        rows: 0,
        reason: 'not reachable from the identities given',
      }),
    ),
  ];
}
