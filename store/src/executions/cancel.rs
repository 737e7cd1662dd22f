//! Cancelling an execution: at once when queued; when running, the row
//! says so at once and the runner holding it notices through its lease
//! (see `leases.rs`) and stops the sandbox.

use serde_json::json;
use sqlx::Row;

use super::ExecutionStatus;
use crate::{Backend, Store, StoreError, audit, now_ms};

/// What a cancel request did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cancelled {
    /// Cancelled now; it was queued or running.
    Now {
        previous: ExecutionStatus,
    },
    /// It had already ended this way; nothing changed.
    AlreadyEnded(ExecutionStatus),
    NotFound,
}

impl Store {
    /// Gives a queued or running execution up; a running attempt's result
    /// will be discarded. `false` when it had already ended.
    pub async fn cancel(&self, id: &str) -> Result<bool, StoreError> {
        let outcome = self.cancel_execution(id, "system", None).await?;
        Ok(matches!(outcome, Cancelled::Now { .. }))
    }

    /// Cancels `id` on behalf of `actor`, closes its running attempt, and
    /// records who did it (and why) in the audit log, all in one
    /// transaction.
    pub async fn cancel_execution(
        &self,
        id: &str,
        actor: &str,
        reason: Option<&str>,
    ) -> Result<Cancelled, StoreError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        // PostgreSQL: hold the row so a result being recorded at the same
        // moment either lands first (and this answers "already ended") or
        // waits and is refused.
        let lock = match self.backend() {
            Backend::Postgres => "FOR UPDATE",
            Backend::Sqlite => "",
        };
        let row = sqlx::query(&format!(
            "SELECT status FROM executions WHERE id = $1 {lock}"
        ))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            tx.rollback().await?;
            return Ok(Cancelled::NotFound);
        };
        let previous = ExecutionStatus::parse(&row.get::<String, _>("status"));
        if previous.is_terminal() {
            tx.rollback().await?;
            return Ok(Cancelled::AlreadyEnded(previous));
        }
        let message = match reason {
            Some(reason) => format!("cancelled by {actor}: {reason}"),
            None => format!("cancelled by {actor}"),
        };
        sqlx::query(
            "UPDATE executions SET status = 'cancelled', finished_at = $1, error_message = $2, \
             lease_owner = NULL, lease_expires_at = NULL WHERE id = $3",
        )
        .bind(now)
        .bind(&message)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE attempts SET finished_at = $1, outcome = 'cancelled' \
             WHERE execution_id = $2 AND finished_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let detail = json!({"previous_status": previous.as_str(), "reason": reason});
        audit::record(
            &mut *tx,
            audit::Owner::Execution(id),
            actor,
            "execution.cancel",
            id,
            Some(&detail),
        )
        .await?;
        tx.commit().await?;
        Ok(Cancelled::Now { previous })
    }
}
