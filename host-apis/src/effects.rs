//! The rules every host call follows, in one place: denials and side effects
//! are recorded; dry-run simulates side effects; a side effect an earlier
//! attempt already performed is replayed, not repeated.

use std::future::Future;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::context::HostContext;
use crate::error::ApiError;
use crate::ledger::{CallOutcome, CallRecord};

/// What a host call is, for the audit trail.
pub(crate) struct Call {
    pub interface: &'static str,
    pub operation: &'static str,
    pub target: String,
}

impl Call {
    pub fn new(
        interface: &'static str,
        operation: &'static str,
        target: impl Into<String>,
    ) -> Self {
        Self {
            interface,
            operation,
            target: target.into(),
        }
    }
}

impl HostContext {
    /// Refuses `call` unless `allowed`; a refusal is recorded.
    pub(crate) async fn require(
        &mut self,
        allowed: bool,
        call: &Call,
        reason: impl FnOnce() -> String,
    ) -> Result<(), ApiError> {
        if allowed {
            return Ok(());
        }
        let error = ApiError::Denied(reason());
        self.record(
            call,
            CallOutcome::Denied,
            Some(&error),
            false,
            None,
            None,
            Duration::ZERO,
        )
        .await;
        Err(error)
    }

    /// Runs a call without side effects. A denial found by the provider
    /// (e.g. an address check) is recorded.
    pub(crate) async fn read<T>(
        &mut self,
        call: Call,
        run: impl Future<Output = Result<T, ApiError>>,
    ) -> Result<T, ApiError> {
        let started = Instant::now();
        let result = run.await;
        if let Err(error @ ApiError::Denied(_)) = &result {
            self.record(
                &call,
                CallOutcome::Denied,
                Some(error),
                false,
                None,
                None,
                started.elapsed(),
            )
            .await;
        }
        result
    }

    /// Runs a side-effecting call: `simulate` in dry-run mode (it may read,
    /// but must not act), otherwise `perform`, unless an earlier attempt of
    /// this execution already performed it.
    pub(crate) async fn side_effect<T: Serialize + DeserializeOwned>(
        &mut self,
        call: Call,
        simulate: impl Future<Output = Result<T, ApiError>>,
        perform: impl Future<Output = Result<T, ApiError>>,
    ) -> Result<T, ApiError> {
        let started = Instant::now();
        self.side_effects += 1;
        let key = format!("{}:{}", self.caller.execution_id, self.side_effects);
        if self.caller.dry_run {
            let result = simulate.await;
            let outcome = match &result {
                Ok(_) => CallOutcome::Simulated,
                Err(ApiError::Denied(_)) => CallOutcome::Denied,
                Err(_) => CallOutcome::Failed,
            };
            self.record(
                &call,
                outcome,
                result.as_ref().err(),
                true,
                Some(&key),
                None,
                started.elapsed(),
            )
            .await;
            return result;
        }
        let ledger = self.services.ledger.clone();
        match ledger.replay(&self.caller, &key).await {
            Ok(Some(recorded)) => {
                if let Ok(value) = serde_json::from_value::<T>(recorded) {
                    self.record(
                        &call,
                        CallOutcome::Replayed,
                        None,
                        true,
                        Some(&key),
                        None,
                        started.elapsed(),
                    )
                    .await;
                    return Ok(value);
                }
                // A result of another shape: the runbook changed between
                // attempts; doing it again is the honest option.
            }
            Ok(None) => {}
            Err(error) => {
                // Acting without knowing whether an earlier attempt already
                // acted could do it twice: refuse, the runbook may retry.
                tracing::warn!(execution = %self.caller.execution_id, "audit trail unreadable, side effect refused: {error}");
                return Err(ApiError::Unavailable(format!(
                    "cannot check whether an earlier attempt already did this ({}): not performed",
                    error
                )));
            }
        }
        let result = perform.await;
        let (outcome, value) = match &result {
            Ok(value) => (CallOutcome::Succeeded, serde_json::to_value(value).ok()),
            Err(ApiError::Denied(_)) => (CallOutcome::Denied, None),
            Err(_) => (CallOutcome::Failed, None),
        };
        self.record(
            &call,
            outcome,
            result.as_ref().err(),
            true,
            Some(&key),
            value,
            started.elapsed(),
        )
        .await;
        result
    }

    #[allow(clippy::too_many_arguments)]
    async fn record(
        &mut self,
        call: &Call,
        outcome: CallOutcome,
        error: Option<&ApiError>,
        side_effect: bool,
        key: Option<&str>,
        mut result: Option<serde_json::Value>,
        duration: Duration,
    ) {
        self.recorded += 1;
        if let Some(value) = result.as_mut() {
            self.redactor.redact_json(value);
        }
        let record = CallRecord {
            seq: self.recorded,
            interface: call.interface.into(),
            operation: call.operation.into(),
            target: self.redactor.redact(&call.target),
            outcome,
            error: error.map(|e| {
                self.redactor
                    .redact(&format!("{}: {}", e.kind(), e.message()))
            }),
            side_effect,
            idempotency_key: key.map(str::to_owned),
            result,
            duration,
        };
        // The call already happened (or was refused); losing its record must
        // not fail it. The ledger implementation retries and logs.
        let _ = self.services.ledger.record(&self.caller, &record).await;
    }
}
