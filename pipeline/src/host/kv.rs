//! Runbooks' kv data in the store, shared by every engine instance.

use std::time::Duration;

use wolfe_host_apis::ApiError;
use wolfe_host_apis::kv::KvBackend;
use wolfe_store::Store;

use super::store_unavailable;

pub struct StoreKv {
    store: Store,
}

impl StoreKv {
    pub fn new(store: Store) -> Self {
        Self { store }
    }
}

fn ttl_ms(ttl: Option<Duration>) -> Option<i64> {
    ttl.map(|ttl| ttl.as_millis() as i64)
}

#[async_trait::async_trait]
impl KvBackend for StoreKv {
    async fn get(&self, namespace: &str, key: &str) -> Result<Option<String>, ApiError> {
        self.store
            .kv_get(namespace, key)
            .await
            .map_err(|e| store_unavailable("kv get", &e))
    }

    async fn set(
        &self,
        namespace: &str,
        key: &str,
        value: &str,
        ttl: Option<Duration>,
    ) -> Result<(), ApiError> {
        self.store
            .kv_set(namespace, key, value, ttl_ms(ttl))
            .await
            .map_err(|e| store_unavailable("kv set", &e))
    }

    async fn delete(&self, namespace: &str, key: &str) -> Result<(), ApiError> {
        self.store
            .kv_delete(namespace, key)
            .await
            .map_err(|e| store_unavailable("kv delete", &e))
    }

    async fn scan(
        &self,
        namespace: &str,
        prefix: &str,
        limit: u32,
    ) -> Result<Vec<(String, String)>, ApiError> {
        self.store
            .kv_scan(namespace, prefix, limit.into())
            .await
            .map_err(|e| store_unavailable("kv scan", &e))
    }

    async fn compare_and_set(
        &self,
        namespace: &str,
        key: &str,
        expected: Option<&str>,
        value: &str,
        ttl: Option<Duration>,
    ) -> Result<bool, ApiError> {
        self.store
            .kv_compare_and_set(namespace, key, expected, value, ttl_ms(ttl))
            .await
            .map_err(|e| store_unavailable("kv compare-and-set", &e))
    }
}
