-- Notice: published versions (immutable), subscribers to notice changes, notification log.

CREATE TABLE notice_versions (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  version integer NOT NULL,
  program_version integer NOT NULL,
  program_hash text NOT NULL,
  -- A calendar date as text (YYYY-MM-DD): no time zone can shift it.
  effective_date text NOT NULL CHECK (effective_date ~ '^\d{4}-\d{2}-\d{2}$'),
  published_at timestamptz NOT NULL,
  published_by text,
  content_hash text NOT NULL,
  model jsonb NOT NULL,
  renderings jsonb NOT NULL,
  missing_keys jsonb NOT NULL,
  changes jsonb NOT NULL,
  material boolean NOT NULL,
  consent_version integer NOT NULL,
  UNIQUE (workspace_id, version)
);

-- Nothing published is ever changed in place: a correction is a new version.
CREATE FUNCTION notice_versions_immutable() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'published notice versions cannot be changed or deleted; publish a new version';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER notice_versions_no_update BEFORE UPDATE OR DELETE ON notice_versions
  FOR EACH ROW EXECUTE FUNCTION notice_versions_immutable();

CREATE TABLE notice_subscribers (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  email text NOT NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (workspace_id, email)
);

CREATE TABLE notice_notifications (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  notice_version integer NOT NULL,
  recipient text NOT NULL,
  audience text NOT NULL CHECK (audience IN ('subscriber', 'customer')),
  customer_key text,
  status text NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  message_id text,
  created_at timestamptz NOT NULL,
  last_attempt_at timestamptz,
  sent_at timestamptz,
  UNIQUE (workspace_id, notice_version, recipient)
);
CREATE INDEX notice_notifications_status ON notice_notifications (workspace_id, status);
