-- The team of every execution (its runbook's, copied when it is queued), so
-- the Studio's executions list walks one team's executions in time order
-- instead of every team's: a small team in a large store was slow otherwise
-- (BENCHMARKS.md, "Studio API"). Runbooks never change team.
ALTER TABLE executions ADD COLUMN team_id TEXT;
UPDATE executions SET team_id = (SELECT r.team_id FROM runbooks r WHERE r.id = executions.runbook_id);
CREATE INDEX executions_by_team ON executions (team_id, queued_at, id);
