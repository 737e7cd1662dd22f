//! Executions: the durable queue with leases, and their results.
//!
//! Life of an execution: `queued` → (claimed by a runner, attempt + 1)
//! `running` → one of the runtime's outcomes. A runner holds a lease it
//! renews; if the lease expires (the runner died), the execution goes back
//! to `queued`, or to `abandoned` once `max_attempts` is spent. Only the
//! lease holder of the current attempt can record a result (fencing), so a
//! runner that lost its lease cannot overwrite a later attempt.

mod cancel;
mod claim;
mod finish;
mod leases;
mod logs;

use std::collections::HashSet;

use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::events::EventRecord;
use crate::sql::{ROWS_PER_INSERT, value_rows};
use crate::{Backend, Store, StoreError, new_id, now_ms};

pub use cancel::Cancelled;
pub use leases::HeldLease;

/// An execution the rules planned for an event (or a manual run).
#[derive(Debug, Clone)]
pub struct NewExecution {
    pub runbook_id: String,
    pub rule_id: Option<String>,
    /// With `rule_id`: at most one execution per event and rule, ever.
    pub trigger_event_id: Option<String>,
    pub params: serde_json::Value,
    pub dry_run: bool,
    /// Every event the execution receives (several when correlated).
    pub event_ids: Vec<String>,
    /// Group with other events of the same rule and key inside the window.
    pub correlation: Option<Correlation>,
}

/// Many-to-one: the first event opens a group (a queued execution held back
/// for `window_ms`); later events with the same key join it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correlation {
    pub key: String,
    pub window_ms: i64,
}

/// Where an execution is in its life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExecutionStatus {
    Queued,
    Running,
    /// Ended with one of the runtime's outcomes (`succeeded`, `failed`, ...).
    Finished(String),
    Abandoned,
    Cancelled,
}

impl ExecutionStatus {
    fn parse(text: &str) -> Self {
        match text {
            "queued" => Self::Queued,
            "running" => Self::Running,
            "abandoned" => Self::Abandoned,
            "cancelled" => Self::Cancelled,
            outcome => Self::Finished(outcome.to_owned()),
        }
    }

    pub fn is_terminal(&self) -> bool {
        !matches!(self, Self::Queued | Self::Running)
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Abandoned => "abandoned",
            Self::Cancelled => "cancelled",
            Self::Finished(outcome) => outcome,
        }
    }
}

/// A claimed execution with everything a runner needs to run it.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: String,
    pub runbook_id: String,
    pub runbook_name: String,
    pub team_name: String,
    pub environment: String,
    pub version_id: String,
    pub artifact_sha256: String,
    pub attempt: i64,
    pub params: serde_json::Value,
    pub dry_run: bool,
    pub quotas: serde_json::Value,
    pub events: Vec<EventRecord>,
    /// The runbook's grant in this environment (none: nothing granted).
    pub grant: Option<serde_json::Value>,
    /// Notify targets told when the execution does not succeed.
    pub failure_targets: Vec<String>,
}

/// One log record of an attempt.
#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    pub attempt: i64,
    /// 0, 1, 2, ... within the attempt, in the order the lines were logged.
    pub seq: i64,
    pub at_ms: i64,
    pub level: String,
    pub stream: String,
    pub message: String,
    pub fields: Option<serde_json::Value>,
}

/// The result of an attempt, as its runner reports it.
#[derive(Debug, Clone)]
pub struct Finished {
    pub id: String,
    pub runner: String,
    pub attempt: i64,
    pub outcome: String,
    pub output: Option<serde_json::Value>,
    pub error_message: Option<String>,
    pub error_detail: Option<String>,
    pub fuel_consumed: i64,
    pub peak_memory_bytes: i64,
    pub wall_time_us: i64,
    /// The attempt's log lines not written while it ran.
    pub logs: Vec<LogLine>,
    /// What the log quota dropped of the whole attempt's log.
    pub log_dropped: DroppedLog,
}

/// Log records past an attempt's `max_log_lines` / `max_log_bytes`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DroppedLog {
    pub lines: i64,
    pub bytes: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExecutionRecord {
    pub id: String,
    pub runbook_id: String,
    pub environment: String,
    pub version_id: String,
    pub rule_id: Option<String>,
    pub status: ExecutionStatus,
    pub attempt: i64,
    pub max_attempts: i64,
    pub params: serde_json::Value,
    pub dry_run: bool,
    pub output: Option<serde_json::Value>,
    pub error_message: Option<String>,
    pub error_detail: Option<String>,
    pub fuel_consumed: Option<i64>,
    pub peak_memory_bytes: Option<i64>,
    pub wall_time_us: Option<i64>,
    pub queued_at: i64,
    pub finished_at: Option<i64>,
}

pub(crate) const EXECUTION_COLUMNS: &str = "id, runbook_id, environment, version_id, rule_id, status, \
     attempt, max_attempts, params_json, dry_run, output_json, error_message, error_detail, \
     fuel_consumed, peak_memory_bytes, wall_time_us, queued_at, finished_at";

pub(crate) fn execution_from(row: &AnyRow) -> Result<ExecutionRecord, StoreError> {
    let params: String = row.get("params_json");
    let output: Option<String> = row.get("output_json");
    let status: String = row.get("status");
    Ok(ExecutionRecord {
        id: row.get("id"),
        runbook_id: row.get("runbook_id"),
        environment: row.get("environment"),
        version_id: row.get("version_id"),
        rule_id: row.get("rule_id"),
        status: ExecutionStatus::parse(&status),
        attempt: row.get("attempt"),
        max_attempts: row.get("max_attempts"),
        params: serde_json::from_str(&params)?,
        dry_run: row.get::<i64, _>("dry_run") != 0,
        output: output.map(|o| serde_json::from_str(&o)).transpose()?,
        error_message: row.get("error_message"),
        error_detail: row.get("error_detail"),
        fuel_consumed: row.get("fuel_consumed"),
        peak_memory_bytes: row.get("peak_memory_bytes"),
        wall_time_us: row.get("wall_time_us"),
        queued_at: row.get("queued_at"),
        finished_at: row.get("finished_at"),
    })
}

/// Queues one execution of the version deployed in `environment`. `None`
/// when the runbook has no deployment there or is archived, or when this
/// event and rule already have their execution.
pub(crate) async fn insert(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    environment: &str,
    new: &NewExecution,
) -> Result<Option<String>, StoreError> {
    let now = now_ms();
    if let (Some(correlation), Some(rule_id)) = (&new.correlation, &new.rule_id) {
        if backend == Backend::Postgres {
            // Two instances taking in events of one group at the same
            // instant would each find no open group (neither sees the
            // other's uncommitted one) and open two. Intake of one group
            // takes turns instead; the lock ends with the transaction.
            // (SQLite has one writer: its intakes never overlap.)
            sqlx::query(
                "SELECT pg_advisory_xact_lock(hashtext('wolfe.correlation'), \
                 hashtext($1 || ':' || $2 || ':' || $3))",
            )
            .bind(environment)
            .bind(rule_id)
            .bind(&correlation.key)
            .execute(&mut **tx)
            .await?;
        }
        if let Some(group) = open_group(tx, environment, rule_id, &correlation.key, now).await? {
            attach_events(tx, &group, &new.event_ids).await?;
            return Ok(Some(group));
        }
    }
    Ok(insert_queued(tx, &[(environment, new)]).await?.remove(0))
}

/// The queued execution collecting events for `key`, if its window is open.
async fn open_group(
    tx: &mut Transaction<'_, Any>,
    environment: &str,
    rule_id: &str,
    key: &str,
    now: i64,
) -> Result<Option<String>, StoreError> {
    let row = sqlx::query(
        "SELECT id FROM executions WHERE rule_id = $1 AND correlation_key = $2 \
         AND environment = $3 AND status = 'queued' AND not_before > $4 \
         ORDER BY queued_at LIMIT 1",
    )
    .bind(rule_id)
    .bind(key)
    .bind(environment)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|row| row.get("id")))
}

async fn attach_events(
    tx: &mut Transaction<'_, Any>,
    execution_id: &str,
    event_ids: &[String],
) -> Result<(), StoreError> {
    let links: Vec<(&str, &str)> = event_ids
        .iter()
        .map(|event_id| (execution_id, event_id.as_str()))
        .collect();
    link_events(tx, &links).await
}

/// Gives executions their events: `(execution_id, event_id)` pairs, many
/// per statement.
async fn link_events(
    tx: &mut Transaction<'_, Any>,
    links: &[(&str, &str)],
) -> Result<(), StoreError> {
    for chunk in links.chunks(ROWS_PER_INSERT) {
        let values = value_rows(1, chunk.len(), 2);
        let sql = format!(
            "INSERT INTO execution_events (execution_id, event_id) VALUES {values} \
             ON CONFLICT (execution_id, event_id) DO NOTHING"
        );
        let mut query = sqlx::query(&sql);
        for (execution_id, event_id) in chunk {
            query = query.bind(*execution_id).bind(*event_id);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Queues new executions (a correlated one opens its group: it is held
/// back until its window ends), each of the version deployed in its
/// environment, many per statement. Answers for each, in order: `None` when
/// its runbook has no deployment there or is archived, or when its event
/// and rule already have their execution. Joining open groups is
/// [`insert`]'s work.
pub(crate) async fn insert_queued(
    tx: &mut Transaction<'_, Any>,
    planned: &[(&str, &NewExecution)],
) -> Result<Vec<Option<String>>, StoreError> {
    const COLUMNS: usize = 9;
    let now = now_ms();
    let ids: Vec<String> = planned.iter().map(|_| new_id()).collect();
    let mut created = HashSet::with_capacity(planned.len());
    for (chunk, chunk_ids) in planned
        .chunks(ROWS_PER_INSERT)
        .zip(ids.chunks(ROWS_PER_INSERT))
    {
        let values = value_rows(2, chunk.len(), COLUMNS);
        // SQLite needs the WHERE on INSERT ... SELECT ... ON CONFLICT to parse it.
        let sql = format!(
            "WITH planned (id, environment, runbook_id, rule_id, trigger_event_id, params_json, \
               dry_run, correlation_key, not_before) AS (VALUES {values}) \
             INSERT INTO executions (id, runbook_id, team_id, environment, version_id, rule_id, \
             trigger_event_id, status, attempt, max_attempts, params_json, dry_run, queued_at, \
             correlation_key, not_before) \
             SELECT p.id, r.id, r.team_id, p.environment, d.version_id, p.rule_id, \
             p.trigger_event_id, 'queued', 0, r.max_attempts, p.params_json, p.dry_run, $1, \
             p.correlation_key, p.not_before \
             FROM planned p JOIN runbooks r ON r.id = p.runbook_id \
             JOIN deployments d ON d.runbook_id = r.id AND d.environment = p.environment \
             WHERE r.archived_at IS NULL \
             ON CONFLICT (trigger_event_id, rule_id) DO NOTHING RETURNING id"
        );
        let mut query = sqlx::query(&sql).bind(now);
        for ((environment, new), id) in chunk.iter().zip(chunk_ids) {
            query = query
                .bind(id)
                .bind(*environment)
                .bind(&new.runbook_id)
                .bind(&new.rule_id)
                .bind(&new.trigger_event_id)
                .bind(new.params.to_string())
                .bind(i64::from(new.dry_run))
                .bind(new.correlation.as_ref().map(|c| c.key.clone()))
                .bind(new.correlation.as_ref().map(|c| now + c.window_ms));
        }
        for row in query.fetch_all(&mut **tx).await? {
            created.insert(row.get::<String, _>("id"));
        }
    }
    let links: Vec<(&str, &str)> = planned
        .iter()
        .zip(&ids)
        .filter(|(_, id)| created.contains(id.as_str()))
        .flat_map(|((_, new), id)| {
            new.event_ids
                .iter()
                .map(move |event_id| (id.as_str(), event_id.as_str()))
        })
        .collect();
    link_events(tx, &links).await?;
    Ok(ids
        .into_iter()
        .map(|id| created.contains(&id).then_some(id))
        .collect())
}

impl Store {
    /// Queues executions outside of event intake (manual runs).
    pub async fn enqueue(
        &self,
        environment: &str,
        new: &NewExecution,
    ) -> Result<Option<String>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let id = insert(&mut tx, self.backend(), environment, new).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn execution(&self, id: &str) -> Result<Option<ExecutionRecord>, StoreError> {
        let sql = format!("SELECT {EXECUTION_COLUMNS} FROM executions WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
        row.as_ref().map(execution_from).transpose()
    }

    /// Executions that received `event_id`.
    pub async fn executions_for_event(
        &self,
        event_id: &str,
    ) -> Result<Vec<ExecutionRecord>, StoreError> {
        let columns = EXECUTION_COLUMNS
            .split(", ")
            .map(|c| format!("x.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {columns} FROM executions x JOIN execution_events ee ON ee.execution_id = x.id \
             WHERE ee.event_id = $1 ORDER BY x.queued_at, x.id"
        );
        let rows = sqlx::query(&sql)
            .bind(event_id)
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(execution_from).collect()
    }

    /// Counts executions per status, e.g. for tests and health checks.
    pub async fn count_executions(&self, status: &str) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM executions WHERE status = $1")
            .bind(status)
            .fetch_one(&self.reader)
            .await?;
        Ok(row.get("n"))
    }
}
