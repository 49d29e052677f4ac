-- The console's opt-in chart: how many ledger events granted and denied each consent notice,
-- per UTC day. The ledger writer adds each batch's counts in the transaction that appends
-- the events; existing events are counted here once (migrations run before a server takes writes).
CREATE TABLE consent_daily_counts (
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  day date NOT NULL,
  notice_key text NOT NULL,
  granted bigint NOT NULL DEFAULT 0,
  denied bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (workspace_id, day, notice_key)
);

INSERT INTO consent_daily_counts (workspace_id, day, notice_key, granted, denied)
SELECT p.workspace_id, p.day, c.key,
       coalesce(sum(p.n) FILTER (WHERE c.granted), 0),
       coalesce(sum(p.n) FILTER (WHERE NOT c.granted), 0)
FROM (
  SELECT workspace_id, (at AT TIME ZONE 'UTC')::date AS day, granted, denied, count(*) AS n
  FROM consent_events
  GROUP BY 1, 2, 3, 4
) p
CROSS JOIN LATERAL (
  SELECT g.value AS key, true AS granted FROM jsonb_array_elements_text(p.granted) AS g(value)
  UNION ALL
  SELECT d.value, false FROM jsonb_array_elements_text(p.denied) AS d(value)
) c
GROUP BY 1, 2, 3;
