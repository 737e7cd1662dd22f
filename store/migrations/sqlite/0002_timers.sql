-- Timer triggers. A tick is claimed by committing its event under the
-- dedupe key `timer:<id>:<tick>`, so it fires once across all instances.
CREATE TABLE timers (
    id            TEXT PRIMARY KEY,
    environment   TEXT NOT NULL,
    name          TEXT NOT NULL,
    schedule      TEXT NOT NULL,   -- cron expression, or "every <duration>"
    missed        TEXT NOT NULL,   -- skip | fire_once: policy after downtime
    next_fire_at  BIGINT NOT NULL,
    created_at    BIGINT NOT NULL,
    UNIQUE (environment, name)
);
CREATE INDEX timers_due ON timers (environment, next_fire_at);
