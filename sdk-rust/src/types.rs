use serde::de::DeserializeOwned;

use crate::Failure;
use crate::bindings::wolfe::runbook::types as wit;

/// Who runs and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Context {
    pub execution_id: String,
    pub runbook: String,
    pub team: String,
    pub environment: String,
    /// 1 for the first attempt.
    pub attempt: u32,
    /// Side-effecting host calls are simulated when true.
    pub dry_run: bool,
    /// The parameters, a JSON object.
    pub params: serde_json::Value,
}

impl Context {
    pub(crate) fn from_wit(ctx: wit::Context) -> Result<Self, Failure> {
        let params = serde_json::from_str(&ctx.params_json)
            .map_err(|e| Failure::new(format!("params are not JSON: {e}")))?;
        Ok(Self {
            execution_id: ctx.execution_id,
            runbook: ctx.runbook,
            team: ctx.team,
            environment: ctx.environment,
            attempt: ctx.attempt,
            dry_run: ctx.dry_run,
            params,
        })
    }

    /// The parameter `key` decoded as `T`; `None` when absent, a failure
    /// naming the parameter when it has the wrong type.
    pub fn param<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, Failure> {
        match self.params.get(key) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(value) => serde_json::from_value(value.clone())
                .map(Some)
                .map_err(|e| Failure::new(format!("parameter {key:?}: {e}"))),
        }
    }
}

/// One triggering event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: String,
    pub source: String,
    pub kind: String,
    /// RFC 3339.
    pub received_at: String,
    pub payload: serde_json::Value,
}

impl Event {
    pub(crate) fn from_wit(event: wit::Event) -> Result<Self, Failure> {
        let payload = serde_json::from_str(&event.payload_json)
            .map_err(|e| Failure::new(format!("event {} payload is not JSON: {e}", event.id)))?;
        Ok(Self {
            id: event.id,
            source: event.source,
            kind: event.kind,
            received_at: event.received_at,
            payload,
        })
    }

    /// The payload decoded into the runbook's own type.
    pub fn payload_as<T: DeserializeOwned>(&self) -> Result<T, Failure> {
        serde_json::from_value(self.payload.clone())
            .map_err(|e| Failure::new(format!("event {} payload: {e}", self.id)))
    }
}
