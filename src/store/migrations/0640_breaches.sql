-- The breach register (GDPR Art. 33(5)): every breach, notified or not, with the 72-hour
-- clock, append-only updates, the Art. 34 decision and reminders sent.
CREATE TABLE breaches (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  title text NOT NULL,
  became_aware_at timestamptz NOT NULL,
  occurred_at timestamptz,
  due_at timestamptz NOT NULL,
  nature text NOT NULL,
  breach_types jsonb NOT NULL DEFAULT '[]',
  systems jsonb NOT NULL DEFAULT '[]',
  datasets jsonb NOT NULL DEFAULT '[]',
  data_categories jsonb NOT NULL DEFAULT '[]',
  data_subjects jsonb NOT NULL DEFAULT '[]',
  customers jsonb NOT NULL DEFAULT '[]',
  subjects_estimate integer,
  records_estimate integer,
  estimate_basis text NOT NULL,
  consequences text,
  measures text,
  notify_subjects boolean,
  notify_subjects_reason text,
  authority_notified_at timestamptz,
  authority_reference text,
  status text NOT NULL CHECK (status IN ('open', 'closed')),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX breaches_workspace ON breaches (workspace_id, became_aware_at);

CREATE TABLE breach_updates (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  breach_id uuid NOT NULL REFERENCES breaches(id),
  at timestamptz NOT NULL,
  phase text NOT NULL,
  text text NOT NULL,
  changes jsonb NOT NULL DEFAULT '{}',
  actor text NOT NULL
);
CREATE INDEX breach_updates_breach ON breach_updates (workspace_id, breach_id, at);

-- Updates are the breach's history: they are added to, never changed.
CREATE FUNCTION custodian_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER breach_updates_append_only
  BEFORE UPDATE OR DELETE ON breach_updates
  FOR EACH ROW EXECUTE FUNCTION custodian_append_only();

CREATE TABLE breach_reminders (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  breach_id uuid NOT NULL REFERENCES breaches(id),
  threshold_hours integer NOT NULL,
  sent_at timestamptz NOT NULL,
  recipients jsonb NOT NULL,
  UNIQUE (breach_id, threshold_hours)
);
