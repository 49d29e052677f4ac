-- Foundation: workspaces, API keys, program versions, audit log.
-- Every table but workspaces carries workspace_id; queries go through a workspace scope.

CREATE TABLE workspaces (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('owner', 'admin', 'reviewer', 'auditor')),
  key_hash text NOT NULL UNIQUE,
  prefix text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  last_used_at timestamptz
);
CREATE INDEX api_keys_workspace ON api_keys (workspace_id);

CREATE TABLE program_versions (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  version integer NOT NULL,
  hash text NOT NULL,
  bundle jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text,
  UNIQUE (workspace_id, version)
);

-- Append-only: the hash chain links each entry to the previous one in its workspace.
CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  seq bigint NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  role text,
  action text NOT NULL,
  object_type text,
  object_id text,
  reason text,
  request_id text,
  details jsonb,
  prev_hash text NOT NULL,
  hash text NOT NULL,
  UNIQUE (workspace_id, seq)
);
CREATE INDEX audit_log_object ON audit_log (workspace_id, object_type, object_id);
CREATE INDEX audit_log_actor ON audit_log (workspace_id, actor, at);
