//! Per runbook and environment: what it may do through the host interfaces
//! (its grant, a JSON document in `wolfe_host_apis::Grant`'s shape) and whom
//! to tell when an execution does not succeed.

use sqlx::Row;

use crate::audit::{self, Owner};
use crate::{Store, StoreError, now_ms};

impl Store {
    /// Sets the grant of `runbook_id` in `environment`, audited as `actor`.
    pub async fn set_grant(
        &self,
        runbook_id: &str,
        environment: &str,
        grant: &serde_json::Value,
        actor: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO grants (runbook_id, environment, grant_json, updated_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (runbook_id, environment) \
             DO UPDATE SET grant_json = excluded.grant_json, updated_at = excluded.updated_at",
        )
        .bind(runbook_id)
        .bind(environment)
        .bind(grant.to_string())
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        let target = format!("runbook:{runbook_id}/{environment}");
        audit::record(
            &mut *tx,
            Owner::Runbook(runbook_id),
            actor,
            "grant.set",
            &target,
            Some(grant),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The grant of `runbook_id` in `environment`; none means nothing granted.
    pub async fn grant(
        &self,
        runbook_id: &str,
        environment: &str,
    ) -> Result<Option<serde_json::Value>, StoreError> {
        let row =
            sqlx::query("SELECT grant_json FROM grants WHERE runbook_id = $1 AND environment = $2")
                .bind(runbook_id)
                .bind(environment)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|row| Ok(serde_json::from_str(&row.get::<String, _>("grant_json"))?))
            .transpose()
    }

    /// Sets the notify targets told about executions that do not succeed.
    pub async fn set_failure_notifications(
        &self,
        runbook_id: &str,
        environment: &str,
        targets: &[String],
        actor: &str,
    ) -> Result<(), StoreError> {
        let targets = serde_json::json!(targets);
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO failure_notifications (runbook_id, environment, targets_json, updated_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (runbook_id, environment) \
             DO UPDATE SET targets_json = excluded.targets_json, updated_at = excluded.updated_at",
        )
        .bind(runbook_id)
        .bind(environment)
        .bind(targets.to_string())
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        let target = format!("runbook:{runbook_id}/{environment}");
        audit::record(
            &mut *tx,
            Owner::Runbook(runbook_id),
            actor,
            "failure_notifications.set",
            &target,
            Some(&targets),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The notify targets told when an execution in `environment` fails.
    pub async fn failure_notifications(
        &self,
        runbook_id: &str,
        environment: &str,
    ) -> Result<Vec<String>, StoreError> {
        let row = sqlx::query(
            "SELECT targets_json FROM failure_notifications \
             WHERE runbook_id = $1 AND environment = $2",
        )
        .bind(runbook_id)
        .bind(environment)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(row) => Ok(serde_json::from_str(&row.get::<String, _>("targets_json"))?),
            None => Ok(Vec::new()),
        }
    }
}
