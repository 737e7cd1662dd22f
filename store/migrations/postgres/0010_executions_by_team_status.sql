-- A status filter on the Studio's executions list (failed, timed_out, ...)
-- walks only that team's executions of that status, newest first. With
-- `executions_by_team` alone, a rare status in a big team read the team's
-- whole history to fill a page: 95 ms for 0.1% of 900,000 rows on SQLite
-- (BENCHMARKS.md, "Studio API").
CREATE INDEX executions_by_team_status ON executions (team_id, status, queued_at, id);
