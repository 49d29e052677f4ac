-- Governance: the audit log becomes append-only in the database itself, and its chain
-- heads are periodically signed with a per-workspace server key (Ed25519).

CREATE FUNCTION custodian_audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_log_append_only
  BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION custodian_audit_log_append_only();

CREATE TRIGGER audit_log_no_truncate
  BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION custodian_audit_log_append_only();

-- Secrets the server generates on first use: an Ed25519 key pair that signs audit anchors
-- and an HMAC secret that signs emailed links (grant approvals, objections, invitations).
CREATE TABLE server_keys (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  purpose text NOT NULL CHECK (purpose IN ('audit_anchor', 'link_signing')),
  public_key text,
  secret text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, purpose)
);

CREATE TABLE audit_anchors (
  id uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  seq bigint NOT NULL,
  head_hash text NOT NULL,
  signed_at timestamptz NOT NULL,
  key_id uuid NOT NULL REFERENCES server_keys(id),
  signature text NOT NULL
);
CREATE INDEX audit_anchors_workspace ON audit_anchors (workspace_id, seq);
