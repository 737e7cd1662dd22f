-- Wolfe's store, PostgreSQL dialect. Timestamps are milliseconds since the Unix
-- epoch (BIGINT), JSON documents are TEXT, ids are UUIDv7 text. The SQLite
-- migration of the same number creates the same tables and columns.

CREATE TABLE teams (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL
);

CREATE TABLE runbooks (
    id                TEXT PRIMARY KEY,
    team_id           TEXT NOT NULL REFERENCES teams(id),
    name              TEXT NOT NULL,
    description       TEXT,
    max_attempts      BIGINT  NOT NULL DEFAULT 3,
    concurrency_limit BIGINT  NOT NULL DEFAULT 4,
    quotas_json       TEXT NOT NULL DEFAULT '{}',
    created_at        BIGINT NOT NULL,
    UNIQUE (team_id, name)
);

-- Content-addressed component bytes.
CREATE TABLE artifacts (
    sha256      TEXT PRIMARY KEY,
    bytes       BYTEA NOT NULL,
    size_bytes  BIGINT NOT NULL,
    created_at  BIGINT NOT NULL
);

-- Immutable versions of a runbook.
CREATE TABLE versions (
    id               TEXT PRIMARY KEY,
    runbook_id       TEXT NOT NULL REFERENCES runbooks(id),
    number           BIGINT  NOT NULL,
    artifact_sha256  TEXT NOT NULL REFERENCES artifacts(sha256),
    language         TEXT NOT NULL,
    source           TEXT,
    author           TEXT NOT NULL,
    message          TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    UNIQUE (runbook_id, number)
);

-- Which version each environment runs.
CREATE TABLE deployments (
    runbook_id   TEXT NOT NULL REFERENCES runbooks(id),
    environment  TEXT NOT NULL,
    version_id   TEXT NOT NULL REFERENCES versions(id),
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (runbook_id, environment)
);

-- A rule binds a trigger (source, kind) to a runbook in one environment.
CREATE TABLE rules (
    id           TEXT PRIMARY KEY,
    runbook_id   TEXT NOT NULL REFERENCES runbooks(id),
    environment  TEXT NOT NULL,
    name         TEXT NOT NULL,
    spec_json    TEXT NOT NULL,
    enabled      BIGINT NOT NULL DEFAULT 1, -- 0|1: portable across both backends
    created_at   BIGINT NOT NULL,
    UNIQUE (runbook_id, environment, name)
);
CREATE INDEX rules_by_environment ON rules (environment, enabled);

-- Every body a sensor received: accepted events and rejected bodies alike.
CREATE TABLE events (
    id           TEXT PRIMARY KEY,
    environment  TEXT NOT NULL,
    source       TEXT NOT NULL,
    kind         TEXT NOT NULL,
    status       TEXT NOT NULL,          -- accepted | processed | rejected
    dedupe_key   TEXT,
    payload_json TEXT,
    raw_body     BYTEA,
    error        TEXT,
    received_at  BIGINT NOT NULL,
    processed_at BIGINT
);
CREATE UNIQUE INDEX events_dedupe ON events (environment, source, dedupe_key);
CREATE INDEX events_pending ON events (status, received_at);

CREATE TABLE executions (
    id                TEXT PRIMARY KEY,
    runbook_id        TEXT NOT NULL REFERENCES runbooks(id),
    environment       TEXT NOT NULL,
    version_id        TEXT NOT NULL REFERENCES versions(id),
    rule_id           TEXT,
    trigger_event_id  TEXT,                -- with rule_id: at most one execution per event and rule
    status            TEXT NOT NULL,       -- queued | running | <outcome> | abandoned | cancelled
    attempt           BIGINT  NOT NULL DEFAULT 0,
    max_attempts      BIGINT  NOT NULL,
    params_json       TEXT NOT NULL,
    dry_run           BIGINT NOT NULL DEFAULT 0, -- 0|1
    lease_owner       TEXT,
    lease_expires_at  BIGINT,
    queued_at         BIGINT NOT NULL,
    started_at        BIGINT,
    finished_at       BIGINT,
    output_json       TEXT,
    error_message     TEXT,
    error_detail      TEXT,
    fuel_consumed     BIGINT,
    peak_memory_bytes BIGINT,
    wall_time_us      BIGINT,
    UNIQUE (trigger_event_id, rule_id)
);
CREATE INDEX executions_queue ON executions (status, queued_at);
CREATE INDEX executions_leases ON executions (status, lease_expires_at);
CREATE INDEX executions_by_runbook ON executions (runbook_id, queued_at);

-- The events an execution received (several when correlated).
CREATE TABLE execution_events (
    execution_id TEXT NOT NULL REFERENCES executions(id),
    event_id     TEXT NOT NULL REFERENCES events(id),
    PRIMARY KEY (execution_id, event_id)
);

-- One row per attempt: who ran it and how it ended.
CREATE TABLE attempts (
    execution_id  TEXT NOT NULL REFERENCES executions(id),
    attempt       BIGINT  NOT NULL,
    runner        TEXT NOT NULL,
    started_at    BIGINT NOT NULL,
    finished_at   BIGINT,
    outcome       TEXT,
    PRIMARY KEY (execution_id, attempt)
);

CREATE TABLE execution_logs (
    execution_id TEXT NOT NULL REFERENCES executions(id),
    attempt      BIGINT  NOT NULL,
    seq          BIGINT  NOT NULL,
    at_ms        BIGINT NOT NULL,
    level        TEXT NOT NULL,
    stream       TEXT NOT NULL,
    message      TEXT NOT NULL,
    fields_json  TEXT,
    PRIMARY KEY (execution_id, attempt, seq)
);

CREATE TABLE kv (
    scope       TEXT NOT NULL,
    key         TEXT NOT NULL,
    value       BYTEA NOT NULL,
    expires_at  BIGINT,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (scope, key)
);

CREATE TABLE audit_log (
    id          TEXT PRIMARY KEY,
    at          BIGINT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    target      TEXT NOT NULL,
    detail_json TEXT
);
CREATE INDEX audit_by_time ON audit_log (at);
