//! Recording an attempt's result, fenced by its lease.

use std::collections::HashSet;

use sqlx::{Any, Row, Transaction};

use super::logs::insert_log_rows;
use super::{Finished, LogLine};
use crate::sql::value_rows;
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
    /// committed or, on an error, none of it. Three statements write the
    /// whole batch, however large: on SQLite every statement is a round
    /// trip to the one writer's thread, the pipeline's narrowest point.
    pub async fn finish_batch(&self, batch: &[Finished]) -> Result<Vec<bool>, StoreError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let closed = close_executions(&mut tx, batch, now).await?;
        let answers: Vec<bool> = batch
            .iter()
            .map(|f| closed.contains(&(f.id.clone(), f.attempt)))
            .collect();
        let recorded: Vec<&Finished> = batch
            .iter()
            .zip(&answers)
            .filter_map(|(finished, &written)| written.then_some(finished))
            .collect();
        if !recorded.is_empty() {
            close_attempts(&mut tx, &recorded, now).await?;
            let lines: Vec<(&str, &LogLine)> = recorded
                .iter()
                .flat_map(|f| f.logs.iter().map(|line| (f.id.as_str(), line)))
                .collect();
            insert_log_rows(&mut tx, &lines).await?;
        }
        tx.commit().await?;
        Ok(answers)
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

/// Writes each result whose runner still holds the lease on its execution
/// (the update is fenced by owner, attempt and status) and returns the
/// `(id, attempt)` of those written.
async fn close_executions(
    tx: &mut Transaction<'_, Any>,
    batch: &[Finished],
    now: i64,
) -> Result<HashSet<(String, i64)>, StoreError> {
    const COLUMNS: usize = 10;
    let values = value_rows(2, batch.len(), COLUMNS);
    let sql = format!(
        "WITH results (id, runner, attempt, outcome, output_json, error_message, \
           error_detail, fuel_consumed, peak_memory_bytes, wall_time_us) AS (VALUES {values}) \
         UPDATE executions SET status = results.outcome, finished_at = $1, \
           output_json = results.output_json, error_message = results.error_message, \
           error_detail = results.error_detail, fuel_consumed = results.fuel_consumed, \
           peak_memory_bytes = results.peak_memory_bytes, wall_time_us = results.wall_time_us, \
           lease_owner = NULL, lease_expires_at = NULL \
         FROM results WHERE executions.id = results.id \
           AND executions.lease_owner = results.runner \
           AND executions.attempt = results.attempt AND executions.status = 'running' \
         RETURNING executions.id, executions.attempt"
    );
    let mut query = sqlx::query(&sql).bind(now);
    for finished in batch {
        query = query
            .bind(&finished.id)
            .bind(&finished.runner)
            .bind(finished.attempt)
            .bind(&finished.outcome)
            .bind(finished.output.as_ref().map(|o| o.to_string()))
            .bind(&finished.error_message)
            .bind(&finished.error_detail)
            .bind(finished.fuel_consumed)
            .bind(finished.peak_memory_bytes)
            .bind(finished.wall_time_us);
    }
    let rows = query.fetch_all(&mut **tx).await?;
    Ok(rows
        .iter()
        .map(|row| (row.get("id"), row.get("attempt")))
        .collect())
}

/// Ends the attempt of each recorded result, with what its log quota dropped.
async fn close_attempts(
    tx: &mut Transaction<'_, Any>,
    recorded: &[&Finished],
    now: i64,
) -> Result<(), StoreError> {
    const COLUMNS: usize = 5;
    let values = value_rows(2, recorded.len(), COLUMNS);
    let sql = format!(
        "WITH ended (id, attempt, outcome, dropped_lines, dropped_bytes) AS (VALUES {values}) \
         UPDATE attempts SET finished_at = $1, outcome = ended.outcome, \
           log_dropped_lines = ended.dropped_lines, log_dropped_bytes = ended.dropped_bytes \
         FROM ended WHERE attempts.execution_id = ended.id AND attempts.attempt = ended.attempt"
    );
    let mut query = sqlx::query(&sql).bind(now);
    for finished in recorded {
        query = query
            .bind(&finished.id)
            .bind(finished.attempt)
            .bind(&finished.outcome)
            .bind(finished.log_dropped.lines)
            .bind(finished.log_dropped.bytes);
    }
    query.execute(&mut **tx).await?;
    Ok(())
}
