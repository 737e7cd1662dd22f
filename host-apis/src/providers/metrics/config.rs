//! `[providers.metrics]`: the metrics backends of each environment.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The metrics provider's configuration.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsConfig {
    /// Per environment name, the backends runbooks there may query.
    #[serde(default)]
    pub environments: BTreeMap<String, MetricsEnvironment>,
    /// How long one query may take, response included, in milliseconds.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    /// Most samples one query may return, over all its series.
    #[serde(default = "default_max_samples")]
    pub max_samples: usize,
    /// Most series one query may return.
    #[serde(default = "default_max_series")]
    pub max_series: usize,
    /// Largest response body read from a backend, in bytes.
    #[serde(default = "default_max_response_bytes")]
    pub max_response_bytes: usize,
}

/// The backends of one environment.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsEnvironment {
    /// Per backend name (the name runbooks query and grants list).
    #[serde(default)]
    pub backends: BTreeMap<String, BackendConfig>,
}

/// One backend.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BackendConfig {
    /// Which query language and HTTP API it speaks.
    pub kind: BackendKind,
    /// Base URL, e.g. `http://atlas:7101`; the API paths are appended.
    pub url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BackendKind {
    /// Atlas graph API, queries in the Atlas stack language.
    Atlas,
    /// Prometheus HTTP API, queries in PromQL.
    Prometheus,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        Self {
            environments: BTreeMap::new(),
            timeout_ms: default_timeout_ms(),
            max_samples: default_max_samples(),
            max_series: default_max_series(),
            max_response_bytes: default_max_response_bytes(),
        }
    }
}

impl MetricsConfig {
    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms)
    }
}

fn default_timeout_ms() -> u64 {
    10_000
}

fn default_max_samples() -> usize {
    10_000
}

fn default_max_series() -> usize {
    1_000
}

fn default_max_response_bytes() -> usize {
    8 * 1024 * 1024
}
