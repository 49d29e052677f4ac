-- Staff access to a customer's data only with that customer's time-boxed approval, and
-- purpose-bound tool uses. Rows are kept after expiry: they are the evidence.
CREATE TABLE access_grants (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  staff_id text NOT NULL,
  staff_role text,
  customer_key text NOT NULL,
  ticket text NOT NULL,
  purpose text NOT NULL,
  systems jsonb NOT NULL DEFAULT '[]',
  mode text NOT NULL CHECK (mode IN ('read', 'write')),
  hours integer NOT NULL CHECK (hours > 0),
  status text NOT NULL CHECK (status IN ('requested', 'approved', 'denied', 'revoked')),
  approver_email text NOT NULL,
  requested_at timestamptz NOT NULL,
  requested_by text NOT NULL,
  decided_at timestamptz,
  decided_by text,
  decision_reason text,
  expires_at timestamptz
);
CREATE INDEX access_grants_lookup ON access_grants (workspace_id, staff_id, customer_key, status);

CREATE TABLE tool_uses (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  tool_key text NOT NULL,
  staff_id text NOT NULL,
  customer_key text,
  purpose text NOT NULL,
  ticket text,
  grant_id uuid REFERENCES access_grants(id),
  used_at timestamptz NOT NULL,
  recorded_by text NOT NULL
);
CREATE INDEX tool_uses_workspace ON tool_uses (workspace_id, used_at);
