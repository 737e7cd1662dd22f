//! The audit trail of host calls, which doubles as the idempotency record.
//!
//! Every side-effecting call and every denied call is recorded. A
//! side-effecting call carries an idempotency key (execution id and the
//! call's sequence number within the execution): when a retried attempt
//! repeats a call whose key already succeeded, the recorded result is
//! returned and the action is not performed again.

use std::sync::Mutex;
use std::time::Duration;

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

/// Where the audit trail is kept. The pipeline implements it over the store;
/// [`MemoryLedger`] serves `wolfe run` and tests.
#[async_trait::async_trait]
pub trait EffectLedger: Send + Sync {
    /// The result of an earlier successful call with `key`, if any.
    async fn replay(
        &self,
        caller: &CallerIdentity,
        key: &str,
    ) -> Result<Option<serde_json::Value>, String>;

    /// Appends `record` to the caller's audit trail.
    async fn record(&self, caller: &CallerIdentity, record: &CallRecord) -> Result<(), String>;
}

/// An in-process ledger: the trail lives as long as the value.
#[derive(Default)]
pub struct MemoryLedger {
    records: Mutex<Vec<(String, CallRecord)>>,
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
        _caller: &CallerIdentity,
        key: &str,
    ) -> Result<Option<serde_json::Value>, String> {
        let records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        Ok(records
            .iter()
            .find(|(_, r)| {
                r.outcome == CallOutcome::Succeeded && r.idempotency_key.as_deref() == Some(key)
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
}
