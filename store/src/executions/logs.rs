//! An attempt's log lines: written while it runs (fenced like its result),
//! with its result, or after it was cancelled; read in order.
//!
//! Lines are numbered by their runner, contiguously per attempt; the
//! primary key `(execution_id, attempt, seq)` stores each line once, so a
//! write retried after an unclear failure never duplicates one.

use sqlx::{Any, Row, Transaction};

use super::LogLine;
use crate::sql::{ROWS_PER_INSERT, value_rows};
use crate::{Backend, Store, StoreError, now_ms};

/// The attempt `$2` of execution `$1` is `$3`'s to write: still running
/// under its lease, or cancelled through the API while it ran (the runner
/// writes what the attempt logged until its sandbox stopped, then marks it
/// stopped). A lease lost any other way (expired, the attempt abandoned or
/// run again) writes nothing.
const ATTEMPT_IS_MINE: &str = "e.id = $1 AND e.attempt = $2 AND (\
       (e.status = 'running' AND e.lease_owner = $3) \
       OR (e.status = 'cancelled' AND EXISTS (SELECT 1 FROM attempts a \
           WHERE a.execution_id = e.id AND a.attempt = e.attempt AND a.runner = $3 \
           AND a.outcome = 'cancelled' AND a.stopped_at IS NULL)))";

/// The attempt was cancelled through the API while `$3` ran it, and `$3`
/// has not reported its sandbox stopped yet.
const CANCELLED_WHILE_MINE: &str = "e.id = $1 AND e.attempt = $2 AND e.status = 'cancelled' \
       AND EXISTS (SELECT 1 FROM attempts a \
           WHERE a.execution_id = e.id AND a.attempt = e.attempt AND a.runner = $3 \
           AND a.outcome = 'cancelled' AND a.stopped_at IS NULL)";

impl Store {
    /// Writes log lines of a running attempt; `false` (and nothing written)
    /// when `runner` may no longer write for it (see `ATTEMPT_IS_MINE`).
    pub async fn append_logs(
        &self,
        id: &str,
        runner: &str,
        attempt: i64,
        lines: &[LogLine],
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        if !self
            .fence(&mut tx, ATTEMPT_IS_MINE, id, runner, attempt)
            .await?
        {
            tx.rollback().await?;
            return Ok(false);
        }
        insert_logs(&mut tx, id, lines).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// After the API cancelled a running attempt and its runner stopped the
    /// sandbox: writes the attempt's last log lines and marks it stopped,
    /// so its log is complete. `false` (nothing written) when the attempt
    /// was not cancelled that way while `runner` ran it, e.g. its lease
    /// expired instead.
    pub async fn close_cancelled_attempt(
        &self,
        id: &str,
        runner: &str,
        attempt: i64,
        lines: &[LogLine],
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        if !self
            .fence(&mut tx, CANCELLED_WHILE_MINE, id, runner, attempt)
            .await?
        {
            tx.rollback().await?;
            return Ok(false);
        }
        insert_logs(&mut tx, id, lines).await?;
        sqlx::query("UPDATE attempts SET stopped_at = $1 WHERE execution_id = $2 AND attempt = $3")
            .bind(now_ms())
            .bind(id)
            .bind(attempt)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Whether `condition` holds for the execution row. On PostgreSQL the
    /// row is held (`FOR SHARE`) until the transaction ends, so a cancel,
    /// a result or a lease expiry either commits before the check (and is
    /// seen) or waits until the lines are in; SQLite has one writer.
    async fn fence(
        &self,
        tx: &mut Transaction<'_, Any>,
        condition: &str,
        id: &str,
        runner: &str,
        attempt: i64,
    ) -> Result<bool, StoreError> {
        let lock = match self.backend() {
            Backend::Postgres => "FOR SHARE",
            Backend::Sqlite => "",
        };
        let row = sqlx::query(&format!(
            "SELECT e.id FROM executions e WHERE {condition} {lock}"
        ))
        .bind(id)
        .bind(attempt)
        .bind(runner)
        .fetch_optional(&mut **tx)
        .await?;
        Ok(row.is_some())
    }

    /// Whether the runner of a cancelled attempt may still write its last
    /// log lines: the API cancelled it while it ran, the runner has not
    /// reported its sandbox stopped, and the cancel is less than `grace_ms`
    /// old (a runner that died never reports).
    pub async fn cancelled_attempt_stopping(
        &self,
        id: &str,
        attempt: i64,
        grace_ms: i64,
    ) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT attempt FROM attempts WHERE execution_id = $1 AND attempt = $2 \
             AND outcome = 'cancelled' AND stopped_at IS NULL AND finished_at > $3",
        )
        .bind(id)
        .bind(attempt)
        .bind(now_ms() - grace_ms)
        .fetch_optional(&self.reader)
        .await?;
        Ok(row.is_some())
    }

    /// Every log line of an execution, by attempt and sequence.
    pub async fn execution_logs(&self, id: &str) -> Result<Vec<LogLine>, StoreError> {
        self.execution_logs_after(id, None).await
    }

    /// The log lines of an execution after `after` (attempt, seq), in
    /// order: what a follower has not seen yet.
    pub async fn execution_logs_after(
        &self,
        id: &str,
        after: Option<(i64, i64)>,
    ) -> Result<Vec<LogLine>, StoreError> {
        let (attempt, seq) = after.unwrap_or((i64::MIN, i64::MIN));
        let rows = sqlx::query(
            "SELECT attempt, seq, at_ms, level, stream, message, fields_json FROM execution_logs \
             WHERE execution_id = $1 AND (attempt > $2 OR (attempt = $2 AND seq > $3)) \
             ORDER BY attempt, seq",
        )
        .bind(id)
        .bind(attempt)
        .bind(seq)
        .fetch_all(&self.reader)
        .await?;
        rows.into_iter()
            .map(|row| {
                let fields: Option<String> = row.get("fields_json");
                Ok(LogLine {
                    attempt: row.get("attempt"),
                    seq: row.get("seq"),
                    at_ms: row.get("at_ms"),
                    level: row.get("level"),
                    stream: row.get("stream"),
                    message: row.get("message"),
                    fields: fields.map(|f| serde_json::from_str(&f)).transpose()?,
                })
            })
            .collect()
    }
}

/// Log lines of one execution; see [`insert_log_rows`].
pub(super) async fn insert_logs(
    tx: &mut Transaction<'_, Any>,
    execution_id: &str,
    logs: &[LogLine],
) -> Result<(), StoreError> {
    let rows: Vec<_> = logs.iter().map(|line| (execution_id, line)).collect();
    insert_log_rows(tx, &rows).await
}

/// Log lines of any executions, each with its execution's id, a few
/// hundred per statement rather than one statement per line or per
/// execution. A line already stored (same attempt and seq: a retried write
/// whose first try committed after all) is left as it is.
pub(super) async fn insert_log_rows(
    tx: &mut Transaction<'_, Any>,
    rows: &[(&str, &LogLine)],
) -> Result<(), StoreError> {
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let values = value_rows(1, chunk.len(), 8);
        let sql = format!(
            "INSERT INTO execution_logs (execution_id, attempt, seq, at_ms, level, stream, \
             message, fields_json) VALUES {values} \
             ON CONFLICT (execution_id, attempt, seq) DO NOTHING"
        );
        let mut query = sqlx::query(&sql);
        for (execution_id, line) in chunk {
            query = query
                .bind(*execution_id)
                .bind(line.attempt)
                .bind(line.seq)
                .bind(line.at_ms)
                .bind(&line.level)
                .bind(&line.stream)
                .bind(&line.message)
                .bind(line.fields.as_ref().map(|f| f.to_string()));
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}
