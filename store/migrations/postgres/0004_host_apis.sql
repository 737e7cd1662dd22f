-- Host APIs: grants, failure notifications, secrets, the audit trail of
-- host calls (also the idempotency record), chained events. The other
-- backend's migration of the same number creates the same tables.

-- What a runbook may do through the host interfaces in one environment.
CREATE TABLE grants (
    runbook_id   TEXT NOT NULL REFERENCES runbooks(id),
    environment  TEXT NOT NULL,
    grant_json   TEXT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (runbook_id, environment)
);

-- Notify targets told when an execution ends in anything but success.
CREATE TABLE failure_notifications (
    runbook_id   TEXT NOT NULL REFERENCES runbooks(id),
    environment  TEXT NOT NULL,
    targets_json TEXT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (runbook_id, environment)
);

-- Encrypted at rest (XChaCha20-Poly1305); the key is not in the database.
CREATE TABLE secrets (
    team_id      TEXT NOT NULL REFERENCES teams(id),
    environment  TEXT NOT NULL,
    name         TEXT NOT NULL,
    nonce        BYTEA NOT NULL,
    ciphertext   BYTEA NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (team_id, environment, name)
);

-- Every side-effecting or denied host call of every attempt.
CREATE TABLE host_calls (
    execution_id    TEXT NOT NULL REFERENCES executions(id),
    attempt         BIGINT NOT NULL,
    seq             BIGINT NOT NULL,
    at              BIGINT NOT NULL,
    interface       TEXT NOT NULL,
    operation       TEXT NOT NULL,
    target          TEXT NOT NULL,
    outcome         TEXT NOT NULL,   -- succeeded | failed | denied | simulated | replayed
    error           TEXT,
    side_effect     BIGINT NOT NULL, -- 0|1
    idempotency_key TEXT,
    result_json     TEXT,
    duration_us     BIGINT NOT NULL,
    PRIMARY KEY (execution_id, attempt, seq)
);
CREATE INDEX host_calls_by_key ON host_calls (idempotency_key, outcome);

-- Events a runbook emitted carry the length of the chain that led to them.
ALTER TABLE events ADD COLUMN depth BIGINT NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN emitted_by TEXT;

-- The capabilities a version declares in its wolfe.toml (JSON grant shape).
ALTER TABLE versions ADD COLUMN capabilities_json TEXT;
