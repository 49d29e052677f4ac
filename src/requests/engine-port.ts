import type { OpenConnectorsOptions } from '../connectors/open-connectors.ts';
import type { RunJournal } from '../execution/run-journal.ts';
import type { Program } from '../program/load-program.ts';
import type { WorkspaceScope } from '../store/workspace-scope.ts';

/**
 * The seam between the request lifecycle and the execution engine (src/execution). The
 * lifecycle decides *whether and when*; the engine decides *how* on the data stores.
 */

export type EngineRequestType = 'access' | 'portability' | 'erasure' | 'rectification';

/** One collection's outcome, as the engine reports it. */
export interface EngineCollectionResult {
  collection: string;
  status: 'succeeded' | 'failed' | 'skipped' | 'pending';
  rows: number;
  error?: { code: string; message: string } | undefined;
  reason?: string | undefined;
}

/**
 * The engine's run journal (its plan and each collection's outcome), store-backed per
 * request in `dsr_engine_journals`: a retry resumes it and re-runs only what failed.
 */
export type { RunJournal } from '../execution/run-journal.ts';

export interface EngineRunInput {
  requestId: string;
  type: EngineRequestType;
  program: Program;
  /** Identity type → values the person gave and proved. */
  identities: Record<string, string[]>;
  /** Rectification: field or category → the corrected value. */
  correction?: Record<string, unknown> | undefined;
  /** Erasure and rectification: count what would change, change nothing. */
  dryRun: boolean;
  journal: RunJournal;
  /** Access and portability: where the zip is written. */
  packagePath?: string | undefined;
}

export interface EngineRunOutput {
  results: EngineCollectionResult[];
  package?: { location: string; bytes: number } | undefined;
}

/** Runs requests on the data stores. The server uses the real engine; see engine-adapter.ts. */
export interface RequestEngine {
  run(input: EngineRunInput): Promise<EngineRunOutput>;
  /** Keys of the program's `customers[]` whose users the identities belong to (processor routing). */
  findCustomers(program: Program, identities: Record<string, string[]>): Promise<string[]>;
}

/** The kinds of restriction-like outcomes the consent ledger records. */
export type RestrictionKind =
  | 'restriction'
  | 'objection'
  | 'opt_out_sale'
  | 'limit_sensitive'
  | 'do_not_contact';

export interface RestrictionInput {
  requestId: string;
  kind: RestrictionKind;
  /** The person's email (the ledger keys it itself). */
  email: string;
  /** Objection or restriction to specific processing (a data use or activity key); all when absent. */
  purposes?: string[] | undefined;
  at: Date;
}

/**
 * Records a restriction, objection, opt-out, limit or do-not-contact so every other part
 * of Custodian (consent decisions, marketing sends) honours it. Implemented over the
 * consent module's ledger when present (src/consent), see restriction-recorder.ts.
 */
export interface RestrictionRecorder {
  recordRestriction(scope: WorkspaceScope, input: RestrictionInput): Promise<{ id: string }>;
}

/** How the engine reaches the data stores: secrets from the environment, or test overrides. */
export type EngineConnections = OpenConnectorsOptions;
