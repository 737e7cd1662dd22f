//! Archiving a runbook, and restoring it. An archived runbook keeps its
//! versions, deployments, rules, grants and history, so restoring it brings
//! back exactly what ran; while archived, nothing of it runs:
//!
//! - intake queues no execution for it (`executions::insert` only queues
//!   for active runbooks) and its rules are not loaded (`enabled_rules`);
//! - what was queued is cancelled with the archive, in its transaction;
//! - runners claim no execution of it. An event being taken in while the
//!   archive commits can still queue one (PostgreSQL reads the runbook
//!   before the archive is visible): the sweeper cancels those
//!   ([`Store::cancel_queued_of_archived`]), and the claim skips them
//!   meanwhile;
//! - what is already running finishes and is recorded: stopping a
//!   remediation half way is for the cancel button, not a side effect.

use serde_json::json;
use sqlx::{Any, Row, Transaction};

use crate::audit::{self, Owner};
use crate::{Store, StoreError, now_ms};

/// What archiving did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveSummary {
    /// Queued executions it cancelled.
    pub cancelled: u64,
    /// Executions still running; they finish.
    pub still_running: u64,
}

impl Store {
    /// Archives a runbook as `actor`, cancelling its queued executions, in
    /// one audited transaction. `None` when it was already archived (and
    /// nothing changed).
    pub async fn archive_runbook(
        &self,
        runbook_id: &str,
        actor: &str,
    ) -> Result<Option<ArchiveSummary>, StoreError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let archived = sqlx::query(
            "UPDATE runbooks SET archived_at = $1, archived_by = $2 \
             WHERE id = $3 AND archived_at IS NULL",
        )
        .bind(now)
        .bind(actor)
        .bind(runbook_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if archived == 0 {
            tx.rollback().await?;
            return Ok(None);
        }
        let message = format!("cancelled: runbook archived by {actor}");
        let cancelled =
            cancel_queued(&mut tx, Queued::OfRunbook(runbook_id), &message, now).await?;
        let still_running: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM executions WHERE runbook_id = $1 AND status = 'running'",
        )
        .bind(runbook_id)
        .fetch_one(&mut *tx)
        .await?
        .get("n");
        let summary = ArchiveSummary {
            cancelled,
            still_running: still_running as u64,
        };
        let detail =
            json!({"cancelled": summary.cancelled, "still_running": summary.still_running});
        audit::record(
            &mut *tx,
            Owner::Runbook(runbook_id),
            actor,
            "runbook.archive",
            runbook_id,
            Some(&detail),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(summary))
    }

    /// Makes an archived runbook active again as `actor`, audited: its
    /// deployments and enabled rules apply again at once. `false` when it
    /// was not archived.
    pub async fn restore_runbook(&self, runbook_id: &str, actor: &str) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let restored = sqlx::query(
            "UPDATE runbooks SET archived_at = NULL, archived_by = NULL \
             WHERE id = $1 AND archived_at IS NOT NULL",
        )
        .bind(runbook_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if restored == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        audit::record(
            &mut *tx,
            Owner::Runbook(runbook_id),
            actor,
            "runbook.restore",
            runbook_id,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Cancels executions queued for archived runbooks after their archive
    /// committed (see the module doc). Returns how many.
    pub async fn cancel_queued_of_archived(&self) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let cancelled = cancel_queued(
            &mut tx,
            Queued::OfArchivedRunbooks,
            "cancelled: its runbook was archived",
            now_ms(),
        )
        .await?;
        tx.commit().await?;
        Ok(cancelled)
    }
}

/// Which queued executions to cancel.
enum Queued<'a> {
    OfRunbook(&'a str),
    OfArchivedRunbooks,
}

/// Cancels queued executions with `message` as their error. (A queued
/// execution has no open attempt: a requeued one's attempt was closed.)
async fn cancel_queued(
    tx: &mut Transaction<'_, Any>,
    which: Queued<'_>,
    message: &str,
    now: i64,
) -> Result<u64, StoreError> {
    let filter = match which {
        Queued::OfRunbook(_) => "runbook_id = $3",
        Queued::OfArchivedRunbooks => {
            "runbook_id IN (SELECT id FROM runbooks WHERE archived_at IS NOT NULL)"
        }
    };
    let sql = format!(
        "UPDATE executions SET status = 'cancelled', finished_at = $1, error_message = $2 \
         WHERE status = 'queued' AND {filter}"
    );
    let mut query = sqlx::query(&sql).bind(now).bind(message);
    if let Queued::OfRunbook(runbook_id) = which {
        query = query.bind(runbook_id);
    }
    Ok(query.execute(&mut **tx).await?.rows_affected())
}
