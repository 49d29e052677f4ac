-- How far the per-day consent counts (consent_daily_counts) have counted each chain. Events
-- after it were appended by a writer that does not keep the counts — a server of an earlier
-- version still running during a rolling upgrade — and are counted by the next writer that
-- does (and, until then, on read), so the console's chart never drifts from the ledger.
-- Chains that exist now were counted up to their head, by 0411's backfill and by the writer
-- since; a chain head first written by an earlier version starts at 0, all uncounted.
ALTER TABLE consent_chain_heads ADD COLUMN counted_seq bigint NOT NULL DEFAULT 0;
UPDATE consent_chain_heads SET counted_seq = seq;
