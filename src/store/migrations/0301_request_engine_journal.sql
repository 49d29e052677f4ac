-- The execution engine's journal for one request (its plan and each collection's outcome),
-- kept in the store so a retry on any worker re-runs only what did not succeed.
CREATE TABLE dsr_engine_journals (
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  request_id uuid PRIMARY KEY REFERENCES dsr_requests(id),
  state jsonb NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX dsr_engine_journals_workspace ON dsr_engine_journals (workspace_id);
