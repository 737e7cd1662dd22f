//! What a runbook may do through the host interfaces, per environment.
//!
//! Deny by default: an empty [`Grant`] allows nothing but logging. The same
//! shape serves two purposes: the capabilities a runbook *declares* in its
//! `wolfe.toml` (what it needs), and the grant an operator *sets* for a
//! runbook in an environment (what it gets). Only the grant is enforced.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Capabilities granted to (or declared by) a runbook.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Grant {
    /// Key-value access; none: no kv at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kv: Option<KvAccess>,
    /// `scheme://host:port` patterns; `*` as the port or as the first host
    /// label (`https://*.example.com:443`) matches any. Empty: no network.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub http: Vec<String>,
    /// Secret names the runbook may read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<String>,
    /// Metrics backend names the runbook may query.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<String>,
    /// Cloud instances the runbook may see and act on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instances: Option<InstanceScope>,
    /// Eureka applications the runbook may read and change (`*`: any).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub discovery: Vec<String>,
    /// Notify target names the runbook may send to.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notify: Vec<String>,
    /// Event kinds the runbook may emit (glob patterns, e.g. `chain.*`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<String>,
}

/// How far a runbook's kv access reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KvAccess {
    /// Its own keys (per runbook and environment).
    Runbook,
    /// Its own keys and its team's shared keys.
    Team,
}

/// Which instances a runbook may act on: those whose application (the value
/// of their `app` tag) is listed, or whose tags include every pair in `tags`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InstanceScope {
    pub applications: Vec<String>,
    pub tags: BTreeMap<String, String>,
    /// Side effects allowed within the scope: `reboot`, `terminate`.
    /// Describing instances in scope needs no action.
    pub actions: Vec<String>,
}

impl Grant {
    pub fn allows_secret(&self, name: &str) -> bool {
        self.secrets.iter().any(|s| s == name)
    }

    pub fn allows_metrics_backend(&self, name: &str) -> bool {
        self.metrics.iter().any(|s| s == name)
    }

    pub fn allows_notify_target(&self, name: &str) -> bool {
        self.notify.iter().any(|s| s == name)
    }

    pub fn allows_discovery_app(&self, app: &str) -> bool {
        self.discovery
            .iter()
            .any(|a| a == "*" || a.eq_ignore_ascii_case(app))
    }
}
