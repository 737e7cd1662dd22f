use sqlx::{Any, Executor, Row};

use crate::{Store, StoreError, new_id, now_ms};

/// One change to Wolfe's configuration: who did what to which thing.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: Option<serde_json::Value>,
}

/// Appends to the audit log inside the caller's transaction, so a change
/// and its record commit together.
pub(crate) async fn record<'e>(
    executor: impl Executor<'e, Database = Any>,
    actor: &str,
    action: &str,
    target: &str,
    detail: Option<&serde_json::Value>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor, action, target, detail_json) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(new_id())
    .bind(now_ms())
    .bind(actor)
    .bind(action)
    .bind(target)
    .bind(detail.map(|d| d.to_string()))
    .execute(executor)
    .await?;
    Ok(())
}

impl Store {
    /// The most recent entries, newest first.
    pub async fn audit_log(&self, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT at, actor, action, target, detail_json FROM audit_log \
             ORDER BY at DESC, id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.reader)
        .await?;
        rows.into_iter()
            .map(|row| {
                let detail: Option<String> = row.get("detail_json");
                Ok(AuditEntry {
                    at: row.get("at"),
                    actor: row.get("actor"),
                    action: row.get("action"),
                    target: row.get("target"),
                    detail: detail.map(|d| serde_json::from_str(&d)).transpose()?,
                })
            })
            .collect()
    }
}
