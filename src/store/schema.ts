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
  /** JSON text of the last key done (an array: one value per key column). */
  checkpoint: string | null;
  /** The batch in flight (a key range, or its keys), reconciled after a crash. */
  pending_keys: Json<
    { from: unknown[] | null; to: unknown[]; count: number } | { keys: unknown[][]; count: number }
  > | null;
  owner: string | null;
  heartbeat_at: Date | null;
  key_columns: Json<string[]>;
  masking: Json<{ field: string; strategy: string; source: string }[]>;
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

export interface ConsentKeysTable {
  workspace_id: string;
  secret: string;
  created_at: Generated<Date>;
}

export interface ConsentWordingsTable {
  workspace_id: string;
  hash: string;
  lang: string;
  text: string;
  created_at: Generated<Date>;
}

export interface ConsentEventsTable {
  id: Generated<string>;
  workspace_id: string;
  seq: number;
  subject: string;
  granted: Json<string[]>;
  denied: Json<string[]>;
  granted_uses: Json<string[]>;
  denied_uses: Json<string[]>;
  notice_version: number;
  wording_hash: string | null;
  method: 'banner' | 'preference_center' | 'api' | 'import' | 'gpc';
  jurisdiction: string | null;
  at: Timestamp;
  page_url: string | null;
  ip_hash: string | null;
  user_agent: string | null;
  gpc: boolean;
  /** Per-service choices the event carried (service key → allowed); null when none. */
  services: Json<Record<string, boolean>> | null;
  prev_hash: string;
  hash: string;
}

export interface ConsentChainHeadsTable {
  workspace_id: string;
  seq: number;
  hash: string;
  /** The per-day counts include every event up to this seq (see migration 0740). */
  counted_seq: Generated<number>;
}

export interface ConsentStateTable {
  workspace_id: string;
  subject: string;
  data_use: string;
  notice_key: string;
  granted: boolean;
  method: string;
  gpc: boolean;
  notice_version: number;
  event_seq: number;
  updated_at: Timestamp;
}

export interface ConsentServiceStateTable {
  workspace_id: string;
  subject: string;
  service: string;
  granted: boolean;
  method: string;
  event_seq: number;
  updated_at: Timestamp;
}

export interface ConsentDailyCountsTable {
  workspace_id: string;
  /** UTC date, YYYY-MM-DD. */
  day: string;
  notice_key: string;
  granted: number;
  denied: number;
}

export interface SubjectRestrictionsTable {
  id: string;
  workspace_id: string;
  subject: string;
  kind: 'restriction' | 'objection' | 'opt_out_sale' | 'limit_sensitive' | 'do_not_contact';
  purposes: Json<string[]> | null;
  created_at: Timestamp;
  lifted_at: Timestamp | null;
}

export interface SubscriptionsTable {
  id: string;
  workspace_id: string;
  list: string;
  email: string;
  address_hash: string;
  status: 'pending' | 'confirmed' | 'unsubscribed';
  token_hash: string | null;
  source: string;
  created_at: Timestamp;
  confirmed_at: Timestamp | null;
  unsubscribed_at: Timestamp | null;
  /** The language of the page the person subscribed from; the confirmation mail uses it. */
  lang: Generated<string>;
}

export interface SuppressionsTable {
  id: string;
  workspace_id: string;
  address_hash: string;
  list: string | null;
  reason: string;
  source: string;
  created_at: Timestamp;
}

export interface PreferenceCodesTable {
  id: string;
  workspace_id: string;
  address_hash: string;
  code_hash: string;
  expires_at: Timestamp;
  attempts: Generated<number>;
  used_at: Timestamp | null;
}

export interface DsrRequestsTable {
  id: string;
  workspace_id: string;
  type: string;
  state: string;
  jurisdiction: string;
  channel: string;
  identities: Json<Record<string, string[]>>;
  contact_email: string;
  subject_key: string;
  details: Json<Record<string, unknown>>;
  received_at: Date;
  due_at: Date;
  legal_due_at: Date;
  receipt_confirm_by: Date | null;
  deadline_rule: string;
  extended: Generated<boolean>;
  extension_reason: string | null;
  verification_level: string;
  verification: Json<Record<string, unknown>>;
  verified_at: Date | null;
  needs_approval: Generated<boolean>;
  decided_at: Date | null;
  decided_by: string | null;
  denial_reason: string | null;
  denial_text: string | null;
  flags: Json<Record<string, unknown>[]>;
  customer_key: string | null;
  customer_decision: string | null;
  agent: Json<Record<string, unknown>> | null;
  dry_run: Generated<boolean>;
  result: Json<Record<string, unknown>> | null;
  package_path: string | null;
  completed_at: Date | null;
  closed_response: string | null;
  program_version: number | null;
  external_id: string | null;
  /** The language of the page the request was made on; its mails to the person use it. */
  lang: Generated<string>;
  /** When the personal data of this closed request was removed (records period over). */
  minimised_at: Generated<Date | null>;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface DsrRequestEventsTable {
  id: Generated<string>;
  workspace_id: string;
  request_id: string;
  at: Date;
  actor: string;
  kind: string;
  from_state: string | null;
  to_state: string | null;
  reason: string | null;
  details: Json<Record<string, unknown>> | null;
}

export interface DsrVerificationCodesTable {
  id: string;
  workspace_id: string;
  request_id: string;
  code_hash: string;
  link_hash: string;
  expires_at: Date;
  attempts: Generated<number>;
  consumed_at: Date | null;
  created_at: Date;
}

export interface DsrTokensTable {
  id: string;
  workspace_id: string;
  request_id: string;
  purpose: 'download' | 'customer_decision' | 'agent_confirm';
  token_hash: string;
  expires_at: Date;
  used_at: Date | null;
  created_at: Date;
}

export interface DsrAttachmentsTable {
  id: string;
  workspace_id: string;
  request_id: string;
  kind: string;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  content: Uint8Array;
  created_at: Date;
}

export interface DsrRunJournalTable {
  workspace_id: string;
  request_id: string;
  collection: string;
  status: string;
  rows: Generated<number>;
  error: Json<Record<string, unknown>> | null;
  attempts: Generated<number>;
  updated_at: Date;
}

export interface DsrRestrictionsTable {
  id: string;
  workspace_id: string;
  request_id: string;
  kind: string;
  subject_key: string;
  processing: string | null;
  recorded_at: Date;
}

export interface DsrSettingsTable {
  workspace_id: string;
  settings: Json<Record<string, unknown>>;
  updated_at: Date;
}

export interface ServerKeysTable {
  id: string;
  workspace_id: string;
  purpose: 'audit_anchor' | 'link_signing';
  /** SPKI PEM of the Ed25519 public key (anchors); null for HMAC secrets. */
  public_key: string | null;
  /** PKCS#8 PEM private key, or the base64url HMAC secret. */
  secret: string;
  created_at: Generated<Date>;
}

export interface AuditAnchorsTable {
  id: string;
  workspace_id: string;
  seq: number;
  head_hash: string;
  signed_at: Date;
  key_id: string;
  signature: string;
}

export interface AccessGrantsTable {
  id: string;
  workspace_id: string;
  staff_id: string;
  staff_role: string | null;
  customer_key: string;
  ticket: string;
  purpose: string;
  systems: Json<string[]>;
  mode: 'read' | 'write';
  hours: number;
  status: 'requested' | 'approved' | 'denied' | 'revoked';
  approver_email: string;
  requested_at: Date;
  requested_by: string;
  decided_at: Date | null;
  decided_by: string | null;
  decision_reason: string | null;
  expires_at: Date | null;
}

export interface ToolUsesTable {
  id: string;
  workspace_id: string;
  tool_key: string;
  staff_id: string;
  customer_key: string | null;
  purpose: string;
  ticket: string | null;
  grant_id: string | null;
  used_at: Date;
  recorded_by: string;
}

export interface UsersTable {
  id: string;
  workspace_id: string;
  email: string;
  name: string | null;
  role: 'owner' | 'admin' | 'reviewer' | 'auditor';
  /** scrypt hash (hex); null until the invitation is accepted with a password. */
  password_hash: string | null;
  password_salt: string | null;
  password_params: Json<{ N: number; r: number; p: number; keylen: number }> | null;
  failed_attempts: Generated<number>;
  locked_until: Date | null;
  last_sign_in_at: Date | null;
  disabled_at: Date | null;
  created_at: Generated<Date>;
}

export interface SessionsTable {
  id: string;
  workspace_id: string;
  user_id: string;
  /** sha256 of the cookie value; the value itself is never stored. */
  token_hash: string;
  csrf_token: string;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
}

export interface UserTokensTable {
  id: string;
  workspace_id: string;
  kind: 'invitation' | 'magic_link';
  email: string;
  role: 'owner' | 'admin' | 'reviewer' | 'auditor' | null;
  token_hash: string;
  expires_at: Date;
  used_at: Date | null;
  created_by: string | null;
  created_at: Date;
}

export interface SubProcessorChangesTable {
  id: string;
  workspace_id: string;
  processor_key: string;
  kind: 'add' | 'replace';
  replaces_key: string | null;
  description: string | null;
  dpia_ref: string | null;
  window_days: number;
  status: 'draft' | 'notified' | 'activated' | 'withdrawn';
  notified_at: Date | null;
  objection_deadline: Date | null;
  activated_at: Date | null;
  activated_by: string | null;
  created_by: string;
  created_at: Date;
}

export interface SubProcessorNoticesTable {
  id: string;
  workspace_id: string;
  change_id: string;
  customer_key: string;
  email: string;
  sent_at: Date;
  accepted: boolean;
  message_id: string | null;
  error: string | null;
}

export interface SubProcessorObjectionsTable {
  id: string;
  workspace_id: string;
  change_id: string;
  customer_key: string;
  reason: string;
  via: 'link' | 'api';
  recorded_at: Date;
  recorded_by: string;
}

export interface BreachesTable {
  id: string;
  workspace_id: string;
  title: string;
  became_aware_at: Date;
  occurred_at: Date | null;
  due_at: Date;
  nature: string;
  breach_types: Json<string[]>;
  systems: Json<string[]>;
  datasets: Json<string[]>;
  data_categories: Json<string[]>;
  data_subjects: Json<string[]>;
  customers: Json<string[]>;
  subjects_estimate: number | null;
  records_estimate: number | null;
  estimate_basis: string;
  consequences: string | null;
  measures: string | null;
  notify_subjects: boolean | null;
  notify_subjects_reason: string | null;
  authority_notified_at: Date | null;
  authority_reference: string | null;
  status: 'open' | 'closed';
  created_by: string;
  created_at: Date;
}

export interface BreachUpdatesTable {
  id: string;
  workspace_id: string;
  breach_id: string;
  at: Date;
  phase: string;
  text: string;
  changes: Json<Record<string, unknown>>;
  actor: string;
}

export interface BreachRemindersTable {
  id: string;
  workspace_id: string;
  breach_id: string;
  threshold_hours: number;
  sent_at: Date;
  recipients: Json<string[]>;
}

export interface NoticeVersionsTable {
  id: string;
  workspace_id: string;
  version: number;
  program_version: number;
  program_hash: string;
  effective_date: string;
  published_at: Date;
  published_by: string | null;
  content_hash: string;
  model: Json<Record<string, unknown>>;
  renderings: Json<Record<string, { html: string; md: string }>>;
  missing_keys: Json<Record<string, string[]>>;
  changes: Json<Record<string, unknown>[]>;
  material: boolean;
  consent_version: number;
}

export interface NoticeSubscribersTable {
  id: string;
  workspace_id: string;
  email: string;
  created_at: Date;
  status: Generated<'pending' | 'confirmed' | 'unsubscribed'>;
  lang: Generated<string>;
  token_hash: string | null;
  confirmation_sent_at: Date | null;
  confirmed_at: Date | null;
  unsubscribed_at: Date | null;
}

export interface NoticeNotificationsTable {
  id: string;
  workspace_id: string;
  notice_version: number;
  recipient: string;
  audience: 'subscriber' | 'customer';
  customer_key: string | null;
  status: 'pending' | 'sending' | 'sent' | 'failed' | 'cancelled';
  attempts: Generated<number>;
  last_error: string | null;
  message_id: string | null;
  created_at: Date;
  last_attempt_at: Date | null;
  sent_at: Date | null;
  /** The language the mail is written in: chosen when queued, confirmed when sent. */
  lang: string | null;
}

export interface DsrEngineJournalsTable {
  workspace_id: string;
  request_id: string;
  state: Json<Record<string, unknown>>;
  updated_at: Date;
}

export interface Database {
  workspaces: WorkspacesTable;
  api_keys: ApiKeysTable;
  program_versions: ProgramVersionsTable;
  audit_log: AuditLogTable;
  retention_holds: RetentionHoldsTable;
  retention_runs: RetentionRunsTable;
  retention_tasks: RetentionTasksTable;
  consent_keys: ConsentKeysTable;
  consent_wordings: ConsentWordingsTable;
  consent_events: ConsentEventsTable;
  consent_chain_heads: ConsentChainHeadsTable;
  consent_state: ConsentStateTable;
  consent_service_state: ConsentServiceStateTable;
  consent_daily_counts: ConsentDailyCountsTable;
  subject_restrictions: SubjectRestrictionsTable;
  subscriptions: SubscriptionsTable;
  suppressions: SuppressionsTable;
  preference_codes: PreferenceCodesTable;
  dsr_requests: DsrRequestsTable;
  dsr_request_events: DsrRequestEventsTable;
  dsr_verification_codes: DsrVerificationCodesTable;
  dsr_tokens: DsrTokensTable;
  dsr_attachments: DsrAttachmentsTable;
  dsr_run_journal: DsrRunJournalTable;
  dsr_restrictions: DsrRestrictionsTable;
  dsr_settings: DsrSettingsTable;
  dsr_engine_journals: DsrEngineJournalsTable;
  server_keys: ServerKeysTable;
  audit_anchors: AuditAnchorsTable;
  access_grants: AccessGrantsTable;
  tool_uses: ToolUsesTable;
  users: UsersTable;
  sessions: SessionsTable;
  user_tokens: UserTokensTable;
  sub_processor_changes: SubProcessorChangesTable;
  sub_processor_notices: SubProcessorNoticesTable;
  sub_processor_objections: SubProcessorObjectionsTable;
  breaches: BreachesTable;
  breach_updates: BreachUpdatesTable;
  breach_reminders: BreachRemindersTable;
  notice_versions: NoticeVersionsTable;
  notice_subscribers: NoticeSubscribersTable;
  notice_notifications: NoticeNotificationsTable;
}

/** Tables whose rows belong to a workspace: every read and write through a scope filters on it. */
export type ScopedTable = Exclude<keyof Database, 'workspaces'> & string;
