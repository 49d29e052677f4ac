-- Console reads: the consent statistics group the ledger by day over a time window.
CREATE INDEX consent_events_at ON consent_events (workspace_id, at);
