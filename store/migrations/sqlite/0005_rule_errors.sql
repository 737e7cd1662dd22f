-- Rule firings that could not become executions: the criteria matched but
-- the parameters could not be mapped. Recorded with the event they came
-- from, so an operator sees why a matching event ran nothing. The other
-- backend's migration of the same number creates the same table.
CREATE TABLE rule_errors (
    id           TEXT PRIMARY KEY,
    environment  TEXT NOT NULL,
    rule_id      TEXT NOT NULL,
    event_id     TEXT NOT NULL REFERENCES events(id),
    message      TEXT NOT NULL,
    at           BIGINT NOT NULL
);
CREATE INDEX rule_errors_by_rule ON rule_errors (rule_id, at);
CREATE INDEX rule_errors_by_event ON rule_errors (event_id);
CREATE INDEX rule_errors_by_time ON rule_errors (at);
