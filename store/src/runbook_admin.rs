//! Runbooks as the Studio manages them: a team's list with what each
//! environment runs and how it last ended, and their settings.

use sqlx::Row;

use crate::audit::{self, Owner};
use crate::runbooks::{RUNBOOK_COLUMNS, runbook_from};
use crate::{Runbook, Store, StoreError};

/// A runbook's settings an operator changes.
#[derive(Debug, Clone, PartialEq)]
pub struct RunbookSettings {
    pub description: Option<String>,
    pub max_attempts: i64,
    pub concurrency_limit: i64,
    /// The engine's `Quotas` JSON.
    pub quotas: serde_json::Value,
}

/// The latest execution of a runbook in one environment.
#[derive(Debug, Clone, PartialEq)]
pub struct LastOutcome {
    pub runbook_id: String,
    pub environment: String,
    pub status: String,
    pub queued_at: i64,
}

impl Store {
    /// A team's runbooks by name: the active ones, or (`archived`) the
    /// archived ones.
    pub async fn team_runbooks(
        &self,
        team_id: &str,
        archived: bool,
    ) -> Result<Vec<Runbook>, StoreError> {
        let which = if archived { "NOT NULL" } else { "NULL" };
        let sql = format!(
            "SELECT {RUNBOOK_COLUMNS} FROM runbooks \
             WHERE team_id = $1 AND archived_at IS {which} ORDER BY name"
        );
        let rows = sqlx::query(&sql)
            .bind(team_id)
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(runbook_from).collect()
    }

    /// Creates a runbook, audited; a taken name in the team is a `Conflict`.
    pub async fn create_runbook_as(
        &self,
        new: crate::NewRunbook,
        actor: &str,
    ) -> Result<Runbook, StoreError> {
        if self
            .runbook_by_name(&new.team_id, &new.name)
            .await?
            .is_some()
        {
            return Err(StoreError::Conflict(format!(
                "runbook {:?} exists",
                new.name
            )));
        }
        let name = new.name.clone();
        let runbook = self.create_runbook(new).await.map_err(|e| match e {
            StoreError::Database(db) => {
                crate::error::conflict_on_unique(db, format!("runbook {name:?} exists"))
            }
            other => other,
        })?;
        let detail = serde_json::json!({"name": runbook.name});
        audit::record(
            &self.pool,
            Owner::Team(&runbook.team_id),
            actor,
            "runbook.create",
            &runbook.id,
            Some(&detail),
        )
        .await?;
        Ok(runbook)
    }

    /// Replaces a runbook's settings, audited with the new values.
    pub async fn update_runbook_settings(
        &self,
        runbook_id: &str,
        settings: &RunbookSettings,
        actor: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE runbooks SET description = $1, max_attempts = $2, concurrency_limit = $3, \
             quotas_json = $4 WHERE id = $5",
        )
        .bind(&settings.description)
        .bind(settings.max_attempts)
        .bind(settings.concurrency_limit)
        .bind(settings.quotas.to_string())
        .bind(runbook_id)
        .execute(&mut *tx)
        .await?;
        let detail = serde_json::json!({
            "description": settings.description,
            "max_attempts": settings.max_attempts,
            "concurrency_limit": settings.concurrency_limit,
            "quotas": settings.quotas,
        });
        audit::record(
            &mut *tx,
            Owner::Runbook(runbook_id),
            actor,
            "runbook.settings",
            runbook_id,
            Some(&detail),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The latest execution of each runbook of a team in each environment.
    pub async fn last_outcomes(&self, team_id: &str) -> Result<Vec<LastOutcome>, StoreError> {
        // One index probe per runbook and environment (executions_by_runbook),
        // not a scan of the team's history.
        let rows = sqlx::query(
            "SELECT d.runbook_id, d.environment, \
               (SELECT e.status FROM executions e WHERE e.runbook_id = d.runbook_id \
                  AND e.environment = d.environment ORDER BY e.queued_at DESC, e.id DESC LIMIT 1) \
                 AS status, \
               (SELECT MAX(e.queued_at) FROM executions e WHERE e.runbook_id = d.runbook_id \
                  AND e.environment = d.environment) AS queued_at \
             FROM deployments d JOIN runbooks r ON r.id = d.runbook_id WHERE r.team_id = $1",
        )
        .bind(team_id)
        .fetch_all(&self.reader)
        .await?;
        Ok(rows
            .iter()
            .filter_map(|row| {
                Some(LastOutcome {
                    runbook_id: row.get("runbook_id"),
                    environment: row.get("environment"),
                    status: row.get::<Option<String>, _>("status")?,
                    queued_at: row.get::<Option<i64>, _>("queued_at")?,
                })
            })
            .collect())
    }
}
