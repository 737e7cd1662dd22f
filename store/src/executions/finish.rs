//! Recording an attempt's result, fenced by its lease.

use sqlx::{Any, Transaction};

use super::Finished;
use super::logs::insert_logs;
use crate::{Store, StoreError, now_ms};

impl Store {
    /// Records an attempt's result with its log lines not written yet
    /// (see `logs.rs`); `false` (and nothing written) when the runner lost
    /// its lease in the meantime.
    pub async fn finish(&self, finished: &Finished) -> Result<bool, StoreError> {
        let recorded = self.finish_batch(std::slice::from_ref(finished)).await?;
        Ok(recorded[0])
    }

    /// Records several results in one transaction (one commit, one WAL
    /// write): for each, in order, whether it was recorded (`false`: its
    /// lease was lost, nothing of it written). Either the whole batch is
    /// committed or, on an error, none of it.
    pub async fn finish_batch(&self, batch: &[Finished]) -> Result<Vec<bool>, StoreError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let mut recorded = Vec::with_capacity(batch.len());
        for finished in batch {
            recorded.push(finish_one(&mut tx, finished, now).await?);
        }
        tx.commit().await?;
        Ok(recorded)
    }

    /// Puts executions whose runner stopped renewing back in the queue, or
    /// abandons them when their attempts are spent. Returns how many.
    pub async fn expire_leases(&self) -> Result<u64, StoreError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE attempts SET finished_at = $1, outcome = 'lease_expired' \
             WHERE finished_at IS NULL AND execution_id IN (SELECT id FROM executions \
               WHERE status = 'running' AND lease_expires_at < $1)",
        )
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let expired = sqlx::query(
            "UPDATE executions SET \
               status = CASE WHEN attempt >= max_attempts THEN 'abandoned' ELSE 'queued' END, \
               finished_at = CASE WHEN attempt >= max_attempts THEN $1 ELSE NULL END, \
               error_message = CASE WHEN attempt >= max_attempts \
                 THEN 'abandoned: the runner of every attempt stopped renewing its lease' \
                 ELSE error_message END, \
               lease_owner = NULL, lease_expires_at = NULL \
             WHERE status = 'running' AND lease_expires_at < $1",
        )
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(expired)
    }
}

/// One result inside a transaction; `false` when the lease was lost (the
/// fenced `UPDATE` changed nothing, so nothing else is written).
async fn finish_one(
    tx: &mut Transaction<'_, Any>,
    finished: &Finished,
    now: i64,
) -> Result<bool, StoreError> {
    let updated = sqlx::query(
        "UPDATE executions SET status = $1, finished_at = $2, output_json = $3, \
         error_message = $4, error_detail = $5, fuel_consumed = $6, peak_memory_bytes = $7, \
         wall_time_us = $8, lease_owner = NULL, lease_expires_at = NULL \
         WHERE id = $9 AND lease_owner = $10 AND attempt = $11 AND status = 'running'",
    )
    .bind(&finished.outcome)
    .bind(now)
    .bind(finished.output.as_ref().map(|o| o.to_string()))
    .bind(&finished.error_message)
    .bind(&finished.error_detail)
    .bind(finished.fuel_consumed)
    .bind(finished.peak_memory_bytes)
    .bind(finished.wall_time_us)
    .bind(&finished.id)
    .bind(&finished.runner)
    .bind(finished.attempt)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if updated == 0 {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE attempts SET finished_at = $1, outcome = $2, log_dropped_lines = $3, \
         log_dropped_bytes = $4 WHERE execution_id = $5 AND attempt = $6",
    )
    .bind(now)
    .bind(&finished.outcome)
    .bind(finished.log_dropped.lines)
    .bind(finished.log_dropped.bytes)
    .bind(&finished.id)
    .bind(finished.attempt)
    .execute(&mut **tx)
    .await?;
    insert_logs(tx, &finished.id, &finished.logs).await?;
    Ok(true)
}
