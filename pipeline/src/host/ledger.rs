//! The audit trail of host calls and the claims of explicit idempotency
//! keys, in the store.

use std::time::Duration;

use wolfe_host_apis::CallerIdentity;
use wolfe_host_apis::ledger::{CallRecord, Claim, EffectLedger, KeyClaim};
use wolfe_store::{EffectKeyClaim, EffectKeyScope, EffectKeyState, HostCall, Store};

use crate::retry::with_backoff;

pub struct StoreLedger {
    store: Store,
}

impl StoreLedger {
    pub fn new(store: Store) -> Self {
        Self { store }
    }
}

/// The key as the store scopes it: the caller's team, runbook, environment.
fn scope(caller: &CallerIdentity, key: &str) -> EffectKeyScope {
    EffectKeyScope {
        team: caller.team.clone(),
        runbook: caller.runbook.clone(),
        environment: caller.environment.clone(),
        key: key.to_owned(),
    }
}

#[async_trait::async_trait]
impl EffectLedger for StoreLedger {
    async fn replay(
        &self,
        caller: &CallerIdentity,
        key: &str,
    ) -> Result<Option<serde_json::Value>, String> {
        self.store
            .succeeded_call_result(&caller.execution_id, key)
            .await
            .map_err(|e| e.to_string())
    }

    async fn claim_key(
        &self,
        caller: &CallerIdentity,
        claim: &KeyClaim<'_>,
    ) -> Result<Claim, String> {
        let claimed = self
            .store
            .claim_effect_key(&EffectKeyClaim {
                scope: scope(caller, claim.key),
                execution_id: caller.execution_id.clone(),
                attempt: caller.attempt.into(),
                interface: claim.interface.into(),
                operation: claim.operation.into(),
                hold_ms: claim.hold.as_millis() as i64,
            })
            .await
            .map_err(|e| e.to_string())?;
        Ok(match claimed {
            EffectKeyState::Claimed => Claim::Acquired,
            EffectKeyState::Done {
                result,
                interface,
                operation,
            } => Claim::Done {
                result: result.unwrap_or(serde_json::Value::Null),
                interface,
                operation,
            },
            EffectKeyState::Pending {
                execution_id,
                attempt,
            } => Claim::Pending {
                execution_id,
                attempt: attempt.try_into().unwrap_or(u32::MAX),
            },
        })
    }

    async fn finish_key(
        &self,
        caller: &CallerIdentity,
        key: &str,
        result: &serde_json::Value,
        ttl: Option<Duration>,
    ) -> Result<(), String> {
        let scope = scope(caller, key);
        let ttl_ms = ttl.map(|ttl| ttl.as_millis() as i64);
        // Done but unrecorded, the key would block other executions until
        // its hold runs out: retry through a blip, as for the audit trail.
        let store = &self.store;
        let finished = with_backoff("finish idempotency key", Duration::from_secs(10), || {
            store.finish_effect_key(
                &scope,
                &caller.execution_id,
                caller.attempt.into(),
                result,
                ttl_ms,
            )
        })
        .await;
        match finished {
            Some(true) => Ok(()),
            Some(false) => Err(format!(
                "the claim of idempotency key `{key}` was taken over before the call finished"
            )),
            None => Err("the store is unavailable".into()),
        }
    }

    async fn release_key(&self, caller: &CallerIdentity, key: &str) -> Result<(), String> {
        self.store
            .release_effect_key(
                &scope(caller, key),
                &caller.execution_id,
                caller.attempt.into(),
            )
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    async fn record(&self, caller: &CallerIdentity, record: &CallRecord) -> Result<(), String> {
        let call = HostCall {
            execution_id: caller.execution_id.clone(),
            attempt: caller.attempt.into(),
            seq: record.seq.into(),
            at: 0,
            interface: record.interface.clone(),
            operation: record.operation.clone(),
            target: record.target.clone(),
            outcome: record.outcome.as_str().into(),
            error: record.error.clone(),
            side_effect: record.side_effect,
            idempotency_key: record.idempotency_key.clone(),
            result: record.result.clone(),
            duration_us: record.duration.as_micros() as i64,
        };
        // A side effect that happened must not go unrecorded because of a
        // blip: retry briefly (the insert is idempotent per attempt and seq).
        let store = &self.store;
        let recorded = with_backoff(
            "record host call",
            std::time::Duration::from_secs(10),
            || {
                let call = call.clone();
                async move { store.record_host_call(&call).await }
            },
        )
        .await;
        match recorded {
            Some(()) => Ok(()),
            None => {
                tracing::error!(
                    execution = %caller.execution_id, interface = %record.interface,
                    operation = %record.operation,
                    "host call could not be recorded in the audit trail"
                );
                Err("audit trail unavailable".into())
            }
        }
    }
}
