//! `wolfe:runbook/kv`: durable key-value data per runbook (and per team,
//! when granted), kept by a [`KvBackend`] shared by all engine instances.
//!
//! Keys live in a namespace: `runbook/<team>/<runbook>/<environment>` or
//! `team/<team>/<environment>`, so environments never share data. Writes
//! are side effects: audited, simulated in dry-run, replayed on retry.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use wasmtime::component::{HasSelf, Linker};

use crate::bindings::wolfe::runbook::common::{Effect, Error as WitError};
use crate::bindings::wolfe::runbook::kv::{Entry, Host, Scope, Swap};
use crate::context::HostContext;
use crate::effects::Call;
use crate::error::ApiError;
use crate::grant::KvAccess;

/// Where kv data is kept. The pipeline implements it over the store.
#[async_trait::async_trait]
pub trait KvBackend: Send + Sync {
    async fn get(&self, namespace: &str, key: &str) -> Result<Option<String>, ApiError>;
    async fn set(
        &self,
        namespace: &str,
        key: &str,
        value: &str,
        ttl: Option<Duration>,
    ) -> Result<(), ApiError>;
    async fn delete(&self, namespace: &str, key: &str) -> Result<(), ApiError>;
    /// Live entries whose key starts with `prefix`, in key order.
    async fn scan(
        &self,
        namespace: &str,
        prefix: &str,
        limit: u32,
    ) -> Result<Vec<(String, String)>, ApiError>;
    /// Sets `key` only if its live value is `expected` (none: absent).
    async fn compare_and_set(
        &self,
        namespace: &str,
        key: &str,
        expected: Option<&str>,
        value: &str,
        ttl: Option<Duration>,
    ) -> Result<bool, ApiError>;
}

/// The receipt of a kv write, as recorded for replay.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Written {
    swapped: bool,
}

impl HostContext {
    async fn kv_namespace(&mut self, scope: Scope, call: &Call) -> Result<String, ApiError> {
        let access = self.grant.kv;
        let needed = match scope {
            Scope::Runbook => KvAccess::Runbook,
            Scope::Team => KvAccess::Team,
        };
        self.require(access >= Some(needed), call, || match access {
            None => "kv is not granted to this runbook in this environment".into(),
            Some(_) => "the team's kv scope is not granted to this runbook".into(),
        })
        .await?;
        let c = &self.caller;
        Ok(match scope {
            Scope::Runbook => format!("runbook/{}/{}/{}", c.team, c.runbook, c.environment),
            Scope::Team => format!("team/{}/{}", c.team, c.environment),
        })
    }

    fn kv_backend(&self) -> Result<std::sync::Arc<dyn KvBackend>, ApiError> {
        self.services
            .kv
            .clone()
            .ok_or_else(|| ApiError::Unavailable("kv is not configured on this host".into()))
    }

    fn kv_check_key(&self, key: &str) -> Result<(), ApiError> {
        let max = self.services.limits.kv_max_key_bytes;
        if key.is_empty() {
            return Err(ApiError::Invalid("kv key must not be empty".into()));
        }
        if key.len() > max {
            return Err(ApiError::TooLarge(format!(
                "kv key of {} bytes exceeds the limit of {max}",
                key.len()
            )));
        }
        Ok(())
    }

    fn kv_check_value(&self, value: &str) -> Result<(), ApiError> {
        let max = self.services.limits.kv_max_value_bytes;
        if value.len() > max {
            return Err(ApiError::TooLarge(format!(
                "kv value of {} bytes exceeds the limit of {max}",
                value.len()
            )));
        }
        Ok(())
    }

    async fn kv_get(&mut self, scope: Scope, key: String) -> Result<Option<String>, ApiError> {
        let call = Call::new("kv", "get", key.clone());
        let namespace = self.kv_namespace(scope, &call).await?;
        self.kv_check_key(&key)?;
        self.kv_backend()?.get(&namespace, &key).await
    }

    async fn kv_write(
        &mut self,
        scope: Scope,
        operation: &'static str,
        key: String,
        expected: Option<Option<String>>,
        value: Option<String>,
        ttl_seconds: Option<u32>,
    ) -> Result<Written, ApiError> {
        let call = self.effect_call("kv", operation, key.clone());
        let namespace = self.kv_namespace(scope, &call).await?;
        self.kv_check_key(&key)?;
        if let Some(value) = &value {
            self.kv_check_value(value)?;
        }
        let backend = self.kv_backend()?;
        let ttl = ttl_seconds.map(|s| Duration::from_secs(s.into()));
        // Dry-run still reads, so a simulated compare-and-set says truly
        // whether it would have swapped.
        let expected_now = expected.clone();
        let reader = backend.clone();
        let simulate = async {
            let swapped = match expected_now {
                Some(expected) => reader.get(&namespace, &key).await? == expected,
                None => true,
            };
            Ok(Written { swapped })
        };
        let perform = async {
            match (expected, value) {
                (Some(expected), Some(value)) => {
                    let swapped = backend
                        .compare_and_set(&namespace, &key, expected.as_deref(), &value, ttl)
                        .await?;
                    Ok(Written { swapped })
                }
                (None, Some(value)) => {
                    backend.set(&namespace, &key, &value, ttl).await?;
                    Ok(Written { swapped: true })
                }
                (_, None) => {
                    backend.delete(&namespace, &key).await?;
                    Ok(Written { swapped: true })
                }
            }
        };
        self.side_effect(call, simulate, perform).await
    }

    async fn kv_scan(
        &mut self,
        scope: Scope,
        prefix: String,
        limit: u32,
    ) -> Result<Vec<Entry>, ApiError> {
        let call = Call::new("kv", "scan", prefix.clone());
        let namespace = self.kv_namespace(scope, &call).await?;
        let limit = limit.min(self.services.limits.kv_max_scan);
        let entries = self.kv_backend()?.scan(&namespace, &prefix, limit).await?;
        Ok(entries
            .into_iter()
            .map(|(key, value)| Entry { key, value })
            .collect())
    }
}

impl Host for HostContext {
    async fn get(
        &mut self,
        scope: Scope,
        key: String,
    ) -> wasmtime::Result<Result<Option<String>, WitError>> {
        Ok(self.kv_get(scope, key).await.map_err(Into::into))
    }

    async fn set(
        &mut self,
        scope: Scope,
        key: String,
        value: String,
        ttl_seconds: Option<u32>,
    ) -> wasmtime::Result<Result<Effect, WitError>> {
        let simulated = self.caller.dry_run;
        let written = self
            .kv_write(scope, "set", key, None, Some(value), ttl_seconds)
            .await;
        Ok(written.map(|_| Effect { simulated }).map_err(Into::into))
    }

    async fn delete(
        &mut self,
        scope: Scope,
        key: String,
    ) -> wasmtime::Result<Result<Effect, WitError>> {
        let simulated = self.caller.dry_run;
        let written = self.kv_write(scope, "delete", key, None, None, None).await;
        Ok(written.map(|_| Effect { simulated }).map_err(Into::into))
    }

    async fn scan(
        &mut self,
        scope: Scope,
        prefix: String,
        limit: u32,
    ) -> wasmtime::Result<Result<Vec<Entry>, WitError>> {
        Ok(self.kv_scan(scope, prefix, limit).await.map_err(Into::into))
    }

    async fn compare_and_set(
        &mut self,
        scope: Scope,
        key: String,
        expected: Option<String>,
        value: String,
        ttl_seconds: Option<u32>,
    ) -> wasmtime::Result<Result<Swap, WitError>> {
        let simulated = self.caller.dry_run;
        let written = self
            .kv_write(
                scope,
                "compare_and_set",
                key,
                Some(expected),
                Some(value),
                ttl_seconds,
            )
            .await;
        Ok(written
            .map(|w| Swap {
                swapped: w.swapped,
                simulated,
            })
            .map_err(Into::into))
    }
}

/// Links `wolfe:runbook/kv`; `get` finds the execution's [`HostContext`].
pub fn add_to_linker<T: Send + 'static>(
    linker: &mut Linker<T>,
    get: fn(&mut T) -> &mut HostContext,
) -> wasmtime::Result<()> {
    crate::bindings::wolfe::runbook::kv::add_to_linker::<T, HasSelf<HostContext>>(linker, get)
}

/// (namespace, key) → (value, expiry).
type MemoryEntries = BTreeMap<(String, String), (String, Option<Instant>)>;

/// Kv data in this process only: for `wolfe run` and tests.
#[derive(Default)]
pub struct MemoryKv {
    entries: Mutex<MemoryEntries>,
}

impl MemoryKv {
    fn live(entry: &(String, Option<Instant>)) -> bool {
        entry.1.is_none_or(|expires| expires > Instant::now())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, MemoryEntries> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[async_trait::async_trait]
impl KvBackend for MemoryKv {
    async fn get(&self, namespace: &str, key: &str) -> Result<Option<String>, ApiError> {
        let entries = self.lock();
        Ok(entries
            .get(&(namespace.into(), key.into()))
            .filter(|e| Self::live(e))
            .map(|e| e.0.clone()))
    }

    async fn set(
        &self,
        namespace: &str,
        key: &str,
        value: &str,
        ttl: Option<Duration>,
    ) -> Result<(), ApiError> {
        let expires = ttl.map(|ttl| Instant::now() + ttl);
        self.lock()
            .insert((namespace.into(), key.into()), (value.into(), expires));
        Ok(())
    }

    async fn delete(&self, namespace: &str, key: &str) -> Result<(), ApiError> {
        self.lock().remove(&(namespace.into(), key.into()));
        Ok(())
    }

    async fn scan(
        &self,
        namespace: &str,
        prefix: &str,
        limit: u32,
    ) -> Result<Vec<(String, String)>, ApiError> {
        let entries = self.lock();
        Ok(entries
            .range((namespace.to_owned(), prefix.to_owned())..)
            .take_while(|((ns, key), _)| ns == namespace && key.starts_with(prefix))
            .filter(|(_, e)| Self::live(e))
            .take(limit as usize)
            .map(|((_, key), e)| (key.clone(), e.0.clone()))
            .collect())
    }

    async fn compare_and_set(
        &self,
        namespace: &str,
        key: &str,
        expected: Option<&str>,
        value: &str,
        ttl: Option<Duration>,
    ) -> Result<bool, ApiError> {
        let mut entries = self.lock();
        let slot = (namespace.to_owned(), key.to_owned());
        let current = entries
            .get(&slot)
            .filter(|e| Self::live(e))
            .map(|e| e.0.as_str());
        if current != expected {
            return Ok(false);
        }
        let expires = ttl.map(|ttl| Instant::now() + ttl);
        entries.insert(slot, (value.into(), expires));
        Ok(true)
    }
}
