//! The real systems behind the host interfaces. Each provider is plain async
//! Rust (no wasmtime types): it takes the relevant part of the runbook's
//! grant where the check needs the provider's knowledge (a DNS answer, an
//! instance's tags) and returns [`ApiError`](crate::ApiError). Grant checks
//! that need no I/O, the audit trail, dry-run and idempotency live in the
//! interface glue beside `bindings`, the same for every provider.

pub mod discovery;
pub mod http;
pub mod instances;
pub mod metrics;
pub mod notify;
mod remote_http;

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::ApiError;

/// The `[providers]` section of Wolfe's configuration. `http` is always on
/// (grants decide who may use it); the others exist when configured.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProvidersConfig {
    pub http: http::HttpConfig,
    pub metrics: Option<metrics::MetricsConfig>,
    pub discovery: Option<discovery::DiscoveryConfig>,
    pub notify: Option<notify::NotifyConfig>,
    pub instances: Option<instances::InstancesConfig>,
}

/// The providers a process runs with, shared by all its executions.
#[derive(Default)]
pub struct Providers {
    pub http: Option<Arc<http::HttpProvider>>,
    pub metrics: Option<Arc<metrics::MetricsProvider>>,
    pub discovery: Option<Arc<discovery::DiscoveryProvider>>,
    pub notify: Option<Arc<notify::NotifyProvider>>,
    pub instances: Option<Arc<instances::InstancesProvider>>,
}

impl Providers {
    /// Starts every configured provider; a configuration error names the
    /// provider it belongs to.
    pub async fn start(config: &ProvidersConfig) -> Result<Self, String> {
        let named = |name: &'static str| move |e: ApiError| format!("[providers.{name}]: {e}");
        Ok(Self {
            http: Some(Arc::new(
                http::HttpProvider::new(config.http.clone()).map_err(named("http"))?,
            )),
            metrics: config
                .metrics
                .clone()
                .map(|c| Arc::new(metrics::MetricsProvider::new(c))),
            discovery: config
                .discovery
                .clone()
                .map(|c| Arc::new(discovery::DiscoveryProvider::new(c))),
            notify: match config.notify.clone() {
                Some(c) => Some(Arc::new(
                    notify::NotifyProvider::new(c).map_err(named("notify"))?,
                )),
                None => None,
            },
            instances: match config.instances.clone() {
                Some(c) => Some(Arc::new(
                    instances::InstancesProvider::new(c)
                        .await
                        .map_err(named("instances"))?,
                )),
                None => None,
            },
        })
    }
}
