-- Sub-processor changes (Art. 28(2)): DPIA reference, a notice to every business customer,
-- an objection window, recorded objections, and activation only after the window.
CREATE TABLE sub_processor_changes (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  processor_key text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('add', 'replace')),
  replaces_key text,
  description text,
  dpia_ref text,
  window_days integer NOT NULL CHECK (window_days >= 0),
  status text NOT NULL CHECK (status IN ('draft', 'notified', 'activated', 'withdrawn')),
  notified_at timestamptz,
  objection_deadline timestamptz,
  activated_at timestamptz,
  activated_by text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX sub_processor_changes_workspace ON sub_processor_changes (workspace_id, created_at);

CREATE TABLE sub_processor_notices (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  change_id uuid NOT NULL REFERENCES sub_processor_changes(id),
  customer_key text NOT NULL,
  email text NOT NULL,
  sent_at timestamptz NOT NULL,
  accepted boolean NOT NULL,
  message_id text,
  error text
);
CREATE INDEX sub_processor_notices_change ON sub_processor_notices (workspace_id, change_id);

CREATE TABLE sub_processor_objections (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  change_id uuid NOT NULL REFERENCES sub_processor_changes(id),
  customer_key text NOT NULL,
  reason text NOT NULL,
  via text NOT NULL CHECK (via IN ('link', 'api')),
  recorded_at timestamptz NOT NULL,
  recorded_by text NOT NULL,
  UNIQUE (change_id, customer_key)
);
