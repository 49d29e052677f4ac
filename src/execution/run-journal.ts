import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../errors.ts';

const assignment = z.object({ column: z.string(), path: z.array(z.string()), value: z.unknown() });
const change = z.object({ key: z.array(z.unknown()), assignments: z.array(assignment) });
const matchedAssignment = z.object({
  column: z.string(),
  path: z.array(z.string()),
  value: z.unknown().optional(),
  byValue: z.array(z.tuple([z.unknown(), z.unknown()])).optional(),
});
/** A collection without a primary key: its rows are the ones matching the condition they were read with. */
const match = z.object({
  where: z.array(z.object({ field: z.string(), values: z.array(z.unknown()) })),
  assignments: z.array(matchedAssignment).default([]),
  /** Rows found when the step was planned. */
  rows: z.number().int(),
});

/** One collection's planned write and its outcome; the values are computed before any write. */
export const journalStepSchema = z.object({
  collection: z.string(),
  action: z.enum(['mask', 'delete', 'update', 'manual', 'none']),
  /** Where the step's plan came from: a failed read is re-planned on retry. */
  phase: z.enum(['read', 'write']),
  keyColumns: z.array(z.string()),
  changes: z.array(change).default([]),
  keys: z.array(z.array(z.unknown())).default([]),
  /** Instead of `changes` or `keys`, for a collection without a primary key. */
  match: match.optional(),
  maskedFields: z.array(z.string()).default([]),
  protectedFields: z.array(z.object({ field: z.string(), reason: z.string() })).default([]),
  /** Rectification: values before the change, kept here and not in the store. */
  previous: z
    .array(z.object({ key: z.array(z.unknown()), values: z.record(z.string(), z.unknown()) }))
    .optional(),
  status: z.enum(['pending', 'succeeded', 'failed', 'skipped']),
  affected: z.number().int().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  reason: z.string().optional(),
  task: z.unknown().optional(),
  attempts: z.number().int().default(0),
});
export type JournalStep = z.infer<typeof journalStepSchema>;

export const journalStateSchema = z.object({
  version: z.literal(1),
  runId: z.string(),
  type: z.enum(['erasure', 'rectification']),
  /** sha256 of the identities: a journal is only resumed for the same person. */
  subject: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  steps: z.array(journalStepSchema),
});
export type JournalState = z.infer<typeof journalStateSchema>;

/**
 * Durable record of a write run. The plan is saved before the first write and each step's
 * outcome right after it, so a run killed at any point is finished by running it again.
 * A store-backed journal implements the same two methods over a table row.
 */
export interface RunJournal {
  load(): Promise<JournalState | undefined>;
  /** Replaces the whole state atomically (a reader never sees half a write). */
  save(state: JournalState): Promise<void>;
}

/** A journal in a JSON file, written to a temporary file and renamed over the old one. */
export function fileJournal(file: string): RunJournal {
  return {
    async load() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new AppError('bad_request', `cannot read run journal ${file}: ${(err as Error).message}`);
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new AppError(
          'validation_failed',
          `run journal ${file} is not JSON; move it away to start a new run`,
        );
      }
      const parsed = journalStateSchema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new AppError(
          'validation_failed',
          `run journal ${file} is invalid at ${issue?.path.join('.')}: ${issue?.message}`,
        );
      }
      return parsed.data;
    },
    async save(state) {
      await mkdir(path.dirname(file), { recursive: true });
      const tmp = `${file}.${randomUUID()}.tmp`;
      await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
      await rename(tmp, file);
    },
  };
}

/** A journal held in memory (one process; for callers that keep state themselves). */
export function memoryJournal(initial?: JournalState): RunJournal & { state: JournalState | undefined } {
  const j = {
    state: initial ? structuredClone(initial) : undefined,
    async load() {
      return j.state ? structuredClone(j.state) : undefined;
    },
    async save(state: JournalState) {
      j.state = structuredClone(state);
    },
  };
  return j;
}
