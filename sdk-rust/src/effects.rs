//! Idempotency keys: a side effect done at most once per key across every
//! execution of the runbook in its environment ("page once per incident").
//!
//! ```ignore
//! use std::time::Duration;
//! use wolfe_sdk::{effects, notify::Page};
//!
//! let key = format!("incident-{incident}");
//! let paged = effects::with_idempotency_key(&key, Some(Duration::from_secs(3600)), || {
//!     Page::new("broker 3 offline", "kafka-events-3").trigger("streaming-oncall")
//! })?;
//! ```
//!
//! Without a key, a side-effecting call is done once per execution (a
//! retried attempt gets the recorded result). With one, the first call of
//! any execution acts; later calls with the key, in this execution or
//! another, get that call's recorded result (secrets redacted) until the
//! key expires (`ttl`, counted from when the call succeeded; none: never).
//! A call that fails frees the key. Calls racing for a key wait a few
//! seconds for the one that got it, then answer
//! [`HostError::Unavailable`]. In dry-run nothing is claimed.
//!
//! The key applies to the next side-effecting call only (http other than
//! GET/HEAD, kv writes, instance reboot/terminate, discovery status,
//! notify, events), whatever becomes of it; reads neither use nor clear
//! it. A key may be 1 to 256 bytes.

use std::time::Duration;

use crate::HostError;
use crate::bindings::wolfe::runbook::effects as wit;
use crate::duration::ceil_seconds;
use crate::error::call;

/// Sets the key of the next side-effecting call (replacing one set before
/// and not used yet). Prefer [`with_idempotency_key`], which also clears a
/// key the closure did not use.
pub fn set_idempotency_key(key: &str, ttl: Option<Duration>) -> Result<(), HostError> {
    let ttl_seconds = ttl.map(|t| ceil_seconds("ttl", t)).transpose()?;
    call(|| wit::set_idempotency_key(key, ttl_seconds))
}

/// Forgets a key set and not used yet.
pub fn clear_idempotency_key() {
    // Natively there is no key to forget.
    let _ = call(|| {
        wit::clear_idempotency_key();
        Ok(())
    });
}

/// Runs `side_effect` (one side-effecting call) under `key`, then clears
/// the key whether or not it was used. A second side-effecting call inside
/// `side_effect` runs without the key.
pub fn with_idempotency_key<T>(
    key: &str,
    ttl: Option<Duration>,
    side_effect: impl FnOnce() -> Result<T, HostError>,
) -> Result<T, HostError> {
    set_idempotency_key(key, ttl)?;
    let result = side_effect();
    clear_idempotency_key();
    result
}
