-- Explicit idempotency keys of side effects (wolfe:runbook/effects): a key
-- named by a runbook holds across all its executions in one environment.
-- The primary key makes claiming atomic: of many executions inserting the
-- same key at once exactly one succeeds and acts; the others find its row.
-- The other backend's migration of the same number creates the same table.
CREATE TABLE effect_keys (
    team         TEXT NOT NULL,
    runbook      TEXT NOT NULL,
    environment  TEXT NOT NULL,
    key          TEXT NOT NULL,
    state        TEXT NOT NULL,   -- pending (claimed, acting) | done
    execution_id TEXT NOT NULL,   -- the claiming (pending) or acting (done) execution
    attempt      BIGINT NOT NULL, -- ... and its attempt: only it may finish or release
    interface    TEXT NOT NULL,   -- the call the key was claimed for
    operation    TEXT NOT NULL,
    result_json  TEXT,            -- done: the result replayed to later calls (redacted)
    claimed_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    -- pending: when the claim counts as left by a dead execution;
    -- done: when the key stops holding (NULL: forever). Past it, the next
    -- claim takes the row over in place.
    expires_at   BIGINT,
    PRIMARY KEY (team, runbook, environment, key)
);
