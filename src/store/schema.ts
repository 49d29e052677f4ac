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

export interface Database {
  workspaces: WorkspacesTable;
  api_keys: ApiKeysTable;
  program_versions: ProgramVersionsTable;
  audit_log: AuditLogTable;
}

/** Tables whose rows belong to a workspace: every read and write through a scope filters on it. */
export type ScopedTable = Exclude<keyof Database, 'workspaces'> & string;
