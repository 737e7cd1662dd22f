-- Correlation (many-to-one): events with the same key inside a rule's window
-- join one queued execution, which is held back until the window closes.
ALTER TABLE executions ADD COLUMN correlation_key TEXT;
ALTER TABLE executions ADD COLUMN not_before BIGINT;
CREATE INDEX executions_open_groups ON executions (rule_id, correlation_key, status);
