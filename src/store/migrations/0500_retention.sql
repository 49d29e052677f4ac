-- Retention: legal holds, sweep runs (evidence and resumable state), manual tasks.
-- Evidence never holds deleted content: counts, cutoffs, holds applied, program hash.

CREATE TABLE retention_holds (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  kind text NOT NULL CHECK (kind IN ('identity', 'account', 'collection')),
  identity_type text,
  value text,
  dataset text,
  collection text,
  reason text NOT NULL,
  expires_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text,
  released_at timestamptz,
  released_by text,
  CHECK (kind = 'collection' OR value IS NOT NULL),
  CHECK (kind <> 'collection' OR dataset IS NOT NULL)
);
CREATE INDEX retention_holds_workspace ON retention_holds (workspace_id, released_at);

CREATE TABLE retention_runs (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  rule_key text NOT NULL,
  action text NOT NULL,
  target text NOT NULL,
  status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'skipped')),
  reason text,
  trigger text NOT NULL DEFAULT 'cli',
  program_hash text NOT NULL,
  -- The clock the run used; a resumed run keeps it so the end state matches an uninterrupted run.
  clock_at timestamptz NOT NULL,
  cutoffs jsonb NOT NULL DEFAULT '[]',
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  duration_ms integer,
  affected bigint NOT NULL DEFAULT 0,
  cascaded jsonb NOT NULL DEFAULT '{}',
  batches integer NOT NULL DEFAULT 0,
  holds_applied jsonb NOT NULL DEFAULT '[]',
  resumed_count integer NOT NULL DEFAULT 0,
  -- Resumable state: last key done, keys of the batch in flight (cleared when it is recorded).
  checkpoint text,
  pending_keys jsonb,
  owner text,
  heartbeat_at timestamptz
);
CREATE INDEX retention_runs_rule ON retention_runs (workspace_id, rule_key, started_at);
CREATE INDEX retention_runs_running ON retention_runs (workspace_id, status) WHERE status = 'running';

CREATE TABLE retention_tasks (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  rule_key text NOT NULL,
  run_id uuid REFERENCES retention_runs(id),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
  rows_due bigint NOT NULL,
  example_keys jsonb NOT NULL DEFAULT '[]',
  assignee text,
  instructions text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  closed_at timestamptz
);
CREATE UNIQUE INDEX retention_tasks_open ON retention_tasks (workspace_id, rule_key) WHERE status = 'open';
