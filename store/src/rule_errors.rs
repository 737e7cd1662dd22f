//! Rule firings that produced no execution because the rule's parameters
//! could not be mapped from the event. Written in the event's intake
//! transaction; read by operators.

use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::page::{Arg, Cursor, Filter};
use crate::{Store, StoreError, new_id};

/// A rule whose criteria matched an event but whose parameters failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRuleError {
    pub rule_id: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleErrorRecord {
    pub id: String,
    pub environment: String,
    pub rule_id: String,
    pub event_id: String,
    pub message: String,
    pub at: i64,
}

const COLUMNS: &str = "id, environment, rule_id, event_id, message, at";

fn record_from(row: &AnyRow) -> RuleErrorRecord {
    RuleErrorRecord {
        id: row.get("id"),
        environment: row.get("environment"),
        rule_id: row.get("rule_id"),
        event_id: row.get("event_id"),
        message: row.get("message"),
        at: row.get("at"),
    }
}

pub(crate) async fn insert(
    tx: &mut Transaction<'_, Any>,
    environment: &str,
    event_id: &str,
    at: i64,
    error: &NewRuleError,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO rule_errors (id, environment, rule_id, event_id, message, at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(new_id())
    .bind(environment)
    .bind(&error.rule_id)
    .bind(event_id)
    .bind(&error.message)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// The rule errors an event caused.
    pub async fn rule_errors_for_event(
        &self,
        event_id: &str,
    ) -> Result<Vec<RuleErrorRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM rule_errors WHERE event_id = $1 ORDER BY at, id");
        let rows = sqlx::query(&sql)
            .bind(event_id)
            .fetch_all(&self.reader)
            .await?;
        Ok(rows.iter().map(record_from).collect())
    }

    /// The most recent rule errors, newest first; of one rule when given.
    pub async fn recent_rule_errors(
        &self,
        rule_id: Option<&str>,
        limit: i64,
    ) -> Result<Vec<RuleErrorRecord>, StoreError> {
        let filter = if rule_id.is_some() {
            "WHERE rule_id = $2"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {COLUMNS} FROM rule_errors {filter} ORDER BY at DESC, id DESC LIMIT $1"
        );
        let mut query = sqlx::query(&sql).bind(limit);
        if let Some(rule_id) = rule_id {
            query = query.bind(rule_id);
        }
        let rows = query.fetch_all(&self.reader).await?;
        Ok(rows.iter().map(record_from).collect())
    }

    /// A runbook's rule errors (of all its rules, every environment),
    /// newest first, paged by `(at, id)`.
    pub async fn runbook_rule_errors(
        &self,
        runbook_id: &str,
        before: Option<&Cursor>,
        limit: i64,
    ) -> Result<Vec<RuleErrorRecord>, StoreError> {
        let mut filter = Filter::default();
        filter.and(
            "rule_id IN (SELECT id FROM rules WHERE runbook_id = {})",
            Arg::Text(runbook_id.to_owned()),
        );
        filter.after("at", "id", before);
        let limit = filter.arg(Arg::Int(limit));
        let sql = format!(
            "SELECT {COLUMNS} FROM rule_errors {} ORDER BY at DESC, id DESC LIMIT {limit}",
            filter.where_clause()
        );
        let rows = filter
            .bind(sqlx::query(&sql))
            .fetch_all(&self.reader)
            .await?;
        Ok(rows.iter().map(record_from).collect())
    }
}
