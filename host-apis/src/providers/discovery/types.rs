//! What the discovery provider returns.

use serde::{Deserialize, Serialize};

/// One registered instance of an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscoveryInstance {
    /// Eureka's `instanceId` (its `hostName` on servers too old to have one).
    pub id: String,
    pub app: String,
    pub host_name: String,
    pub ip_addr: String,
    /// As Eureka reports it, e.g. `UP`, `OUT_OF_SERVICE`, `DOWN`.
    pub status: String,
    /// The non-secure port, when enabled.
    pub port: Option<u16>,
}

/// A status a runbook may set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DiscoveryStatus {
    /// Back in service: the status override is removed.
    Up,
    /// Taken out of service: the status override is set.
    OutOfService,
}

impl DiscoveryStatus {
    /// Eureka's name for it.
    pub fn as_eureka(self) -> &'static str {
        match self {
            Self::Up => "UP",
            Self::OutOfService => "OUT_OF_SERVICE",
        }
    }
}

/// The receipt of a status change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChanged {
    /// The application as Eureka names it (upper case).
    pub app: String,
    pub instance_id: String,
    pub status: DiscoveryStatus,
    /// The instance's status just before the change.
    pub previous_status: String,
}
