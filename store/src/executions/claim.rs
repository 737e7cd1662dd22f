//! Claiming queued executions: several in one statement, within each
//! runbook's concurrency limit, each exactly once.

use std::collections::HashMap;

use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use super::Claimed;
use crate::events::{EVENT_COLUMNS, event_from};
use crate::sql::placeholders;
use crate::{Backend, Store, StoreError, now_ms};

/// How far past the batch size the claim looks for candidates: a runbook
/// at its limit can fill part of the window without starving the batch.
const CANDIDATE_FACTOR: i64 = 4;

impl Store {
    /// Claims the oldest queued execution of `environment` whose runbook is
    /// below its concurrency limit, leasing it to `runner` for `lease_ms`.
    pub async fn claim(
        &self,
        environment: &str,
        runner: &str,
        lease_ms: i64,
    ) -> Result<Option<Claimed>, StoreError> {
        Ok(self
            .claim_batch(environment, runner, lease_ms, 1)
            .await?
            .pop())
    }

    /// Claims up to `max` of the oldest queued executions of `environment`,
    /// oldest first, never taking a runbook past its concurrency limit
    /// (counting what already runs and what this batch takes), and leases
    /// them to `runner` for `lease_ms`. One statement claims the batch, so
    /// a runner with free slots pays for one claim, not one per slot.
    pub async fn claim_batch(
        &self,
        environment: &str,
        runner: &str,
        lease_ms: i64,
        max: usize,
    ) -> Result<Vec<Claimed>, StoreError> {
        if max == 0 {
            return Ok(Vec::new());
        }
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        if self.backend() == Backend::Postgres {
            // Two instances claiming at the same instant would both count
            // the running executions before either committed, and together
            // pass a runbook's limit. Claims of one environment take turns
            // instead; the lock ends with the transaction, and a claim
            // statement that starts after it sees every earlier claim.
            sqlx::query("SELECT pg_advisory_xact_lock(hashtext('wolfe.claim'), hashtext($1))")
                .bind(environment)
                .execute(&mut *tx)
                .await?;
        }
        let claimed = claim_rows(
            &mut tx,
            self.backend(),
            environment,
            runner,
            lease_ms,
            now,
            max,
        )
        .await?;
        if claimed.is_empty() {
            tx.rollback().await?;
            return Ok(Vec::new());
        }
        record_attempts(&mut tx, &claimed, runner, now).await?;
        tx.commit().await?;
        // What the runner needs to run them is read after the commit, on a
        // reader: the writer is free again, and the claim is already ours.
        self.claimed_details(&claimed).await
    }

    /// Everything a runner needs for executions it just claimed.
    async fn claimed_details(&self, claimed: &[(String, i64)]) -> Result<Vec<Claimed>, StoreError> {
        let ids: Vec<&str> = claimed.iter().map(|(id, _)| id.as_str()).collect();
        let sql = format!(
            "SELECT e.id, e.runbook_id, r.name AS runbook_name, t.name AS team_name, \
             e.environment, e.version_id, v.artifact_sha256, e.params_json, e.dry_run, \
             r.quotas_json, g.grant_json, f.targets_json \
             FROM executions e JOIN runbooks r ON r.id = e.runbook_id \
             JOIN teams t ON t.id = r.team_id JOIN versions v ON v.id = e.version_id \
             LEFT JOIN grants g ON g.runbook_id = e.runbook_id AND g.environment = e.environment \
             LEFT JOIN failure_notifications f \
               ON f.runbook_id = e.runbook_id AND f.environment = e.environment \
             WHERE e.id IN ({})",
            placeholders(1, ids.len())
        );
        let mut query = sqlx::query(&sql);
        for id in &ids {
            query = query.bind(*id);
        }
        let rows = query.fetch_all(&self.reader).await?;
        let mut events = self.claimed_events(&ids).await?;
        let mut by_id: HashMap<String, AnyRow> = rows
            .into_iter()
            .map(|row| (row.get::<String, _>("id"), row))
            .collect();
        claimed
            .iter()
            .map(|(id, attempt)| {
                let row = by_id
                    .remove(id)
                    .ok_or_else(|| StoreError::NotFound(format!("claimed execution {id}")))?;
                claimed_from(&row, *attempt, events.remove(id).unwrap_or_default())
            })
            .collect()
    }

    /// The events of each execution, in the order they were received.
    async fn claimed_events(
        &self,
        ids: &[&str],
    ) -> Result<HashMap<String, Vec<crate::EventRecord>>, StoreError> {
        let columns = EVENT_COLUMNS
            .split(", ")
            .map(|c| format!("ev.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT ee.execution_id, {columns} FROM events ev \
             JOIN execution_events ee ON ee.event_id = ev.id \
             WHERE ee.execution_id IN ({}) ORDER BY ev.received_at, ev.id",
            placeholders(1, ids.len())
        );
        let mut query = sqlx::query(&sql);
        for id in ids {
            query = query.bind(*id);
        }
        let mut events: HashMap<String, Vec<_>> = HashMap::new();
        for row in query.fetch_all(&self.reader).await? {
            events
                .entry(row.get("execution_id"))
                .or_default()
                .push(event_from(&row)?);
        }
        Ok(events)
    }
}

/// Marks the batch running and returns each claimed id with its attempt.
async fn claim_rows(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    environment: &str,
    runner: &str,
    lease_ms: i64,
    now: i64,
    max: usize,
) -> Result<Vec<(String, i64)>, StoreError> {
    let rows = sqlx::query(&claim_sql(backend))
        .bind(runner)
        .bind(now + lease_ms)
        .bind(now)
        .bind(environment)
        .bind(max as i64)
        .bind(max as i64 * CANDIDATE_FACTOR)
        .fetch_all(&mut **tx)
        .await?;
    // RETURNING follows no particular order on PostgreSQL: oldest first.
    let mut claimed: Vec<(i64, String, i64)> = rows
        .iter()
        .map(|row| (row.get("queued_at"), row.get("id"), row.get("attempt")))
        .collect();
    claimed.sort();
    Ok(claimed
        .into_iter()
        .map(|(_, id, attempt)| (id, attempt))
        .collect())
}

/// The claim statement. Binds: $1 runner, $2 lease end, $3 now,
/// $4 environment, $5 batch size, $6 candidates looked at.
fn claim_sql(backend: Backend) -> String {
    // PostgreSQL: skip rows another transaction holds (a cancel, a sweep)
    // instead of waiting for them. SQLite has one writer; no clause needed.
    let lock = match backend {
        Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    // Candidates come from `executions_queued` (queued rows only), so a
    // claim never walks finished history. Archived runbooks' executions
    // are never claimed (see `archive.rs`). `running` counts each
    // runbook's running executions once per claim (from the status index),
    // not once per queued row. Candidates are the oldest queued rows of
    // runbooks below their limit; `place` numbers each runbook's
    // candidates, so the batch takes a runbook only up to its limit.
    format!(
        "WITH running AS (SELECT x.runbook_id, COUNT(*) AS n FROM executions x \
           WHERE x.status = 'running' AND x.environment = $4 GROUP BY x.runbook_id) \
         UPDATE executions SET status = 'running', attempt = attempt + 1, \
           lease_owner = $1, lease_expires_at = $2, started_at = $3 \
         WHERE id IN (SELECT c.id FROM \
           (SELECT q.id, q.runbook_id, q.queued_at, \
              ROW_NUMBER() OVER (PARTITION BY q.runbook_id ORDER BY q.queued_at, q.id) AS place \
            FROM (SELECT e.id, e.runbook_id, e.queued_at FROM executions e \
              WHERE e.status = 'queued' AND e.environment = $4 \
              AND (e.not_before IS NULL OR e.not_before <= $3) \
              AND e.runbook_id NOT IN (SELECT a.id FROM runbooks a WHERE a.archived_at IS NOT NULL) \
              AND e.runbook_id NOT IN (SELECT s.runbook_id FROM running s \
                JOIN runbooks sr ON sr.id = s.runbook_id WHERE s.n >= sr.concurrency_limit) \
              ORDER BY e.queued_at, e.id LIMIT $6 {lock}) q) c \
           JOIN runbooks r ON r.id = c.runbook_id \
           LEFT JOIN running rn ON rn.runbook_id = c.runbook_id \
           WHERE c.place + COALESCE(rn.n, 0) <= r.concurrency_limit \
           ORDER BY c.queued_at, c.id LIMIT $5) \
         RETURNING id, attempt, queued_at"
    )
}

/// One `attempts` row per claimed execution, in one statement.
async fn record_attempts(
    tx: &mut Transaction<'_, Any>,
    claimed: &[(String, i64)],
    runner: &str,
    now: i64,
) -> Result<(), StoreError> {
    let values = (0..claimed.len())
        .map(|i| format!("(${}, ${}, $1, $2)", 3 + 2 * i, 4 + 2 * i))
        .collect::<Vec<_>>()
        .join(", ");
    let sql =
        format!("INSERT INTO attempts (execution_id, attempt, runner, started_at) VALUES {values}");
    let mut query = sqlx::query(&sql).bind(runner).bind(now);
    for (id, attempt) in claimed {
        query = query.bind(id).bind(*attempt);
    }
    query.execute(&mut **tx).await?;
    Ok(())
}

fn claimed_from(
    row: &AnyRow,
    attempt: i64,
    events: Vec<crate::EventRecord>,
) -> Result<Claimed, StoreError> {
    let params: String = row.get("params_json");
    let quotas: String = row.get("quotas_json");
    let grant: Option<String> = row.get("grant_json");
    let failure_targets: Option<String> = row.get("targets_json");
    Ok(Claimed {
        id: row.get("id"),
        runbook_id: row.get("runbook_id"),
        runbook_name: row.get("runbook_name"),
        team_name: row.get("team_name"),
        environment: row.get("environment"),
        version_id: row.get("version_id"),
        artifact_sha256: row.get("artifact_sha256"),
        attempt,
        params: serde_json::from_str(&params)?,
        dry_run: row.get::<i64, _>("dry_run") != 0,
        quotas: serde_json::from_str(&quotas)?,
        events,
        grant: grant.map(|g| serde_json::from_str(&g)).transpose()?,
        failure_targets: failure_targets
            .map(|t| serde_json::from_str(&t))
            .transpose()?
            .unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On SQLite the claim's candidates must come from the index of queued
    /// executions: through `executions_by_environment` it walked the whole
    /// history of the environment on every claim.
    #[tokio::test]
    async fn the_claim_reads_only_queued_executions() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("wolfe.db").display());
        let store = Store::open(&url).await.unwrap();
        let plan = sqlx::query(&format!(
            "EXPLAIN QUERY PLAN {}",
            claim_sql(Backend::Sqlite)
        ))
        .bind("runner")
        .bind(1_i64)
        .bind(0_i64)
        .bind("dev")
        .bind(8_i64)
        .bind(32_i64)
        .fetch_all(&store.pool)
        .await
        .unwrap();
        let steps: Vec<String> = plan.iter().map(|row| row.get("detail")).collect();
        let candidates = steps
            .iter()
            .find(|step| step.contains(" e ") || step.ends_with(" e"))
            .unwrap_or_else(|| panic!("no step reads the candidates: {steps:?}"));
        assert!(
            candidates.contains("USING INDEX executions_queued"),
            "{candidates} ({steps:?})"
        );
    }
}
