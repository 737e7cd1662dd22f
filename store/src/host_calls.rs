//! The audit trail of runbooks' host calls: every side-effecting or denied
//! call of every attempt. A successful side effect's result is kept under
//! its idempotency key so a retried attempt gets it back instead of acting
//! twice.

use sqlx::Row;

use crate::{Store, StoreError, now_ms};

/// One recorded host call.
#[derive(Debug, Clone, PartialEq)]
pub struct HostCall {
    pub execution_id: String,
    pub attempt: i64,
    pub seq: i64,
    pub at: i64,
    pub interface: String,
    pub operation: String,
    pub target: String,
    /// succeeded | failed | denied | simulated | replayed
    pub outcome: String,
    pub error: Option<String>,
    pub side_effect: bool,
    pub idempotency_key: Option<String>,
    pub result: Option<serde_json::Value>,
    pub duration_us: i64,
}

impl Store {
    pub async fn record_host_call(&self, call: &HostCall) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO host_calls (execution_id, attempt, seq, at, interface, operation, target, \
             outcome, error, side_effect, idempotency_key, result_json, duration_us) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
             ON CONFLICT (execution_id, attempt, seq) DO NOTHING",
        )
        .bind(&call.execution_id)
        .bind(call.attempt)
        .bind(call.seq)
        .bind(if call.at == 0 { now_ms() } else { call.at })
        .bind(&call.interface)
        .bind(&call.operation)
        .bind(&call.target)
        .bind(&call.outcome)
        .bind(&call.error)
        .bind(call.side_effect as i64)
        .bind(&call.idempotency_key)
        .bind(call.result.as_ref().map(|r| r.to_string()))
        .bind(call.duration_us)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The result of the execution's successful call recorded under `key`,
    /// if any. Only the execution's own calls count: a key a runbook named
    /// (`effect_keys`) may be any text, even another execution's sequence
    /// key.
    pub async fn succeeded_call_result(
        &self,
        execution_id: &str,
        key: &str,
    ) -> Result<Option<serde_json::Value>, StoreError> {
        let row = sqlx::query(
            "SELECT result_json FROM host_calls WHERE idempotency_key = $1 \
             AND outcome = 'succeeded' AND execution_id = $2 LIMIT 1",
        )
        .bind(key)
        .bind(execution_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let result: Option<String> = row.get("result_json");
        Ok(Some(match result {
            Some(text) => serde_json::from_str(&text)?,
            None => serde_json::Value::Null,
        }))
    }

    /// An execution's audit trail, in order.
    pub async fn host_calls(&self, execution_id: &str) -> Result<Vec<HostCall>, StoreError> {
        let rows = sqlx::query(
            "SELECT execution_id, attempt, seq, at, interface, operation, target, outcome, error, \
             side_effect, idempotency_key, result_json, duration_us FROM host_calls \
             WHERE execution_id = $1 ORDER BY attempt, seq",
        )
        .bind(execution_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let result: Option<String> = row.get("result_json");
                Ok(HostCall {
                    execution_id: row.get("execution_id"),
                    attempt: row.get("attempt"),
                    seq: row.get("seq"),
                    at: row.get("at"),
                    interface: row.get("interface"),
                    operation: row.get("operation"),
                    target: row.get("target"),
                    outcome: row.get("outcome"),
                    error: row.get("error"),
                    side_effect: row.get::<i64, _>("side_effect") != 0,
                    idempotency_key: row.get("idempotency_key"),
                    result: result.map(|r| serde_json::from_str(&r)).transpose()?,
                    duration_us: row.get("duration_us"),
                })
            })
            .collect()
    }
}
