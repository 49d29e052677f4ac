-- At most one sweep of a rule runs at a time in a workspace; a crashed one is taken over, not duplicated.
CREATE UNIQUE INDEX retention_runs_one_running ON retention_runs (workspace_id, rule_key) WHERE status = 'running';
