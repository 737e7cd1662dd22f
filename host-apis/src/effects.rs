//! The rules every host call follows, in one place: denials and side effects
//! are recorded; dry-run simulates side effects; a side effect an earlier
//! attempt already performed is replayed, not repeated. Side effects under
//! a key the runbook named are in `effect_keys.rs`.

use std::future::Future;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::context::HostContext;
use crate::effect_keys::ExplicitKey;
use crate::error::ApiError;
use crate::ledger::{CallOutcome, CallRecord};
use crate::redact::Redactor;

/// What a host call is, for the audit trail.
pub(crate) struct Call {
    pub interface: &'static str,
    pub operation: &'static str,
    pub target: String,
    /// Side-effecting calls only (see [`HostContext::effect_call`]).
    pub keys: Option<EffectKeys>,
}

/// The keys a side-effecting call runs under.
pub(crate) struct EffectKeys {
    /// `<execution id>:<n>`, n counting the execution's side-effecting
    /// calls: the same call of a retried attempt gets the same key. The
    /// idempotency key unless the runbook named one; always the dedupe key
    /// of an emitted event (so a retried emit lands once, while an emit
    /// under an expired explicit key is a new event).
    pub sequence: String,
    /// The key the runbook set for this call, if any.
    pub explicit: Option<ExplicitKey>,
}

impl EffectKeys {
    /// The key the audit trail shows for the call.
    fn audited(&self) -> &str {
        self.explicit.as_ref().map_or(&self.sequence, |k| &k.key)
    }
}

/// How a successful result is kept: JSON, with secret values redacted.
pub(crate) type ToRecord<T> = fn(&T, &Redactor) -> Option<serde_json::Value>;

/// The default [`ToRecord`]: the result as serde writes it.
fn as_json<T: Serialize>(value: &T, _: &Redactor) -> Option<serde_json::Value> {
    serde_json::to_value(value).ok()
}

impl Call {
    /// A call without side effects (use [`HostContext::effect_call`] for
    /// the others).
    pub fn new(
        interface: &'static str,
        operation: &'static str,
        target: impl Into<String>,
    ) -> Self {
        Self {
            interface,
            operation,
            target: target.into(),
            keys: None,
        }
    }
}

impl HostContext {
    /// A side-effecting call: it gets the next sequence key and takes the
    /// explicit key the runbook set, whatever becomes of the call (done,
    /// replayed, simulated, denied, failed or rejected as invalid), so a
    /// key never carries over to a later, unrelated call.
    pub(crate) fn effect_call(
        &mut self,
        interface: &'static str,
        operation: &'static str,
        target: impl Into<String>,
    ) -> Call {
        self.side_effects += 1;
        Call {
            keys: Some(EffectKeys {
                sequence: format!("{}:{}", self.caller.execution_id, self.side_effects),
                explicit: self.explicit_key.take(),
            }),
            ..Call::new(interface, operation, target)
        }
    }

    /// Refuses `call` unless `allowed`; a refusal is recorded (with the
    /// runbook's explicit key, if the call took one).
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
        let key = call
            .keys
            .as_ref()
            .and_then(|k| k.explicit.as_ref())
            .map(|k| k.key.clone());
        self.record(
            call,
            CallOutcome::Denied,
            Some(&error),
            false,
            key.as_deref(),
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
    /// this execution (or, under an explicit key, any execution) already
    /// performed it.
    pub(crate) async fn side_effect<T: Serialize + DeserializeOwned>(
        &mut self,
        call: Call,
        simulate: impl Future<Output = Result<T, ApiError>>,
        perform: impl Future<Output = Result<T, ApiError>>,
    ) -> Result<T, ApiError> {
        self.side_effect_with(call, simulate, perform, as_json::<T>)
            .await
    }

    /// [`HostContext::side_effect`] keeping a successful result as
    /// `to_record` makes it (for what serde's form hides from redaction).
    pub(crate) async fn side_effect_with<T: Serialize + DeserializeOwned>(
        &mut self,
        mut call: Call,
        simulate: impl Future<Output = Result<T, ApiError>>,
        perform: impl Future<Output = Result<T, ApiError>>,
        to_record: ToRecord<T>,
    ) -> Result<T, ApiError> {
        let started = Instant::now();
        debug_assert!(call.keys.is_some(), "a side effect made with Call::new");
        let keys = match call.keys.take() {
            Some(keys) => keys,
            // Unreachable when the glue uses `effect_call`; numbering the
            // call here beats panicking inside the host.
            None => (self.effect_call(call.interface, call.operation, "").keys)
                .expect("effect_call sets keys"),
        };
        if self.caller.dry_run {
            // Nothing happens, so no key is claimed or consulted.
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
                Some(keys.audited()),
                None,
                started.elapsed(),
            )
            .await;
            return result;
        }
        if let Some(explicit) = keys.explicit {
            return self
                .keyed_effect(call, explicit, perform, to_record, started)
                .await;
        }
        let key = keys.sequence;
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
        let value = result.as_ref().ok().and_then(|v| self.kept(v, to_record));
        self.record_performed(&call, &result, &key, value, started)
            .await;
        result
    }

    /// A successful result as the ledger keeps it, secrets redacted.
    pub(crate) fn kept<T>(&self, value: &T, to_record: ToRecord<T>) -> Option<serde_json::Value> {
        let mut kept = to_record(value, &self.redactor)?;
        self.redactor.redact_json(&mut kept);
        Some(kept)
    }

    /// Records a call that was performed: succeeded (with `value`, the
    /// result as kept), failed or denied.
    pub(crate) async fn record_performed<T>(
        &mut self,
        call: &Call,
        result: &Result<T, ApiError>,
        key: &str,
        value: Option<serde_json::Value>,
        started: Instant,
    ) {
        let outcome = match result {
            Ok(_) => CallOutcome::Succeeded,
            Err(ApiError::Denied(_)) => CallOutcome::Denied,
            Err(_) => CallOutcome::Failed,
        };
        self.record(
            call,
            outcome,
            result.as_ref().err(),
            true,
            Some(key),
            value,
            started.elapsed(),
        )
        .await;
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn record(
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
