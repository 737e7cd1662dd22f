//! `wolfe:runbook/effects`: idempotency keys the runbook names, so a side
//! effect happens at most once per key across every execution of the
//! runbook in its environment ("page once per incident"), not just once
//! per execution.
//!
//! Many executions may use one key at once (an alert storm), so the key is
//! claimed atomically in the ledger before acting, never looked up first:
//! - claimed: act, then finish the key with the result (kept for replay,
//!   secrets redacted), or release it when the action failed so a later
//!   call may try again;
//! - done and not expired: the recorded result is returned (`replayed`);
//! - pending by another execution: wait up to `effect_key_wait_ms` for it
//!   to finish and replay its result, else answer `unavailable`;
//! - pending by an earlier attempt of this execution (it died mid-call),
//!   or pending for longer than `effect_key_claim_seconds` (its execution
//!   died and was not retried): taken over and performed. Whether the dead
//!   call acted is unknowable, so this is at least once, as for the
//!   default per-execution keys;
//! - expired (`ttl-seconds` after it was done): taken over.
//!
//! The key belongs to the next side-effecting call whatever becomes of it
//! (see `HostContext::effect_call`); reads neither use nor clear it. A call
//! refused by the grant is recorded with the key and claims nothing.

use std::future::Future;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde::de::DeserializeOwned;
use wasmtime::component::{HasSelf, Linker};

use crate::bindings::wolfe::runbook::common::Error as WitError;
use crate::bindings::wolfe::runbook::effects::Host;
use crate::context::HostContext;
use crate::effects::{Call, ToRecord};
use crate::error::ApiError;
use crate::ledger::{CallOutcome, Claim, KeyClaim};

/// The longest key a runbook may name, in bytes.
pub const MAX_KEY_BYTES: usize = 256;

/// How soon a call waiting for another execution's claim looks again:
/// doubling from the first to the last, so a storm of waiting executions
/// does not hammer the store while the winner's call takes its time.
const POLL_FIRST: Duration = Duration::from_millis(50);
const POLL_MAX: Duration = Duration::from_millis(500);

/// A key the runbook set for its next side-effecting call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExplicitKey {
    pub key: String,
    /// How long the key holds once the call succeeded; none: forever.
    pub ttl: Option<Duration>,
}

impl ExplicitKey {
    pub fn parse(key: String, ttl_seconds: Option<u32>) -> Result<Self, ApiError> {
        if key.is_empty() {
            return Err(ApiError::Invalid(
                "idempotency key must not be empty".into(),
            ));
        }
        if key.len() > MAX_KEY_BYTES {
            return Err(ApiError::Invalid(format!(
                "idempotency key of {} bytes exceeds the limit of {MAX_KEY_BYTES}",
                key.len()
            )));
        }
        if ttl_seconds == Some(0) {
            return Err(ApiError::Invalid(
                "ttl-seconds must be at least 1 (none: the key holds forever)".into(),
            ));
        }
        Ok(Self {
            key,
            ttl: ttl_seconds.map(|s| Duration::from_secs(s.into())),
        })
    }
}

/// A claim as the gate sees it once waiting is over.
enum Claimed {
    Acquired,
    Done {
        result: serde_json::Value,
        interface: String,
        operation: String,
    },
}

impl HostContext {
    /// Sets the key of the next side-effecting call (replacing one set
    /// before and not used yet).
    fn set_idempotency_key(
        &mut self,
        key: String,
        ttl_seconds: Option<u32>,
    ) -> Result<(), ApiError> {
        self.explicit_key = Some(ExplicitKey::parse(key, ttl_seconds)?);
        Ok(())
    }

    /// The side effect of `call` under `key` (not in dry-run).
    pub(crate) async fn keyed_effect<T: Serialize + DeserializeOwned>(
        &mut self,
        call: Call,
        key: ExplicitKey,
        perform: impl Future<Output = Result<T, ApiError>>,
        to_record: ToRecord<T>,
        started: Instant,
    ) -> Result<T, ApiError> {
        match self.claim(&call, &key.key).await {
            Err(error) => {
                self.record(
                    &call,
                    CallOutcome::Failed,
                    Some(&error),
                    true,
                    Some(&key.key),
                    None,
                    started.elapsed(),
                )
                .await;
                return Err(error);
            }
            Ok(Claimed::Done {
                result,
                interface,
                operation,
            }) => {
                let same_call = interface == call.interface && operation == call.operation;
                let value = same_call
                    .then(|| serde_json::from_value::<T>(result).ok())
                    .flatten();
                let Some(value) = value else {
                    // Replaying another call's result would answer this one
                    // with something it never did.
                    return Err(ApiError::Invalid(format!(
                        "idempotency key `{}` was already used by a {interface}.{operation} call; \
                         a {}.{} call cannot reuse it",
                        key.key, call.interface, call.operation
                    )));
                };
                self.record(
                    &call,
                    CallOutcome::Replayed,
                    None,
                    true,
                    Some(&key.key),
                    None,
                    started.elapsed(),
                )
                .await;
                return Ok(value);
            }
            Ok(Claimed::Acquired) => {}
        }
        let result = perform.await;
        let ledger = self.services.ledger.clone();
        let kept = match &result {
            Ok(value) => {
                let kept = self.kept(value, to_record);
                let recorded = kept.clone().unwrap_or(serde_json::Value::Null);
                if let Err(error) = ledger
                    .finish_key(&self.caller, &key.key, &recorded, key.ttl)
                    .await
                {
                    // It happened; until the claim's hold runs out, other
                    // calls with the key wait and then answer unavailable.
                    tracing::error!(execution = %self.caller.execution_id, key = %key.key, "idempotency key done but not recorded: {error}");
                }
                kept
            }
            Err(_) => {
                if let Err(error) = ledger.release_key(&self.caller, &key.key).await {
                    tracing::warn!(execution = %self.caller.execution_id, key = %key.key, "idempotency key not released after a failed call (it frees itself after its hold): {error}");
                }
                None
            }
        };
        self.record_performed(&call, &result, &key.key, kept, started)
            .await;
        result
    }

    /// Claims `key` for this attempt, waiting a while for another
    /// execution's pending claim to finish.
    async fn claim(&self, call: &Call, key: &str) -> Result<Claimed, ApiError> {
        let limits = self.services.limits;
        let wait = Duration::from_millis(limits.effect_key_wait_ms);
        let deadline = Instant::now() + wait;
        let claim = KeyClaim {
            key,
            interface: call.interface,
            operation: call.operation,
            hold: Duration::from_secs(limits.effect_key_claim_seconds),
        };
        let mut poll = POLL_FIRST;
        loop {
            let answer = self
                .services
                .ledger
                .claim_key(&self.caller, &claim)
                .await
                .map_err(|error| {
                    tracing::warn!(execution = %self.caller.execution_id, "idempotency key unclaimable, side effect refused: {error}");
                    ApiError::Unavailable(format!(
                        "cannot claim idempotency key `{key}` ({error}): not performed"
                    ))
                })?;
            match answer {
                Claim::Acquired => return Ok(Claimed::Acquired),
                Claim::Done {
                    result,
                    interface,
                    operation,
                } => {
                    return Ok(Claimed::Done {
                        result,
                        interface,
                        operation,
                    });
                }
                Claim::Pending {
                    execution_id,
                    attempt,
                } => {
                    if execution_id == self.caller.execution_id && attempt == self.caller.attempt {
                        // Only a finish that could not be recorded leaves
                        // this attempt's own claim pending: it acted.
                        return Err(ApiError::Unavailable(format!(
                            "an earlier call of this attempt with idempotency key `{key}` \
                             acted but its result was not recorded: not performed again"
                        )));
                    }
                    let now = Instant::now();
                    if now >= deadline {
                        return Err(ApiError::Unavailable(format!(
                            "idempotency key `{key}` is held by execution {execution_id} \
                             (attempt {attempt}), whose call has not finished after {}: \
                             not performed, try again later",
                            humantime::format_duration(wait)
                        )));
                    }
                    tokio::time::sleep(poll.min(deadline - now)).await;
                    poll = (poll * 2).min(POLL_MAX);
                }
            }
        }
    }
}

impl Host for HostContext {
    async fn set_idempotency_key(
        &mut self,
        key: String,
        ttl_seconds: Option<u32>,
    ) -> wasmtime::Result<Result<(), WitError>> {
        Ok(HostContext::set_idempotency_key(self, key, ttl_seconds).map_err(Into::into))
    }

    async fn clear_idempotency_key(&mut self) -> wasmtime::Result<()> {
        self.explicit_key = None;
        Ok(())
    }
}

/// Links `wolfe:runbook/effects`; `get` finds the execution's [`HostContext`].
pub fn add_to_linker<T: Send + 'static>(
    linker: &mut Linker<T>,
    get: fn(&mut T) -> &mut HostContext,
) -> wasmtime::Result<()> {
    crate::bindings::wolfe::runbook::effects::add_to_linker::<T, HasSelf<HostContext>>(linker, get)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_checked() {
        assert!(ExplicitKey::parse("incident-42".into(), Some(3600)).is_ok());
        assert!(ExplicitKey::parse("k".repeat(MAX_KEY_BYTES), None).is_ok());
        for (key, ttl) in [
            (String::new(), None),
            ("k".repeat(MAX_KEY_BYTES + 1), None),
            ("incident-42".into(), Some(0)),
        ] {
            assert!(
                matches!(ExplicitKey::parse(key, ttl), Err(ApiError::Invalid(_))),
                "{ttl:?}"
            );
        }
    }
}
