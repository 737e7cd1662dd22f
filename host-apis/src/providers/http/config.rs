//! `[providers.http]`: limits of outbound HTTP.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Limits applied to every outbound request, whatever the runbook asks.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpConfig {
    /// Whole-call deadline (DNS, connect, redirects, body) when the request
    /// sets none.
    #[serde(with = "humantime_text")]
    pub default_timeout: Duration,
    /// Ceiling on a runbook's own timeout; longer ones are cut to this.
    #[serde(with = "humantime_text")]
    pub max_timeout: Duration,
    /// Largest response body accepted; a larger one fails as too large.
    pub max_response_bytes: u64,
    /// Redirects followed (each re-checked against the grant) before giving up.
    pub max_redirects: u32,
    /// `User-Agent` sent when the runbook sets none.
    pub user_agent: String,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            default_timeout: Duration::from_secs(10),
            max_timeout: Duration::from_secs(60),
            max_response_bytes: 10 * 1024 * 1024,
            max_redirects: 5,
            user_agent: concat!("wolfe/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}

/// Durations as humantime text (`"10s"`, `"1m 30s"`), like the service config.
mod humantime_text {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&humantime::format_duration(*value))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let text = String::deserialize(d)?;
        humantime::parse_duration(&text).map_err(serde::de::Error::custom)
    }
}
