//! The audit trail of host calls, which doubles as the idempotency record,
//! and the claims of explicit idempotency keys.
//!
//! Every side-effecting call and every denied call is recorded. A
//! side-effecting call carries an idempotency key (execution id and the
//! call's sequence number within the execution): when a retried attempt
//! repeats a call whose key already succeeded, the recorded result is
//! returned and the action is not performed again.
//!
//! A runbook may instead name the key (`wolfe:runbook/effects`): it then
//! holds across every execution of the runbook in its environment, so
//! "look up, then act" would race between executions. The key is claimed
//! atomically before acting ([`EffectLedger::claim_key`]), then finished
//! with the result or released when the action failed.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::context::CallerIdentity;

/// How a recorded call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallOutcome {
    /// Performed and succeeded.
    Succeeded,
    /// Performed and failed (the error says how).
    Failed,
    /// Outside the grant; nothing was attempted.
    Denied,
    /// Dry-run: recorded, not performed.
    Simulated,
    /// An earlier attempt already did it; its result was returned.
    Replayed,
}

impl CallOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Denied => "denied",
            Self::Simulated => "simulated",
            Self::Replayed => "replayed",
        }
    }
}

/// One entry of an execution's audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallRecord {
    /// Order of the call among the execution's recorded calls.
    pub seq: u32,
    /// WIT interface, e.g. `instances`.
    pub interface: String,
    /// Function, e.g. `reboot`.
    pub operation: String,
    /// What it acted on, e.g. `i-0abc` or `POST https://host/path`.
    pub target: String,
    pub outcome: CallOutcome,
    /// `<kind>: <message>` of a failed or denied call.
    pub error: Option<String>,
    pub side_effect: bool,
    pub idempotency_key: Option<String>,
    /// The successful result, kept for replay.
    pub result: Option<serde_json::Value>,
    pub duration: Duration,
}

/// What a caller asks to claim: an explicit key, for one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyClaim<'a> {
    /// The runbook's key text; the ledger scopes it to the caller's team,
    /// runbook and environment.
    pub key: &'a str,
    /// The call that will use it, e.g. `notify` / `page_trigger`.
    pub interface: &'a str,
    pub operation: &'a str,
    /// A claim still pending after this long is taken to be left by an
    /// execution that died mid-call, and may be taken over.
    pub hold: Duration,
}

/// The answer to a claim.
#[derive(Debug, Clone, PartialEq)]
pub enum Claim {
    /// The key is the caller's: act, then finish or release it.
    Acquired,
    /// A call with the key already succeeded and the key has not expired.
    Done {
        /// Its result, for replay.
        result: serde_json::Value,
        /// The call that did it.
        interface: String,
        operation: String,
    },
    /// Another call holds the key and has not finished yet.
    Pending { execution_id: String, attempt: u32 },
}

/// Where the audit trail and key claims are kept. The pipeline implements
/// it over the store; [`MemoryLedger`] serves `wolfe run` and tests.
#[async_trait::async_trait]
pub trait EffectLedger: Send + Sync {
    /// The result of an earlier successful call of the caller's execution
    /// recorded under `key`, if any.
    async fn replay(
        &self,
        caller: &CallerIdentity,
        key: &str,
    ) -> Result<Option<serde_json::Value>, String>;

    /// Appends `record` to the caller's audit trail.
    async fn record(&self, caller: &CallerIdentity, record: &CallRecord) -> Result<(), String>;

    /// Claims an explicit key for the caller's attempt, atomically: of many
    /// concurrent claims exactly one is [`Claim::Acquired`]. A key that
    /// expired, or that an earlier attempt of the caller's execution left
    /// pending (it died mid-call), is taken over.
    async fn claim_key(
        &self,
        caller: &CallerIdentity,
        claim: &KeyClaim<'_>,
    ) -> Result<Claim, String>;

    /// Marks the caller's claim of `key` done with `result`, holding for
    /// `ttl` (none: forever) from now.
    async fn finish_key(
        &self,
        caller: &CallerIdentity,
        key: &str,
        result: &serde_json::Value,
        ttl: Option<Duration>,
    ) -> Result<(), String>;

    /// Gives up the caller's pending claim of `key` (the action failed), so
    /// a later call may try again.
    async fn release_key(&self, caller: &CallerIdentity, key: &str) -> Result<(), String>;
}

/// One key in a [`MemoryLedger`].
#[derive(Debug, Clone)]
struct MemoryKey {
    execution_id: String,
    attempt: u32,
    interface: String,
    operation: String,
    /// None while pending.
    result: Option<serde_json::Value>,
    expires: Option<Instant>,
}

/// (team, runbook, environment, key)
type KeyScope = (String, String, String, String);

fn scope_of(caller: &CallerIdentity, key: &str) -> KeyScope {
    (
        caller.team.clone(),
        caller.runbook.clone(),
        caller.environment.clone(),
        key.to_owned(),
    )
}

/// An in-process ledger: the trail and the keys live as long as the value.
#[derive(Default)]
pub struct MemoryLedger {
    records: Mutex<Vec<(String, CallRecord)>>,
    keys: Mutex<HashMap<KeyScope, MemoryKey>>,
}

impl MemoryLedger {
    /// Every record so far, with the execution id it belongs to.
    pub fn records(&self) -> Vec<(String, CallRecord)> {
        self.records
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

#[async_trait::async_trait]
impl EffectLedger for MemoryLedger {
    async fn replay(
        &self,
        caller: &CallerIdentity,
        key: &str,
    ) -> Result<Option<serde_json::Value>, String> {
        let records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        Ok(records
            .iter()
            .find(|(execution, r)| {
                *execution == caller.execution_id
                    && r.outcome == CallOutcome::Succeeded
                    && r.idempotency_key.as_deref() == Some(key)
            })
            .and_then(|(_, r)| r.result.clone()))
    }

    async fn record(&self, caller: &CallerIdentity, record: &CallRecord) -> Result<(), String> {
        self.records
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((caller.execution_id.clone(), record.clone()));
        Ok(())
    }

    async fn claim_key(
        &self,
        caller: &CallerIdentity,
        claim: &KeyClaim<'_>,
    ) -> Result<Claim, String> {
        let now = Instant::now();
        let mut keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        let scope = scope_of(caller, claim.key);
        if let Some(held) = keys.get(&scope) {
            let expired = held.expires.is_some_and(|at| at <= now);
            let left_by_earlier_attempt = held.result.is_none()
                && held.execution_id == caller.execution_id
                && held.attempt < caller.attempt;
            if !expired && !left_by_earlier_attempt {
                return Ok(match &held.result {
                    Some(result) => Claim::Done {
                        result: result.clone(),
                        interface: held.interface.clone(),
                        operation: held.operation.clone(),
                    },
                    None => Claim::Pending {
                        execution_id: held.execution_id.clone(),
                        attempt: held.attempt,
                    },
                });
            }
        }
        keys.insert(
            scope,
            MemoryKey {
                execution_id: caller.execution_id.clone(),
                attempt: caller.attempt,
                interface: claim.interface.to_owned(),
                operation: claim.operation.to_owned(),
                result: None,
                expires: Some(now + claim.hold),
            },
        );
        Ok(Claim::Acquired)
    }

    async fn finish_key(
        &self,
        caller: &CallerIdentity,
        key: &str,
        result: &serde_json::Value,
        ttl: Option<Duration>,
    ) -> Result<(), String> {
        let mut keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        match keys.get_mut(&scope_of(caller, key)) {
            Some(held) if held.owned_by(caller) => {
                held.result = Some(result.clone());
                held.expires = ttl.map(|ttl| Instant::now() + ttl);
                Ok(())
            }
            _ => Err(format!("the claim of key `{key}` was lost")),
        }
    }

    async fn release_key(&self, caller: &CallerIdentity, key: &str) -> Result<(), String> {
        let mut keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        let scope = scope_of(caller, key);
        if keys.get(&scope).is_some_and(|held| held.owned_by(caller)) {
            keys.remove(&scope);
        }
        Ok(())
    }
}

impl MemoryKey {
    /// A pending claim of the caller's attempt.
    fn owned_by(&self, caller: &CallerIdentity) -> bool {
        self.result.is_none()
            && self.execution_id == caller.execution_id
            && self.attempt == caller.attempt
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(execution_id: &str, attempt: u32, runbook: &str) -> CallerIdentity {
        CallerIdentity {
            execution_id: execution_id.into(),
            team: "ops".into(),
            runbook: runbook.into(),
            environment: "dev".into(),
            attempt,
            dry_run: false,
            event_depth: 0,
        }
    }

    fn claim(hold: Duration) -> KeyClaim<'static> {
        KeyClaim {
            key: "incident-42",
            interface: "notify",
            operation: "page_trigger",
            hold,
        }
    }

    #[tokio::test]
    async fn memory_keys_are_claimed_once_replayed_released_and_taken_over() {
        let ledger = MemoryLedger::default();
        let hold = claim(Duration::from_secs(60));
        let (e1, e2) = (caller("e1", 1, "a"), caller("e2", 1, "a"));
        assert_eq!(ledger.claim_key(&e1, &hold).await, Ok(Claim::Acquired));
        let pending = Claim::Pending {
            execution_id: "e1".into(),
            attempt: 1,
        };
        assert_eq!(ledger.claim_key(&e2, &hold).await, Ok(pending));
        assert_eq!(
            ledger.claim_key(&caller("e9", 1, "b"), &hold).await,
            Ok(Claim::Acquired),
            "another runbook's key"
        );
        // Attempt 1 died mid-call: attempt 2 takes the claim over.
        let retry = caller("e1", 2, "a");
        assert_eq!(ledger.claim_key(&retry, &hold).await, Ok(Claim::Acquired));
        assert!(
            ledger
                .finish_key(&e1, "incident-42", &1.into(), None)
                .await
                .is_err()
        );
        ledger
            .finish_key(&retry, "incident-42", &7.into(), None)
            .await
            .unwrap();
        let done = Claim::Done {
            result: 7.into(),
            interface: "notify".into(),
            operation: "page_trigger".into(),
        };
        assert_eq!(ledger.claim_key(&e2, &hold).await, Ok(done));
        // A failed call's release frees the key.
        let other = KeyClaim {
            key: "other",
            ..hold.clone()
        };
        ledger.claim_key(&e1, &other).await.unwrap();
        ledger.release_key(&e1, "other").await.unwrap();
        assert_eq!(ledger.claim_key(&e2, &other).await, Ok(Claim::Acquired));
    }

    #[tokio::test]
    async fn memory_keys_expire() {
        let ledger = MemoryLedger::default();
        let (e1, e2) = (caller("e1", 1, "a"), caller("e2", 1, "a"));
        let brief = claim(Duration::from_millis(10));
        ledger.claim_key(&e1, &brief).await.unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(ledger.claim_key(&e2, &brief).await, Ok(Claim::Acquired));
        ledger
            .finish_key(
                &e2,
                "incident-42",
                &1.into(),
                Some(Duration::from_millis(10)),
            )
            .await
            .unwrap();
        assert!(matches!(
            ledger.claim_key(&e1, &brief).await,
            Ok(Claim::Done { .. })
        ));
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(ledger.claim_key(&e1, &brief).await, Ok(Claim::Acquired));
    }
}
