-- The claim looks for the oldest queued executions of one environment.
-- Since `executions_by_environment (environment, queued_at, id)` exists
-- (0006), SQLite's planner walked that index from the environment's oldest
-- execution, skipping every finished one, so each claim cost more as
-- history grew. This index holds the queued executions only: a claim reads
-- just what it may take. The other backend's migration of the same number
-- creates the same index.
CREATE INDEX executions_queued ON executions (environment, queued_at, id) WHERE status = 'queued';
