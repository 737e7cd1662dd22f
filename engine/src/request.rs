//! What an execution is asked to do.

use serde::{Deserialize, Serialize};

/// Who runs and why; becomes the WIT `context` record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecutionContext {
    pub execution_id: String,
    pub runbook: String,
    pub team: String,
    pub environment: String,
    pub attempt: u32,
    pub dry_run: bool,
    /// A JSON object of parameters.
    pub params: serde_json::Value,
}

/// One triggering event; becomes a WIT `event` record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventInput {
    pub id: String,
    pub source: String,
    pub kind: String,
    /// RFC 3339.
    pub received_at: String,
    pub payload: serde_json::Value,
}

/// Everything one execution receives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecutionRequest {
    pub context: ExecutionContext,
    pub events: Vec<EventInput>,
}
