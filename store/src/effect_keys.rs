//! Explicit idempotency keys: a side effect a runbook keyed is done at most
//! once per key for the runbook in its environment, whichever execution
//! gets there first. Claiming is one statement, so concurrent executions
//! cannot both find the key free: the insert of the first wins, the others
//! conflict and read what it left (pending, or done with its result).

use sqlx::Row;

use crate::{Store, StoreError, now_ms};

/// Whose key: a runbook's in one environment of one team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectKeyScope {
    pub team: String,
    pub runbook: String,
    pub environment: String,
    pub key: String,
}

/// An attempt asking for a key, for one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectKeyClaim {
    pub scope: EffectKeyScope,
    pub execution_id: String,
    pub attempt: i64,
    pub interface: String,
    pub operation: String,
    /// How long the claim may stay pending before another call may take it
    /// over (its execution is taken to have died mid-call).
    pub hold_ms: i64,
}

/// What a claim found.
#[derive(Debug, Clone, PartialEq)]
pub enum EffectKeyState {
    /// The key is the claimant's now (new, expired, or left pending by an
    /// earlier attempt of its execution).
    Claimed,
    /// A call with the key succeeded; its result.
    Done {
        result: Option<serde_json::Value>,
        interface: String,
        operation: String,
    },
    /// Another call holds it.
    Pending { execution_id: String, attempt: i64 },
}

impl Store {
    /// Claims `claim.scope` for the claiming attempt, atomically.
    pub async fn claim_effect_key(
        &self,
        claim: &EffectKeyClaim,
    ) -> Result<EffectKeyState, StoreError> {
        // A row that vanishes between the upsert and the read (released by
        // a failed call) is claimed on the next round; a few rounds cover
        // any realistic churn.
        for _ in 0..5 {
            let now = now_ms();
            // Calls waiting for another execution's claim poll here: a row
            // this claim may not take is answered by a read (a reader
            // connection on SQLite) instead of a write. The read never
            // grants a claim; only the upsert below does.
            if let Some(row) = self.effect_key_row(&self.reader, &claim.scope).await?
                && !row.claimable_by(claim, now)
            {
                return row.into_state();
            }
            if self.upsert_effect_key(claim, now).await? {
                return Ok(EffectKeyState::Claimed);
            }
            if let Some(row) = self.effect_key_row(&self.pool, &claim.scope).await? {
                return row.into_state();
            }
        }
        Err(StoreError::Conflict(format!(
            "idempotency key `{}` changed hands too often to claim",
            claim.scope.key
        )))
    }

    /// Inserts the claim, or takes over in place a row that expired or that
    /// an earlier attempt of the same execution left pending. One
    /// statement: under concurrency exactly one claimant changes the row,
    /// the others change nothing. True when the claim is the caller's.
    async fn upsert_effect_key(
        &self,
        claim: &EffectKeyClaim,
        now: i64,
    ) -> Result<bool, StoreError> {
        let s = &claim.scope;
        let claimed = sqlx::query(
            "INSERT INTO effect_keys (team, runbook, environment, key, state, execution_id, \
             attempt, interface, operation, result_json, claimed_at, updated_at, expires_at) \
             VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7, $8, NULL, $9, $9, $10) \
             ON CONFLICT (team, runbook, environment, key) DO UPDATE SET \
             state = excluded.state, execution_id = excluded.execution_id, \
             attempt = excluded.attempt, interface = excluded.interface, \
             operation = excluded.operation, result_json = NULL, \
             claimed_at = excluded.claimed_at, updated_at = excluded.updated_at, \
             expires_at = excluded.expires_at \
             WHERE (effect_keys.expires_at IS NOT NULL AND effect_keys.expires_at <= $9) \
             OR (effect_keys.state = 'pending' AND effect_keys.execution_id = $5 \
                 AND effect_keys.attempt < $6)",
        )
        .bind(&s.team)
        .bind(&s.runbook)
        .bind(&s.environment)
        .bind(&s.key)
        .bind(&claim.execution_id)
        .bind(claim.attempt)
        .bind(&claim.interface)
        .bind(&claim.operation)
        .bind(now)
        .bind(now + claim.hold_ms)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(claimed == 1)
    }

    async fn effect_key_row(
        &self,
        pool: &sqlx::AnyPool,
        scope: &EffectKeyScope,
    ) -> Result<Option<KeyRow>, StoreError> {
        let row = sqlx::query(
            "SELECT state, execution_id, attempt, interface, operation, result_json, expires_at \
             FROM effect_keys WHERE team = $1 AND runbook = $2 AND environment = $3 AND key = $4",
        )
        .bind(&scope.team)
        .bind(&scope.runbook)
        .bind(&scope.environment)
        .bind(&scope.key)
        .fetch_optional(pool)
        .await?;
        Ok(row.map(|row| KeyRow {
            done: row.get::<String, _>("state") == "done",
            execution_id: row.get("execution_id"),
            attempt: row.get("attempt"),
            interface: row.get("interface"),
            operation: row.get("operation"),
            result_json: row.get("result_json"),
            expires_at: row.get("expires_at"),
        }))
    }

    /// Marks the attempt's pending claim done with `result`, holding for
    /// `ttl_ms` from now (none: forever). False when the attempt no longer
    /// holds the claim (it was taken over after its hold ran out).
    pub async fn finish_effect_key(
        &self,
        scope: &EffectKeyScope,
        execution_id: &str,
        attempt: i64,
        result: &serde_json::Value,
        ttl_ms: Option<i64>,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        let finished = sqlx::query(
            "UPDATE effect_keys SET state = 'done', result_json = $7, updated_at = $8, \
             expires_at = $9 WHERE team = $1 AND runbook = $2 AND environment = $3 AND key = $4 \
             AND state = 'pending' AND execution_id = $5 AND attempt = $6",
        )
        .bind(&scope.team)
        .bind(&scope.runbook)
        .bind(&scope.environment)
        .bind(&scope.key)
        .bind(execution_id)
        .bind(attempt)
        .bind(result.to_string())
        .bind(now)
        .bind(ttl_ms.map(|ttl| now + ttl))
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(finished == 1)
    }

    /// Deletes the attempt's pending claim (its call failed), so the next
    /// call with the key acts. False when the attempt did not hold it.
    pub async fn release_effect_key(
        &self,
        scope: &EffectKeyScope,
        execution_id: &str,
        attempt: i64,
    ) -> Result<bool, StoreError> {
        let released = sqlx::query(
            "DELETE FROM effect_keys WHERE team = $1 AND runbook = $2 AND environment = $3 \
             AND key = $4 AND state = 'pending' AND execution_id = $5 AND attempt = $6",
        )
        .bind(&scope.team)
        .bind(&scope.runbook)
        .bind(&scope.environment)
        .bind(&scope.key)
        .bind(execution_id)
        .bind(attempt)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(released == 1)
    }
}

impl Store {
    /// Deletes the keys that no longer hold at `now` (done past their
    /// ttl) and the claims past their hold (left by a dead execution):
    /// rows a claim would take over anyway, which nothing else removes.
    /// A row a claim takes over meanwhile gets a later `expires_at` and
    /// stays. Returns how many were deleted.
    pub async fn purge_expired_effect_keys(&self, now: i64) -> Result<u64, StoreError> {
        let purged = sqlx::query(
            "DELETE FROM effect_keys WHERE expires_at IS NOT NULL AND expires_at <= $1",
        )
        .bind(now)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(purged)
    }
}

/// A row of `effect_keys` as read.
struct KeyRow {
    done: bool,
    execution_id: String,
    attempt: i64,
    interface: String,
    operation: String,
    result_json: Option<String>,
    expires_at: Option<i64>,
}

impl KeyRow {
    /// Whether `claim` may take the row over: the upsert's condition.
    fn claimable_by(&self, claim: &EffectKeyClaim, now: i64) -> bool {
        let expired = self.expires_at.is_some_and(|at| at <= now);
        let left_by_earlier_attempt =
            !self.done && self.execution_id == claim.execution_id && self.attempt < claim.attempt;
        expired || left_by_earlier_attempt
    }

    fn into_state(self) -> Result<EffectKeyState, StoreError> {
        Ok(if self.done {
            EffectKeyState::Done {
                result: self
                    .result_json
                    .map(|r| serde_json::from_str(&r))
                    .transpose()?,
                interface: self.interface,
                operation: self.operation,
            }
        } else {
            EffectKeyState::Pending {
                execution_id: self.execution_id,
                attempt: self.attempt,
            }
        })
    }
}
