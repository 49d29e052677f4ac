import type { ColumnType, Generated, JSONColumnType } from 'kysely';

/**
 * Table types for the query layer. Each domain module adds its own tables here, next to
 * its migration; every table except `workspaces` and `schema_migrations` has `workspace_id`.
 */
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
export type Json<T extends object | null = Record<string, unknown>> = JSONColumnType<T, T, T>;

export interface WorkspacesTable {
  id: string;
  name: string;
  created_at: Generated<Date>;
}

export interface ApiKeysTable {
  id: string;
  workspace_id: string;
  name: string;
  role: 'owner' | 'admin' | 'reviewer' | 'auditor';
  /** sha256 of the secret; the secret itself is shown once and never stored. */
  key_hash: string;
  /** First characters of the key, to tell keys apart in lists. */
  prefix: string;
  created_at: Generated<Date>;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export interface ProgramVersionsTable {
  id: string;
  workspace_id: string;
  version: number;
  hash: string;
  bundle: Json<{ program: unknown; datasets: unknown[] }>;
  created_at: Generated<Date>;
  created_by: string | null;
}

export interface AuditLogTable {
  id: Generated<string>;
  workspace_id: string;
  seq: number;
  at: Generated<Date>;
  actor: string;
  role: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  reason: string | null;
  request_id: string | null;
  details: Json<Record<string, unknown>> | null;
  prev_hash: string;
  hash: string;
}

export interface RetentionHoldsTable {
  id: string;
  workspace_id: string;
  kind: 'identity' | 'account' | 'collection';
  identity_type: string | null;
  value: string | null;
  dataset: string | null;
  collection: string | null;
  reason: string;
  expires_at: Date | null;
  created_at: Generated<Date>;
  created_by: string | null;
  released_at: Date | null;
  released_by: string | null;
}

export interface RetentionRunsTable {
  id: string;
  workspace_id: string;
  rule_key: string;
  action: string;
  target: string;
  status: 'running' | 'succeeded' | 'failed' | 'skipped';
  reason: string | null;
  trigger: Generated<string>;
  program_hash: string;
  clock_at: Date;
  cutoffs: Json<{ field: string; period: string; cutoff: string }[]>;
  started_at: Generated<Date>;
  finished_at: Date | null;
  duration_ms: number | null;
  affected: Generated<number>;
  cascaded: Json<Record<string, number>>;
  batches: Generated<number>;
  holds_applied: Json<{ id: string; kind: string; reason: string; rows: number | 'all' }[]>;
  resumed_count: Generated<number>;
  checkpoint: string | null;
  pending_keys: Json<string[]> | null;
  owner: string | null;
  heartbeat_at: Date | null;
}

export interface RetentionTasksTable {
  id: string;
  workspace_id: string;
  rule_key: string;
  run_id: string | null;
  status: Generated<'open' | 'done'>;
  rows_due: number;
  example_keys: Json<string[]>;
  assignee: string | null;
  instructions: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  closed_at: Date | null;
}

export interface Database {
  workspaces: WorkspacesTable;
  api_keys: ApiKeysTable;
  program_versions: ProgramVersionsTable;
  audit_log: AuditLogTable;
  retention_holds: RetentionHoldsTable;
  retention_runs: RetentionRunsTable;
  retention_tasks: RetentionTasksTable;
}

/** Tables whose rows belong to a workspace: every read and write through a scope filters on it. */
export type ScopedTable = Exclude<keyof Database, 'workspaces'> & string;
