-- Closed requests are minimised once their records period has passed (CCPA 11 CCR 7101 keeps
-- 24 months; GDPR storage limitation: no longer than needed): the personal data goes, what the
-- records log and the metrics need stays. `minimised_at` marks a request done, so a sweep
-- killed midway resumes with the requests it had not reached.
ALTER TABLE dsr_requests ADD COLUMN minimised_at timestamptz;
CREATE INDEX dsr_requests_to_minimise ON dsr_requests (workspace_id, completed_at)
  WHERE minimised_at IS NULL AND state IN ('completed', 'denied', 'canceled');
