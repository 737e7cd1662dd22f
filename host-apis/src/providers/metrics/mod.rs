//! Time series from the metrics backends configured per environment.
//!
//! A runbook names a backend; the provider finds it in the runbook's
//! environment and queries it in its own language: PromQL against the
//! Prometheus HTTP API ([`prometheus`]), the stack language against the Atlas
//! graph API ([`atlas`]). Whether the grant lists the backend is the glue's
//! check. Every query is bounded: a request timeout, a response size, and a
//! number of series and samples (over the limit: `TooLarge`, nothing
//! returned).
//!
//! ```toml
//! [providers.metrics]
//! timeout_ms = 10000            # per query, response included
//! max_samples = 10000           # over all series of one result
//! max_series = 1000
//! max_response_bytes = 8388608
//!
//! [providers.metrics.environments.prod.backends.atlas-main]
//! kind = "atlas"
//! url = "http://atlas:7101"
//!
//! [providers.metrics.environments.prod.backends.prom]
//! kind = "prometheus"
//! url = "http://prometheus:9090"
//! ```
//!
//! Errors: an unknown backend is `NotFound`; a query the backend rejects
//! (Prometheus `bad_data`, Atlas HTTP 400) is `Invalid` with its message; an
//! unreachable, failing or slow backend, or one answering in another format,
//! is `Unavailable`.

pub mod atlas;
mod config;
mod endpoint;
pub mod prometheus;
mod series;

use std::time::{SystemTime, UNIX_EPOCH};

use reqwest::Client;

pub use config::{BackendConfig, BackendKind, MetricsConfig, MetricsEnvironment};
use endpoint::Endpoint;
use series::ResultLimits;
pub use series::{QueryRange, Sample, Series};

use crate::ApiError;
use crate::providers::remote_http;

/// Queries the configured metrics backends.
#[derive(Debug, Clone)]
pub struct MetricsProvider {
    config: MetricsConfig,
    client: Client,
}

impl MetricsProvider {
    pub fn new(config: MetricsConfig) -> Self {
        let client = remote_http::client(config.timeout());
        Self { config, client }
    }

    /// Runs `query` on the backend named `backend` in `environment`. No
    /// range: the latest values (Prometheus: an instant query at the host's
    /// current time; Atlas: the last 5 minutes at a 1-minute step).
    pub async fn query(
        &self,
        environment: &str,
        backend: &str,
        query: &str,
        range: Option<QueryRange>,
    ) -> Result<Vec<Series>, ApiError> {
        let config = self
            .config
            .environments
            .get(environment)
            .and_then(|env| env.backends.get(backend))
            .ok_or_else(|| {
                ApiError::NotFound(format!(
                    "no metrics backend '{backend}' in environment '{environment}'"
                ))
            })?;
        if query.trim().is_empty() {
            return Err(ApiError::Invalid("the query is empty".into()));
        }
        if let Some(range) = range {
            range.validate(self.config.max_samples)?;
        }
        let endpoint = Endpoint {
            client: &self.client,
            base: remote_http::base_url(&config.url, &format!("metrics backend '{backend}'"))?,
            name: backend,
            limits: ResultLimits {
                max_series: self.config.max_series,
                max_samples: self.config.max_samples,
            },
            max_response_bytes: self.config.max_response_bytes,
        };
        let now_ms = now_ms();
        match config.kind {
            BackendKind::Prometheus => prometheus::query(&endpoint, query, range, now_ms).await,
            BackendKind::Atlas => atlas::query(&endpoint, query, range, now_ms).await,
        }
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
