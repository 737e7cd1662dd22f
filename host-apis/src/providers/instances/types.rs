//! What the provider returns.

use std::fmt;

use serde::{Deserialize, Serialize};

/// One EC2 instance, as a runbook sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instance {
    pub id: String,
    /// EC2's state name: `pending`, `running`, `shutting-down`,
    /// `terminated`, `stopping`, `stopped`.
    pub state: String,
    pub instance_type: String,
    pub private_ip: Option<String>,
    /// Sorted by key.
    pub tags: Vec<(String, String)>,
}

/// A side effect on an instance, named as in a grant's `actions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InstanceAction {
    Reboot,
    Terminate,
}

impl InstanceAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reboot => "reboot",
            Self::Terminate => "terminate",
        }
    }
}

impl fmt::Display for InstanceAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The receipt of a reboot or terminate that EC2 accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionTaken {
    pub instance_id: String,
    pub action: InstanceAction,
    /// The state before the call.
    pub previous_state: String,
    /// The state EC2 reported right after the call (`shutting-down` for a
    /// terminate); none for a reboot, which EC2 answers without a state.
    pub current_state: Option<String>,
}
