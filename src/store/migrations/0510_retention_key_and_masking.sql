-- Retention evidence says how rows were told apart and how they were masked: the key columns
-- the sweep batched by (several for a composite key), and for anonymise each field with its
-- strategy and where that strategy came from (the rule's mask or the erasure policy).
-- The checkpoint now holds the key as JSON text (an array: one value per key column).
ALTER TABLE retention_runs ADD COLUMN key_columns jsonb NOT NULL DEFAULT '[]';
ALTER TABLE retention_runs ADD COLUMN masking jsonb NOT NULL DEFAULT '[]';
