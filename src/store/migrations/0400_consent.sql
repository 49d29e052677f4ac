-- Consent: the hash-chained ledger (proof of consent), the current state per subject,
-- wordings stored once by hash, restrictions from rights requests, marketing subscriptions,
-- the suppression list (keyed hashes only) and one-time codes for the preference center.

-- Per-workspace secret for keyed hashes (IP addresses, suppressed addresses) and receipts.
-- It must outlive every person: suppression hashes are only comparable under the same key.
CREATE TABLE consent_keys (
  workspace_id uuid PRIMARY KEY REFERENCES workspaces(id),
  secret text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE consent_wordings (
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  hash text NOT NULL,
  lang text NOT NULL,
  text text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, hash)
);

-- Append-only: each event's hash covers its content and the previous event's hash.
CREATE TABLE consent_events (
  id bigserial PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  seq bigint NOT NULL,
  subject text NOT NULL,
  granted jsonb NOT NULL,
  denied jsonb NOT NULL,
  granted_uses jsonb NOT NULL,
  denied_uses jsonb NOT NULL,
  notice_version integer NOT NULL,
  wording_hash text,
  method text NOT NULL CHECK (method IN ('banner', 'preference_center', 'api', 'import', 'gpc')),
  jurisdiction text,
  at timestamptz NOT NULL,
  page_url text,
  ip_hash text,
  user_agent text,
  gpc boolean NOT NULL DEFAULT false,
  prev_hash text NOT NULL,
  hash text NOT NULL,
  UNIQUE (workspace_id, seq)
);
CREATE INDEX consent_events_subject ON consent_events (workspace_id, subject, seq);

-- The newest link of each chain, so deleting the last events is detected too.
CREATE TABLE consent_chain_heads (
  workspace_id uuid PRIMARY KEY REFERENCES workspaces(id),
  seq bigint NOT NULL,
  hash text NOT NULL
);

-- Materialised current choice per subject and data use, for one-query decisions.
CREATE TABLE consent_state (
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  subject text NOT NULL,
  data_use text NOT NULL,
  notice_key text NOT NULL,
  granted boolean NOT NULL,
  method text NOT NULL,
  gpc boolean NOT NULL DEFAULT false,
  notice_version integer NOT NULL,
  event_seq bigint NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, subject, data_use)
);

CREATE TABLE subject_restrictions (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  subject text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('restriction', 'objection', 'opt_out_sale', 'limit_sensitive', 'do_not_contact')),
  purposes jsonb,
  created_at timestamptz NOT NULL,
  lifted_at timestamptz
);
CREATE INDEX subject_restrictions_subject ON subject_restrictions (workspace_id, subject) WHERE lifted_at IS NULL;

CREATE TABLE subscriptions (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  list text NOT NULL,
  email text NOT NULL,
  address_hash text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'confirmed', 'unsubscribed')),
  token_hash text,
  source text NOT NULL,
  created_at timestamptz NOT NULL,
  confirmed_at timestamptz,
  unsubscribed_at timestamptz,
  UNIQUE (workspace_id, list, address_hash)
);
CREATE INDEX subscriptions_token ON subscriptions (workspace_id, token_hash);

-- Only a keyed hash of the normalised address: the list survives the person's erasure.
-- list NULL blocks all marketing; a list name blocks that list only.
CREATE TABLE suppressions (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  address_hash text NOT NULL,
  list text,
  reason text NOT NULL,
  source text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX suppressions_address ON suppressions (workspace_id, address_hash, coalesce(list, ''));

CREATE TABLE preference_codes (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  address_hash text NOT NULL,
  code_hash text NOT NULL,
  expires_at timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  used_at timestamptz
);
CREATE INDEX preference_codes_address ON preference_codes (workspace_id, address_hash, expires_at);
