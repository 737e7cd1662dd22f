//! `[providers.discovery]`: the Eureka server of each environment.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The discovery provider's configuration.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DiscoveryConfig {
    /// Per environment name, its Eureka server. An environment not listed
    /// has no discovery.
    #[serde(default)]
    pub environments: BTreeMap<String, EurekaConfig>,
    /// How long one request to Eureka may take, in milliseconds.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    /// Largest response body read from Eureka, in bytes.
    #[serde(default = "default_max_response_bytes")]
    pub max_response_bytes: usize,
}

/// One Eureka server.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EurekaConfig {
    /// The REST base URL, `/apps/...` is appended: e.g.
    /// `http://eureka:8080/eureka` (or `.../eureka/v2`, as deployed).
    pub url: String,
}

impl Default for DiscoveryConfig {
    fn default() -> Self {
        Self {
            environments: BTreeMap::new(),
            timeout_ms: default_timeout_ms(),
            max_response_bytes: default_max_response_bytes(),
        }
    }
}

impl DiscoveryConfig {
    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms)
    }
}

fn default_timeout_ms() -> u64 {
    5_000
}

fn default_max_response_bytes() -> usize {
    4 * 1024 * 1024
}
