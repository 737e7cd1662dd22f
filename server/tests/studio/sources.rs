//! Python source saved through the API in these tests.

use std::collections::BTreeMap;

use serde_json::{Value, json};

/// Logs, then echoes its parameters and the first event's payload.
pub const ECHO: &str = r#"import wolfe
from wolfe import log


@wolfe.runbook
def handle(ctx, events):
    log.info("echoing", count=len(events))
    return {"params": ctx.params, "payload": events[0].payload if events else None}
"#;

/// `def` without its colon on line 5.
pub const SYNTAX_ERROR: &str = r#"import wolfe


@wolfe.runbook
def handle(ctx, events)
    return {}
"#;

pub fn save(main: &str, message: &str) -> Value {
    json!({"files": BTreeMap::from([("main.py", main)]), "message": message})
}
