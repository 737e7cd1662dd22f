-- The Studio: access tokens, build logs, deployment history, the team of
-- every audit entry, and the indexes the executions list needs. The PostgreSQL
-- migration of the same number creates the same tables, columns and indexes.

-- Access tokens: only the sha256 of the secret is kept.
CREATE TABLE tokens (
    id             TEXT PRIMARY KEY,
    team_id        TEXT NOT NULL REFERENCES teams(id),
    name           TEXT NOT NULL,
    role           TEXT NOT NULL,   -- viewer | author | operator | admin
    secret_sha256  TEXT NOT NULL UNIQUE,
    created_by     TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    revoked_at     BIGINT
);
CREATE INDEX tokens_by_team ON tokens (team_id, created_at);

-- What the build tool said when a version was built from source.
ALTER TABLE versions ADD COLUMN build_log TEXT;

-- Every deployment change (deploy, promote, rollback), for rollback targets
-- and the versions page's history.
CREATE TABLE deployment_history (
    id           TEXT PRIMARY KEY,
    runbook_id   TEXT NOT NULL REFERENCES runbooks(id),
    environment  TEXT NOT NULL,
    version_id   TEXT NOT NULL REFERENCES versions(id),
    action       TEXT NOT NULL,   -- deploy | promote | rollback
    actor        TEXT NOT NULL,
    at           BIGINT NOT NULL
);
CREATE INDEX deployment_history_by_environment
    ON deployment_history (runbook_id, environment, at);
INSERT INTO deployment_history (id, runbook_id, environment, version_id, action, actor, at)
    SELECT runbook_id || '/' || environment || '/0', runbook_id, environment, version_id,
           'deploy', 'migration', updated_at
    FROM deployments;

-- The team an audit entry belongs to (none: a service-wide change).
ALTER TABLE audit_log ADD COLUMN team_id TEXT;
UPDATE audit_log SET team_id = (SELECT r.team_id FROM runbooks r WHERE r.id = audit_log.target)
    WHERE action IN ('version.create', 'deployment.set');
CREATE INDEX audit_by_team ON audit_log (team_id, at, id);

-- The executions list: newest first across a team, or within one
-- environment; (runbook_id, queued_at) and (status, queued_at) exist.
CREATE INDEX executions_by_time ON executions (queued_at, id);
CREATE INDEX executions_by_environment ON executions (environment, queued_at, id);
