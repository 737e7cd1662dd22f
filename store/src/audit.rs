//! The audit log: every configuration change, with who, when and the team
//! it belongs to.

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::page::{Arg, Cursor, Filter};
use crate::{Store, StoreError, new_id, now_ms};

/// One change to Wolfe's configuration: who did what to which thing.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub id: String,
    pub at: i64,
    /// The team whose thing changed; none for a service-wide change.
    pub team_id: Option<String>,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: Option<serde_json::Value>,
}

/// Whose change an audit entry records.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Owner<'a> {
    Team(&'a str),
    /// The team owning this runbook.
    Runbook(&'a str),
    /// The team owning this execution's runbook.
    Execution(&'a str),
}

/// Appends to the audit log inside the caller's transaction, so a change
/// and its record commit together.
pub(crate) async fn record<'e>(
    executor: impl Executor<'e, Database = Any>,
    owner: Owner<'_>,
    actor: &str,
    action: &str,
    target: &str,
    detail: Option<&serde_json::Value>,
) -> Result<(), StoreError> {
    let (team, owner_id) = match owner {
        Owner::Team(id) => ("$7", id),
        Owner::Runbook(id) => ("(SELECT team_id FROM runbooks WHERE id = $7)", id),
        Owner::Execution(id) => (
            "(SELECT r.team_id FROM executions e JOIN runbooks r ON r.id = e.runbook_id \
             WHERE e.id = $7)",
            id,
        ),
    };
    let sql = format!(
        "INSERT INTO audit_log (id, at, actor, action, target, detail_json, team_id) \
         VALUES ($1, $2, $3, $4, $5, $6, {team})"
    );
    sqlx::query(&sql)
        .bind(new_id())
        .bind(now_ms())
        .bind(actor)
        .bind(action)
        .bind(target)
        .bind(detail.map(|d| d.to_string()))
        .bind(owner_id)
        .execute(executor)
        .await?;
    Ok(())
}

const AUDIT_COLUMNS: &str = "id, at, team_id, actor, action, target, detail_json";

fn entry_from(row: &AnyRow) -> Result<AuditEntry, StoreError> {
    let detail: Option<String> = row.get("detail_json");
    Ok(AuditEntry {
        id: row.get("id"),
        at: row.get("at"),
        team_id: row.get("team_id"),
        actor: row.get("actor"),
        action: row.get("action"),
        target: row.get("target"),
        detail: detail.map(|d| serde_json::from_str(&d)).transpose()?,
    })
}

impl Store {
    /// Records something a team's member did that is not itself a stored
    /// change (e.g. starting a manual run).
    pub async fn record_audit(
        &self,
        team_id: &str,
        actor: &str,
        action: &str,
        target: &str,
        detail: Option<&serde_json::Value>,
    ) -> Result<(), StoreError> {
        record(
            &self.pool,
            Owner::Team(team_id),
            actor,
            action,
            target,
            detail,
        )
        .await
    }

    /// The most recent entries of every team, newest first.
    pub async fn audit_log(&self, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
        let sql =
            format!("SELECT {AUDIT_COLUMNS} FROM audit_log ORDER BY at DESC, id DESC LIMIT $1");
        let rows = sqlx::query(&sql)
            .bind(limit)
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(entry_from).collect()
    }

    /// One team's entries, newest first, strictly older than `before`.
    pub async fn team_audit_log(
        &self,
        team_id: &str,
        before: Option<&Cursor>,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let mut filter = Filter::default();
        filter.and("team_id = {}", Arg::Text(team_id.to_owned()));
        filter.after("at", "id", before);
        let limit = filter.arg(Arg::Int(limit));
        let sql = format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log {} ORDER BY at DESC, id DESC LIMIT {limit}",
            filter.where_clause()
        );
        let rows = filter
            .bind(sqlx::query(&sql))
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(entry_from).collect()
    }
}
