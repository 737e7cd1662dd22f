//! Generic JSON: an object is one event, an array of objects is one event
//! per element. The payload is the object unchanged. The kind comes from
//! the configured `kind_path` (else `"event"`), the dedupe key from
//! `id_path` (else none); a configured path must resolve in every event,
//! because a silently missing kind or id would misroute or duplicate it.

use serde_json::Value;

use crate::config::SourceConfig;
use crate::error::IngestError;
use crate::event::NormalizedEvent;
use crate::fields::describe;

/// Most events one generic body may carry; a larger batch is rejected
/// whole, so the sender learns to split it instead of losing the rest.
pub const MAX_EVENTS_PER_BODY: usize = 1000;

const DEFAULT_KIND: &str = "event";

/// Kinds are matched by rules and shown in lists: short, printable text.
pub(crate) const MAX_KIND_BYTES: usize = 128;

/// Dedupe keys are indexed by the store.
pub(crate) const MAX_DEDUPE_KEY_BYTES: usize = 512;

pub(crate) fn normalize(
    config: &SourceConfig,
    body: Value,
) -> Result<Vec<NormalizedEvent>, IngestError> {
    match body {
        Value::Object(_) => Ok(vec![event(config, body, "")?]),
        Value::Array(items) if items.len() > MAX_EVENTS_PER_BODY => Err(IngestError::at(
            "body",
            format!(
                "array of {} events exceeds the limit of {MAX_EVENTS_PER_BODY} per body",
                items.len()
            ),
        )),
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(index, item)| event(config, item, &format!("[{index}]")))
            .collect(),
        other => Err(IngestError::at(
            "body",
            format!(
                "expected a JSON object or an array of objects, got {}",
                describe(&other)
            ),
        )),
    }
}

/// `location` is `""` for a lone object, `[i]` for an array element; the
/// configured pointer is appended to it in messages (`[3]/type`).
fn event(
    config: &SourceConfig,
    value: Value,
    location: &str,
) -> Result<NormalizedEvent, IngestError> {
    if !value.is_object() {
        return Err(IngestError::at(
            location,
            format!("expected an object, got {}", describe(&value)),
        ));
    }
    let kind = match &config.kind_path {
        Some(pointer) => kind_at(&value, pointer, location)?,
        None => DEFAULT_KIND.to_owned(),
    };
    let dedupe_key = match &config.id_path {
        Some(pointer) => Some(id_at(&value, pointer, location)?),
        None => None,
    };
    Ok(NormalizedEvent {
        source: config.name.clone(),
        kind,
        dedupe_key,
        payload: value,
    })
}

fn kind_at(value: &Value, pointer: &str, location: &str) -> Result<String, IngestError> {
    let at = |problem: String| IngestError::at(format!("{location}{pointer}"), problem);
    match value.pointer(pointer) {
        None | Some(Value::Null) => Err(at("not found (kind_path)".into())),
        Some(Value::String(kind)) => check_kind(kind).map_err(at),
        Some(other) => Err(at(format!(
            "expected a string for the event kind, got {}",
            describe(other)
        ))),
    }
}

pub(crate) fn check_kind(kind: &str) -> Result<String, String> {
    if kind.is_empty() {
        Err("the event kind must not be empty".into())
    } else if kind.len() > MAX_KIND_BYTES {
        Err(format!(
            "the event kind is longer than {MAX_KIND_BYTES} bytes"
        ))
    } else if kind.chars().any(char::is_control) {
        Err("the event kind contains control characters".into())
    } else {
        Ok(kind.to_owned())
    }
}

fn id_at(value: &Value, pointer: &str, location: &str) -> Result<String, IngestError> {
    let at = |problem: String| IngestError::at(format!("{location}{pointer}"), problem);
    let id = match value.pointer(pointer) {
        None | Some(Value::Null) => return Err(at("not found (id_path)".into())),
        Some(Value::String(id)) => id.clone(),
        // Numeric ids are common (delivery counters); integers only, since
        // a float's text form is not a stable identity.
        Some(Value::Number(n)) if n.is_i64() || n.is_u64() => n.to_string(),
        Some(other) => {
            return Err(at(format!(
                "expected a string or an integer for the event id, got {}",
                describe(other)
            )));
        }
    };
    if id.is_empty() {
        Err(at("the event id must not be empty".into()))
    } else if id.len() > MAX_DEDUPE_KEY_BYTES {
        Err(at(format!(
            "the event id is longer than {MAX_DEDUPE_KEY_BYTES} bytes"
        )))
    } else {
        Ok(id)
    }
}
