//! New events into Wolfe's pipeline, for chaining runbooks.
//!
//! ```ignore
//! let emitted = wolfe_sdk::events::emit("broker.restarted", &json!({ "broker_id": 3 }))?;
//! ```
//!
//! The event comes from source `runbook` in the execution's environment;
//! rules route it like any other. Chains are cut at the host's depth limit.

use serde::{Deserialize, Serialize};

use crate::HostError;
use crate::bindings::wolfe::runbook::events as wit;
use crate::error::call;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Emitted {
    /// The new event's id; empty when simulated.
    pub id: String,
    /// True in dry-run mode: recorded, not emitted.
    pub simulated: bool,
}

/// Emits an event of `kind` whose payload is `payload` as JSON.
pub fn emit<T: Serialize + ?Sized>(kind: &str, payload: &T) -> Result<Emitted, HostError> {
    let payload_json = serde_json::to_string(payload)
        .map_err(|e| HostError::Invalid(format!("payload is not JSON-serialisable: {e}")))?;
    let emitted = call(|| wit::emit(kind, &payload_json))?;
    Ok(Emitted {
        id: emitted.id,
        simulated: emitted.simulated,
    })
}
