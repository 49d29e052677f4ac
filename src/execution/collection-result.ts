import type { ManualTask } from '../connectors/manual-connector.ts';

/** The outcome for one collection in a run: every collection gets one, whatever happened. */
export interface CollectionResult {
  collection: string;
  status: 'succeeded' | 'failed' | 'skipped' | 'pending';
  /** Rows found (access) or affected (erasure, rectification; predicted on a dry run). */
  rows: number;
  /** Why it failed (with the store's error code) or was skipped. */
  error?: { code: string; message: string } | undefined;
  reason?: string | undefined;
  /** A task waiting for a person (manual systems). */
  task?: ManualTask | undefined;
  /** Erasure: what was done and which fields were left alone and why. */
  action?: 'mask' | 'delete' | 'update' | 'none' | undefined;
  maskedFields?: string[] | undefined;
  protectedFields?: { field: string; reason: string }[] | undefined;
  durationMs?: number | undefined;
}

/** Progress events for a display; awaited, so a caller can pace or stop a run. */
export type ProgressEvent =
  | { type: 'start'; collection: string; phase: 'read' | 'write' }
  | { type: 'applied'; collection: string }
  | { type: 'done'; result: CollectionResult; phase: 'read' | 'write' };

export type ProgressListener = (event: ProgressEvent) => void | Promise<void>;
