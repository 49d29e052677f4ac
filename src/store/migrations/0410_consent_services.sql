-- Per-service consent: a person may refuse one service (a cookie register entry's `service`)
-- inside a consent notice they allow. The ledger event keeps the choices it carried
-- (service key → allowed; NULL when it carried none, as every event before this migration,
-- whose hashes therefore stay valid) and the current choice per subject and service is
-- materialised next to consent_state, in the same transaction.
ALTER TABLE consent_events ADD COLUMN services jsonb;

CREATE TABLE consent_service_state (
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  subject text NOT NULL,
  service text NOT NULL,
  granted boolean NOT NULL,
  method text NOT NULL,
  event_seq bigint NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, subject, service)
);
