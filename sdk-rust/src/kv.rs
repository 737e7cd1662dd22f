//! Durable key-value data, shared by all of Wolfe's engine instances.
//!
//! [`runbook()`] is the runbook's own data in this environment; [`team()`] is
//! shared by the team's runbooks and needs a grant. Values are text; the
//! `_json` methods store JSON. In dry-run mode writes are recorded, not
//! performed: their receipt says `simulated`.
//!
//! ```ignore
//! use std::time::Duration;
//! use wolfe_sdk::kv;
//!
//! let store = kv::runbook();
//! store.set_with_ttl("last-restart", &now, Duration::from_secs(6 * 3600))?;
//! if store.compare_and_set("lock", None, &ctx.execution_id, Some(Duration::from_secs(300)))?.swapped {
//!     // we hold the lock
//! }
//! let state: Option<State> = kv::team().get_json("fleet-state")?;
//! ```

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::bindings::wolfe::runbook::kv as wit;
use crate::duration::ceil_seconds;
use crate::error::call;
use crate::{Effect, HostError};

pub use wit::Scope;

/// The runbook's own data in this environment.
pub fn runbook() -> Store {
    Store::new(Scope::Runbook)
}

/// The team's shared data (needs a grant).
pub fn team() -> Store {
    Store::new(Scope::Team)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub key: String,
    pub value: String,
}

/// The outcome of [`Store::compare_and_set`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Swap {
    /// False when the current value was not the expected one.
    pub swapped: bool,
    pub simulated: bool,
}

/// The key-value data of one scope.
#[derive(Debug, Clone, Copy)]
pub struct Store {
    scope: Scope,
}

impl Store {
    pub fn new(scope: Scope) -> Self {
        Self { scope }
    }

    pub fn scope(&self) -> Scope {
        self.scope
    }

    /// The value of `key`; `None` when absent (or expired).
    pub fn get(&self, key: &str) -> Result<Option<String>, HostError> {
        call(|| wit::get(self.scope, key))
    }

    /// Stores `value` until it is deleted.
    pub fn set(&self, key: &str, value: &str) -> Result<Effect, HostError> {
        self.write(key, value, None)
    }

    /// Stores `value` for `ttl` (rounded up to whole seconds).
    pub fn set_with_ttl(&self, key: &str, value: &str, ttl: Duration) -> Result<Effect, HostError> {
        self.write(key, value, Some(ttl))
    }

    /// Removes `key`; removing an absent key is not an error.
    pub fn delete(&self, key: &str) -> Result<Effect, HostError> {
        call(|| wit::delete(self.scope, key)).map(Effect::from)
    }

    /// Entries whose key starts with `prefix`, in key order, at most `limit`.
    pub fn scan(&self, prefix: &str, limit: u32) -> Result<Vec<Entry>, HostError> {
        let entries = call(|| wit::scan(self.scope, prefix, limit))?;
        Ok(entries
            .into_iter()
            .map(|e| Entry {
                key: e.key,
                value: e.value,
            })
            .collect())
    }

    /// Sets `key` to `value` only if its current value is `expected`
    /// (`None`: only if the key is absent).
    pub fn compare_and_set(
        &self,
        key: &str,
        expected: Option<&str>,
        value: &str,
        ttl: Option<Duration>,
    ) -> Result<Swap, HostError> {
        let ttl = ttl.map(|ttl| ceil_seconds("ttl", ttl)).transpose()?;
        let swap = call(|| wit::compare_and_set(self.scope, key, expected, value, ttl))?;
        Ok(Swap {
            swapped: swap.swapped,
            simulated: swap.simulated,
        })
    }

    /// The value of `key` decoded from JSON; `None` when absent.
    pub fn get_json<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, HostError> {
        self.get(key)?
            .map(|raw| {
                serde_json::from_str(&raw).map_err(|e| {
                    HostError::Invalid(format!(
                        "kv key {key:?} does not hold the expected JSON: {e}"
                    ))
                })
            })
            .transpose()
    }

    /// Stores `value` as JSON, for `ttl` if given.
    pub fn set_json<T: Serialize + ?Sized>(
        &self,
        key: &str,
        value: &T,
        ttl: Option<Duration>,
    ) -> Result<Effect, HostError> {
        let raw = serde_json::to_string(value)
            .map_err(|e| HostError::Invalid(format!("value is not JSON-serialisable: {e}")))?;
        self.write(key, &raw, ttl)
    }

    fn write(&self, key: &str, value: &str, ttl: Option<Duration>) -> Result<Effect, HostError> {
        let ttl = ttl.map(|ttl| ceil_seconds("ttl", ttl)).transpose()?;
        call(|| wit::set(self.scope, key, value, ttl)).map(Effect::from)
    }
}
