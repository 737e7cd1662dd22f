//! The executions list of the Studio: one team's executions, newest first,
//! filtered and paged by keyset (see `page.rs`), and one execution's
//! details (attempts, events) within its team.
//!
//! Every execution carries its runbook's team (migration 0008), so the
//! list walks `executions_by_team (team_id, queued_at, id)` newest first,
//! or with a status filter `executions_by_team_status (team_id, status,
//! queued_at, id)` (migration 0010), and reads about `limit / share` index
//! entries, where `share` is the fraction of those rows the other filters
//! keep; a runbook filter may use `executions_by_runbook` instead (see
//! BENCHMARKS.md).

use sqlx::Row;

use crate::events::{EVENT_COLUMNS, EventRecord, event_from};
use crate::executions::{EXECUTION_COLUMNS, execution_from};
use crate::page::{Arg, Cursor, Filter};
use crate::{DroppedLog, ExecutionRecord, Store, StoreError};

/// Which executions to list.
#[derive(Debug, Clone, Default)]
pub struct ExecutionQuery {
    pub team_id: String,
    pub runbook_id: Option<String>,
    pub environment: Option<String>,
    /// `queued`, `running`, an outcome (`succeeded`, `failed`, ...),
    /// `abandoned` or `cancelled`.
    pub status: Option<String>,
    /// Queued at or after (ms).
    pub since: Option<i64>,
    /// Queued before (ms).
    pub until: Option<i64>,
    pub after: Option<Cursor>,
    pub limit: i64,
}

/// One attempt of an execution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRecord {
    pub attempt: i64,
    pub runner: String,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub outcome: Option<String>,
    /// When its runner stopped it after a cancel and wrote its last lines.
    pub stopped_at: Option<i64>,
    /// What the log quota dropped (the log shown is cut by this much).
    pub log_dropped: DroppedLog,
}

fn prefixed(columns: &str, alias: &str) -> String {
    columns
        .split(", ")
        .map(|c| format!("{alias}.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// A page of executions, newest first; the cursor of the next page is
    /// the last row's `(queued_at, id)`.
    pub async fn list_executions(
        &self,
        query: &ExecutionQuery,
    ) -> Result<Vec<ExecutionRecord>, StoreError> {
        let mut filter = Filter::default();
        filter.and("e.team_id = {}", Arg::Text(query.team_id.clone()));
        if let Some(runbook) = &query.runbook_id {
            filter.and("e.runbook_id = {}", Arg::Text(runbook.clone()));
        }
        if let Some(environment) = &query.environment {
            filter.and("e.environment = {}", Arg::Text(environment.clone()));
        }
        if let Some(status) = &query.status {
            filter.and("e.status = {}", Arg::Text(status.clone()));
        }
        if let Some(since) = query.since {
            filter.and("e.queued_at >= {}", Arg::Int(since));
        }
        if let Some(until) = query.until {
            filter.and("e.queued_at < {}", Arg::Int(until));
        }
        filter.after("e.queued_at", "e.id", query.after.as_ref());
        let limit = filter.arg(Arg::Int(query.limit));
        let sql = format!(
            "SELECT {} FROM executions e {} \
             ORDER BY e.queued_at DESC, e.id DESC LIMIT {limit}",
            prefixed(EXECUTION_COLUMNS, "e"),
            filter.where_clause()
        );
        let rows = filter
            .bind(sqlx::query(&sql))
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(execution_from).collect()
    }

    /// Execution `id` if its runbook belongs to `team_id`.
    pub async fn team_execution(
        &self,
        team_id: &str,
        id: &str,
    ) -> Result<Option<ExecutionRecord>, StoreError> {
        let sql = format!(
            "SELECT {} FROM executions e WHERE e.id = $1 AND e.team_id = $2",
            prefixed(EXECUTION_COLUMNS, "e")
        );
        let row = sqlx::query(&sql)
            .bind(id)
            .bind(team_id)
            .fetch_optional(&self.reader)
            .await?;
        row.as_ref().map(execution_from).transpose()
    }

    /// An execution's attempts, in order.
    pub async fn attempts(&self, execution_id: &str) -> Result<Vec<AttemptRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT attempt, runner, started_at, finished_at, outcome, stopped_at, \
             log_dropped_lines, log_dropped_bytes FROM attempts \
             WHERE execution_id = $1 ORDER BY attempt",
        )
        .bind(execution_id)
        .fetch_all(&self.reader)
        .await?;
        Ok(rows
            .iter()
            .map(|row| AttemptRecord {
                attempt: row.get("attempt"),
                runner: row.get("runner"),
                started_at: row.get("started_at"),
                finished_at: row.get("finished_at"),
                outcome: row.get("outcome"),
                stopped_at: row.get("stopped_at"),
                log_dropped: DroppedLog {
                    lines: row.get("log_dropped_lines"),
                    bytes: row.get("log_dropped_bytes"),
                },
            })
            .collect())
    }

    /// The events an execution received, oldest first.
    pub async fn execution_events(
        &self,
        execution_id: &str,
    ) -> Result<Vec<EventRecord>, StoreError> {
        let sql = format!(
            "SELECT {} FROM events ev JOIN execution_events ee ON ee.event_id = ev.id \
             WHERE ee.execution_id = $1 ORDER BY ev.received_at, ev.id",
            prefixed(EVENT_COLUMNS, "ev")
        );
        let rows = sqlx::query(&sql)
            .bind(execution_id)
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(event_from).collect()
    }

    /// Events that reached one of the team's runbooks (they caused or joined
    /// one of its executions), newest first.
    pub async fn team_events(
        &self,
        team_id: &str,
        after: Option<&Cursor>,
        limit: i64,
    ) -> Result<Vec<EventRecord>, StoreError> {
        let mut filter = Filter::default();
        filter.and(
            "ev.id IN (SELECT ee.event_id FROM execution_events ee \
             JOIN executions x ON x.id = ee.execution_id WHERE x.team_id = {})",
            Arg::Text(team_id.to_owned()),
        );
        filter.after("ev.received_at", "ev.id", after);
        let limit = filter.arg(Arg::Int(limit));
        let sql = format!(
            "SELECT {} FROM events ev {} ORDER BY ev.received_at DESC, ev.id DESC LIMIT {limit}",
            prefixed(EVENT_COLUMNS, "ev"),
            filter.where_clause()
        );
        let rows = filter
            .bind(sqlx::query(&sql))
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(event_from).collect()
    }

    /// Bodies no sensor accepted, newest first. Sources are service-wide, so
    /// these belong to no team.
    pub async fn rejected_events(
        &self,
        after: Option<&Cursor>,
        limit: i64,
    ) -> Result<Vec<EventRecord>, StoreError> {
        let mut filter = Filter::default();
        filter.and("ev.status = {}", Arg::Text("rejected".into()));
        filter.after("ev.received_at", "ev.id", after);
        let limit = filter.arg(Arg::Int(limit));
        let sql = format!(
            "SELECT {} FROM events ev {} ORDER BY ev.received_at DESC, ev.id DESC LIMIT {limit}",
            prefixed(EVENT_COLUMNS, "ev"),
            filter.where_clause()
        );
        let rows = filter
            .bind(sqlx::query(&sql))
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(event_from).collect()
    }
}
