-- Data subject requests: the request, its full history, verification codes, single-use
-- tokens (download, decision, agent confirmation), agent permission files, the run journal
-- (per-collection outcome so a retry re-runs only failures) and per-workspace settings.
-- Rows are kept at least 24 months (CCPA 11 CCR 7101); nothing here is deleted by the app.

CREATE TABLE dsr_requests (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  type text NOT NULL,
  state text NOT NULL CHECK (state IN ('received', 'verifying', 'verified', 'approved', 'denied',
    'in_progress', 'completed', 'failed', 'canceled')),
  jurisdiction text NOT NULL,
  channel text NOT NULL,
  -- Identity type -> values given by the person (email, phone, customer id…).
  identities jsonb NOT NULL,
  -- Where the person is written to; lower-cased email.
  contact_email text NOT NULL,
  -- sha256 of the normalised contact email: counts requests per person without reading identities.
  subject_key text NOT NULL,
  -- Type-specific details: the correction asked for, the processing objected to, etc.
  details jsonb NOT NULL DEFAULT '{}',
  received_at timestamptz NOT NULL,
  due_at timestamptz NOT NULL,
  legal_due_at timestamptz NOT NULL,
  receipt_confirm_by timestamptz,
  deadline_rule text NOT NULL,
  extended boolean NOT NULL DEFAULT false,
  extension_reason text,
  verification_level text NOT NULL,
  -- Proofs gathered so far: code, account (vouched by the company's app), agent_confirmed.
  verification jsonb NOT NULL DEFAULT '{}',
  verified_at timestamptz,
  needs_approval boolean NOT NULL DEFAULT false,
  decided_at timestamptz,
  decided_by text,
  denial_reason text,
  denial_text text,
  -- Set when the request hit a rule (CCPA access limit) and a reviewer must say refuse or honour.
  flags jsonb NOT NULL DEFAULT '[]',
  -- Processor routing: the business customer who decides for its users.
  customer_key text,
  customer_decision text,
  agent jsonb,
  dry_run boolean NOT NULL DEFAULT false,
  result jsonb,
  package_path text,
  completed_at timestamptz,
  closed_response text,
  program_version integer,
  external_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dsr_requests_list ON dsr_requests (workspace_id, received_at DESC);
CREATE INDEX dsr_requests_subject ON dsr_requests (workspace_id, subject_key, type, received_at);
CREATE INDEX dsr_requests_open_due ON dsr_requests (workspace_id, state, due_at);
CREATE UNIQUE INDEX dsr_requests_external ON dsr_requests (workspace_id, external_id) WHERE external_id IS NOT NULL;

CREATE TABLE dsr_request_events (
  id bigserial PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  request_id uuid NOT NULL REFERENCES dsr_requests(id),
  at timestamptz NOT NULL,
  actor text NOT NULL,
  kind text NOT NULL,
  from_state text,
  to_state text,
  reason text,
  details jsonb
);
CREATE INDEX dsr_request_events_request ON dsr_request_events (workspace_id, request_id, id);

CREATE TABLE dsr_verification_codes (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  request_id uuid NOT NULL REFERENCES dsr_requests(id),
  code_hash text NOT NULL,
  link_hash text NOT NULL UNIQUE,
  expires_at timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  consumed_at timestamptz,
  created_at timestamptz NOT NULL
);
CREATE INDEX dsr_verification_codes_request ON dsr_verification_codes (workspace_id, request_id, created_at);

CREATE TABLE dsr_tokens (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  request_id uuid NOT NULL REFERENCES dsr_requests(id),
  purpose text NOT NULL CHECK (purpose IN ('download', 'customer_decision', 'agent_confirm')),
  token_hash text NOT NULL UNIQUE,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL
);
CREATE INDEX dsr_tokens_request ON dsr_tokens (workspace_id, request_id);

CREATE TABLE dsr_attachments (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  request_id uuid NOT NULL REFERENCES dsr_requests(id),
  kind text NOT NULL,
  filename text NOT NULL,
  content_type text NOT NULL,
  size integer NOT NULL,
  sha256 text NOT NULL,
  content bytea NOT NULL,
  created_at timestamptz NOT NULL
);

CREATE TABLE dsr_run_journal (
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  request_id uuid NOT NULL REFERENCES dsr_requests(id),
  collection text NOT NULL,
  status text NOT NULL,
  rows integer NOT NULL DEFAULT 0,
  error jsonb,
  attempts integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (request_id, collection)
);
CREATE INDEX dsr_run_journal_workspace ON dsr_run_journal (workspace_id, request_id);

-- Restriction, objection, opt-out, limit and do-not-contact outcomes, until the consent
-- ledger takes them (src/consent recordRestriction); kept as the proof either way.
CREATE TABLE dsr_restrictions (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  request_id uuid NOT NULL REFERENCES dsr_requests(id),
  kind text NOT NULL,
  subject_key text NOT NULL,
  processing text,
  recorded_at timestamptz NOT NULL
);
CREATE INDEX dsr_restrictions_subject ON dsr_restrictions (workspace_id, subject_key);

CREATE TABLE dsr_settings (
  workspace_id uuid PRIMARY KEY REFERENCES workspaces(id),
  settings jsonb NOT NULL,
  updated_at timestamptz NOT NULL
);
