//! Performs each host call the `calls` parameter lists, through the SDK, and
//! reports every outcome. The protocol is in ../README.md; api-probe-py
//! answers the same calls with the same JSON.

mod ops;

use serde_json::{Value, json};
use wolfe_sdk::{Context, Event, Failure, HostError};

/// Why one call could not be reported as the host's answer.
enum Outcome {
    Host(HostError),
    /// The call itself was malformed (unknown op, missing or ill-typed args).
    Probe(String),
}

impl From<HostError> for Outcome {
    fn from(error: HostError) -> Self {
        Self::Host(error)
    }
}

fn handle(ctx: &Context, _events: &[Event]) -> Result<Value, Failure> {
    let calls = match ctx.params.get("calls") {
        None => Vec::new(),
        Some(Value::Array(calls)) => calls.clone(),
        Some(_) => {
            return Err(Failure::new(
                r#"params["calls"] must be a list of {"op": ..., "args": {...}}"#,
            ));
        }
    };
    let results: Vec<Value> = calls.iter().map(perform).collect();
    Ok(json!({ "results": results }))
}

fn perform(call: &Value) -> Value {
    let op = call.get("op").and_then(Value::as_str);
    let args = call.get("args").cloned().unwrap_or_else(|| json!({}));
    let outcome = match op {
        Some(op) => ops::run(op, args),
        None => Err(Outcome::Probe(format!("not a known call: {call}"))),
    };
    match outcome {
        Ok(value) => json!({ "ok": value }),
        Err(Outcome::Host(error)) => {
            json!({ "error": { "kind": error.kind(), "message": error.message() } })
        }
        Err(Outcome::Probe(message)) => json!({ "error": { "kind": "probe", "message": message } }),
    }
}

wolfe_sdk::runbook!(handle);
