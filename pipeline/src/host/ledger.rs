//! The audit trail of host calls, in the store.

use wolfe_host_apis::CallerIdentity;
use wolfe_host_apis::ledger::{CallRecord, EffectLedger};
use wolfe_store::{HostCall, Store};

use crate::retry::with_backoff;

pub struct StoreLedger {
    store: Store,
}

impl StoreLedger {
    pub fn new(store: Store) -> Self {
        Self { store }
    }
}

#[async_trait::async_trait]
impl EffectLedger for StoreLedger {
    async fn replay(
        &self,
        _caller: &CallerIdentity,
        key: &str,
    ) -> Result<Option<serde_json::Value>, String> {
        self.store
            .succeeded_call_result(key)
            .await
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
