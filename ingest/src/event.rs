//! The normalized event every adapter produces.

use serde::{Deserialize, Serialize};

/// One event as the rules see it, whatever format it arrived in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NormalizedEvent {
    /// The configured source name, e.g. `alertmanager-prod`.
    pub source: String,
    /// What happened, e.g. `alert.firing` or `atlas.alert.triggered`.
    pub kind: String,
    /// Stable identity of this occurrence when the format has one: a
    /// redelivery of the same occurrence carries the same key, so the store
    /// can drop it.
    pub dedupe_key: Option<String>,
    /// The normalized payload.
    pub payload: serde_json::Value,
}
