-- Archiving a runbook: it keeps its versions, deployments, rules and
-- history, but nothing of it runs until it is restored (no new executions
-- are queued or claimed; its rules are not loaded). The name stays taken,
-- so restoring brings back exactly what was there. The other backend's
-- migration of the same number makes the same change.
ALTER TABLE runbooks ADD COLUMN archived_at BIGINT;
ALTER TABLE runbooks ADD COLUMN archived_by TEXT;
