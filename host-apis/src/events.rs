//! `wolfe:runbook/events`: emit a new event into the pipeline, for chaining
//! runbooks and brokering an alert to another tool.
//!
//! An emitted event carries the emitting execution's depth + 1; past the
//! host's `max_event_depth` the call fails, so two runbooks triggering each
//! other stop instead of looping forever.
//!
//! Its dedupe key is the call's per-execution key (`<execution id>:<n>`):
//! an attempt that died after the event was committed but before the call
//! was recorded emits it again when retried, and intake folds the second
//! one into the first.

use globset::Glob;
use serde::{Deserialize, Serialize};
use wasmtime::component::{HasSelf, Linker};

use crate::bindings::wolfe::runbook::common::Error as WitError;
use crate::bindings::wolfe::runbook::events::{Emitted, Host};
use crate::context::{CallerIdentity, HostContext};
use crate::error::ApiError;

/// The source of every event a runbook emits.
pub const RUNBOOK_SOURCE: &str = "runbook";

/// Where emitted events go: the pipeline's intake.
#[async_trait::async_trait]
pub trait EventSink: Send + Sync {
    /// Commits an event of `kind` at `depth` into the caller's environment
    /// and returns its id. An event already committed under `dedupe_key`
    /// (by an earlier attempt) is not committed again: its id is returned.
    async fn emit(
        &self,
        caller: &CallerIdentity,
        kind: &str,
        payload: serde_json::Value,
        depth: u32,
        dedupe_key: &str,
    ) -> Result<String, ApiError>;
}

/// The recorded result of an emit, for replay.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct EmittedEvent {
    id: String,
}

fn kind_granted(patterns: &[String], kind: &str) -> bool {
    patterns.iter().any(|pattern| {
        Glob::new(pattern)
            .map(|glob| glob.compile_matcher().is_match(kind))
            .unwrap_or(false)
    })
}

impl HostContext {
    async fn emit(&mut self, kind: String, payload_json: String) -> Result<Emitted, ApiError> {
        let call = self.effect_call("events", "emit", kind.clone());
        let dedupe_key = call
            .keys
            .as_ref()
            .map(|k| k.sequence.clone())
            .unwrap_or_default();
        let allowed = kind_granted(&self.grant.events, &kind);
        self.require(allowed, &call, || {
            format!("emitting `{kind}` events is not granted to this runbook in this environment")
        })
        .await?;
        if kind.is_empty() {
            return Err(ApiError::Invalid("event kind must not be empty".into()));
        }
        let limits = self.services.limits;
        if payload_json.len() > limits.events_max_payload_bytes {
            return Err(ApiError::TooLarge(format!(
                "event payload of {} bytes exceeds the limit of {}",
                payload_json.len(),
                limits.events_max_payload_bytes
            )));
        }
        let payload: serde_json::Value = serde_json::from_str(&payload_json)
            .map_err(|e| ApiError::Invalid(format!("event payload is not JSON: {e}")))?;
        let depth = self.caller.event_depth + 1;
        if depth > limits.max_event_depth {
            return Err(ApiError::TooLarge(format!(
                "event chain depth limit of {} reached: this execution was itself started by a chain of {} runbook-emitted events",
                limits.max_event_depth, self.caller.event_depth
            )));
        }
        let sink = self.services.events.clone().ok_or_else(|| {
            ApiError::Unavailable("emitting events is not configured on this host".into())
        })?;
        let caller = self.caller.clone();
        let simulate = async { Ok(EmittedEvent { id: String::new() }) };
        let perform = async {
            let id = sink
                .emit(&caller, &kind, payload, depth, &dedupe_key)
                .await?;
            Ok(EmittedEvent { id })
        };
        let simulated = self.caller.dry_run;
        let emitted = self.side_effect(call, simulate, perform).await?;
        Ok(Emitted {
            id: emitted.id,
            simulated,
        })
    }
}

impl Host for HostContext {
    async fn emit(
        &mut self,
        kind: String,
        payload_json: String,
    ) -> wasmtime::Result<Result<Emitted, WitError>> {
        Ok(HostContext::emit(self, kind, payload_json)
            .await
            .map_err(Into::into))
    }
}

/// Links `wolfe:runbook/events`; `get` finds the execution's [`HostContext`].
pub fn add_to_linker<T: Send + 'static>(
    linker: &mut Linker<T>,
    get: fn(&mut T) -> &mut HostContext,
) -> wasmtime::Result<()> {
    crate::bindings::wolfe::runbook::events::add_to_linker::<T, HasSelf<HostContext>>(linker, get)
}

#[cfg(test)]
mod tests {
    use super::kind_granted;

    #[test]
    fn kinds_match_glob_patterns() {
        let granted = vec!["chain.*".to_owned(), "exact".to_owned()];
        assert!(kind_granted(&granted, "chain.next"));
        assert!(kind_granted(&granted, "exact"));
        assert!(!kind_granted(&granted, "other"));
        assert!(!kind_granted(&[], "chain.next"));
    }
}
