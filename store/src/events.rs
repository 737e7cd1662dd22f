//! Events: what a sensor accepted or rejected, and reading them back
//! (taking them in, with their executions, is `intake.rs`).

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::executions::NewExecution;
use crate::rule_errors::NewRuleError;
use crate::{Store, StoreError, new_id, now_ms};

/// A normalized event a sensor accepted.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// Chosen by the caller so rules can see it before the event is stored.
    pub id: String,
    pub environment: String,
    pub source: String,
    pub kind: String,
    /// Identity of the occurrence at its source; a second event with the
    /// same key in the same environment and source is a redelivery.
    pub dedupe_key: Option<String>,
    pub payload: serde_json::Value,
    pub received_at: i64,
    /// Length of the chain of runbook-emitted events that led here (0: an
    /// outside event).
    pub depth: i64,
    /// The execution that emitted it, for a runbook-emitted event.
    pub emitted_by: Option<String>,
}

/// An event with what the rules made of it: the executions they planned and
/// the rules that matched but could not map their parameters.
#[derive(Debug, Clone)]
pub struct EventIntake {
    pub event: NewEvent,
    pub planned: Vec<NewExecution>,
    pub rule_errors: Vec<NewRuleError>,
}

/// A body a sensor could not accept, kept with the reason.
#[derive(Debug, Clone)]
pub struct RejectedEvent {
    pub environment: String,
    pub source: String,
    pub raw_body: Vec<u8>,
    pub error: String,
}

/// What intake did with an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accepted {
    /// Stored with the ids of the executions it created.
    New {
        event_id: String,
        executions: Vec<String>,
    },
    /// Already stored under this id: nothing was created again.
    Duplicate { event_id: String },
}

impl Accepted {
    pub fn event_id(&self) -> &str {
        match self {
            Self::New { event_id, .. } | Self::Duplicate { event_id } => event_id,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct EventRecord {
    pub id: String,
    pub environment: String,
    pub source: String,
    pub kind: String,
    pub status: String,
    pub dedupe_key: Option<String>,
    pub payload: Option<serde_json::Value>,
    pub raw_body: Option<Vec<u8>>,
    pub error: Option<String>,
    pub received_at: i64,
    /// See [`NewEvent::depth`].
    pub depth: i64,
    pub emitted_by: Option<String>,
}

pub(crate) const EVENT_COLUMNS: &str = "id, environment, source, kind, status, dedupe_key, \
     payload_json, raw_body, error, received_at, depth, emitted_by";

pub(crate) fn event_from(row: &AnyRow) -> Result<EventRecord, StoreError> {
    let payload: Option<String> = row.get("payload_json");
    Ok(EventRecord {
        id: row.get("id"),
        environment: row.get("environment"),
        source: row.get("source"),
        kind: row.get("kind"),
        status: row.get("status"),
        dedupe_key: row.get("dedupe_key"),
        payload: payload.map(|p| serde_json::from_str(&p)).transpose()?,
        raw_body: row.get("raw_body"),
        error: row.get("error"),
        received_at: row.get("received_at"),
        depth: row.get("depth"),
        emitted_by: row.get("emitted_by"),
    })
}

impl Store {
    /// Records a body that was not accepted, with the reason.
    pub async fn record_rejected(&self, rejected: &RejectedEvent) -> Result<String, StoreError> {
        let id = new_id();
        sqlx::query(
            "INSERT INTO events (id, environment, source, kind, status, raw_body, error, \
             received_at) VALUES ($1, $2, $3, '', 'rejected', $4, $5, $6)",
        )
        .bind(&id)
        .bind(&rejected.environment)
        .bind(&rejected.source)
        .bind(&rejected.raw_body)
        .bind(&rejected.error)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(id)
    }

    pub async fn event(&self, id: &str) -> Result<Option<EventRecord>, StoreError> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
        row.as_ref().map(event_from).transpose()
    }

    /// The most recent events of a status (`processed`, `rejected`), newest first.
    pub async fn recent_events(
        &self,
        status: &str,
        limit: i64,
    ) -> Result<Vec<EventRecord>, StoreError> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE status = $1 \
             ORDER BY received_at DESC, id DESC LIMIT $2"
        );
        let rows = sqlx::query(&sql)
            .bind(status)
            .bind(limit)
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(event_from).collect()
    }
}
