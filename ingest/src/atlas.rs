//! Atlas alert messages.
//!
//! Atlas alert policies evaluate a stack-language expression and, among
//! other actions, publish a message when a signal changes state, usually to
//! SNS or SQS. The message format is not public, so Wolfe defines the one it
//! accepts, built from what an Atlas alert knows: the policy, the state
//! change, the expression, the tags of the signal that changed (the
//! expression's exact matches plus its `:by` keys, such as `nf.node` for a
//! per-instance alert), the value against the threshold, and when.
//!
//! ```json
//! {
//!   "alertId": "3f2b9c4e-7a1d-4e8b-9c0f-5d6e7f8a9b0c",
//!   "alertName": "nccp-cpu-high",
//!   "state": "triggered",
//!   "expression": "name,CpuUtilization,:eq,nf.app,nccp,:eq,:and,:max,(,nf.node,),:by,80,:gt",
//!   "tags": {
//!     "nf.app": "nccp",
//!     "nf.cluster": "nccp-prod",
//!     "nf.asg": "nccp-prod-v042",
//!     "nf.node": "i-0a1b2c3d4e5f67890",
//!     "nf.region": "us-east-1"
//!   },
//!   "value": 93.7,
//!   "threshold": 80,
//!   "timestamp": 1714563600000,
//!   "link": "https://atlas.example.net/ui/graph?q=...",
//!   "severity": "critical",
//!   "description": "CPU above 80% on one nccp instance"
//! }
//! ```
//!
//! | field | | |
//! |---|---|---|
//! | `alertId` | required | non-empty string, at most 256 bytes: the policy's id |
//! | `alertName` | required | non-empty string |
//! | `state` | required | `triggered` or `cleared`, any case; normalized to lower case |
//! | `expression` | required | non-empty string (Atlas stack language) |
//! | `tags` | required | object of strings, may be empty |
//! | `timestamp` | required | epoch milliseconds (Atlas's unit) or RFC 3339; normalized to RFC 3339 UTC |
//! | `value`, `threshold` | optional | numbers |
//! | `link`, `severity`, `description` | optional | strings |
//!
//! Other fields pass through untouched, so a richer real message loses
//! nothing. The same document is accepted inside an SNS envelope (see
//! [`crate::sns`]); errors inside it are reported as `Message.<field>`.
//!
//! The event kind is `atlas.alert.triggered` or `atlas.alert.cleared`. The
//! payload is the message with `state` and `timestamp` normalized and a
//! `fingerprint` added: 16 hex digits of a SHA-256 over the sorted tags,
//! which tells apart the signals of one grouped policy (one per instance)
//! the way Alertmanager's fingerprint does. The dedupe key is
//! `alertId:fingerprint:state:timestamp`: a redelivered message collapses,
//! another instance or a later state change does not.

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::config::SourceConfig;
use crate::error::IngestError;
use crate::event::NormalizedEvent;
use crate::fields::{Fields, describe, short_quote};
use crate::{sns, timestamp};

const MAX_ALERT_ID_BYTES: usize = 256;

/// Epoch milliseconds below this (March 1973) are almost surely seconds.
const MIN_PLAUSIBLE_MILLIS: i64 = 100_000_000_000;

pub(crate) fn normalize(
    config: &SourceConfig,
    body: Value,
) -> Result<Vec<NormalizedEvent>, IngestError> {
    let (message, location) = match sns::unwrap(&body)? {
        Some(inner) => (inner, Some(sns::MESSAGE_LOCATION)),
        None => (body, None),
    };
    Ok(vec![event(config, message, location)?])
}

fn event(
    config: &SourceConfig,
    message: Value,
    location: Option<&str>,
) -> Result<NormalizedEvent, IngestError> {
    let Value::Object(mut payload) = message else {
        return Err(IngestError::at(
            location.unwrap_or("body"),
            format!("expected an object, got {}", describe(&message)),
        ));
    };
    let fields = Fields::from_map(&payload, location);
    let alert_id = fields.required_str("alertId")?;
    if alert_id.len() > MAX_ALERT_ID_BYTES {
        return Err(IngestError::at(
            fields.location_of("alertId"),
            format!("longer than {MAX_ALERT_ID_BYTES} bytes"),
        ));
    }
    fields.required_str("alertName")?;
    let state = state(&fields)?;
    fields.required_str("expression")?;
    let tags = fields.string_map("tags", true)?;
    let timestamp = timestamp_field(&fields)?;
    fields.optional_number("value")?;
    fields.optional_number("threshold")?;
    for key in ["link", "severity", "description"] {
        fields.optional_str(key)?;
    }

    let fingerprint = fingerprint(
        tags.iter()
            .map(|(k, v)| (k.as_str(), v.as_str().unwrap_or_default())),
    );
    let dedupe_key = format!("{alert_id}:{fingerprint}:{state}:{timestamp}");
    let kind = format!("atlas.alert.{state}");
    payload.insert("state".into(), Value::String(state.into()));
    payload.insert("timestamp".into(), Value::String(timestamp));
    payload.insert("fingerprint".into(), Value::String(fingerprint));
    Ok(NormalizedEvent {
        source: config.name.clone(),
        kind,
        dedupe_key: Some(dedupe_key),
        payload: Value::Object(payload),
    })
}

fn state(fields: &Fields<'_>) -> Result<&'static str, IngestError> {
    let state = fields.required_str("state")?;
    if state.eq_ignore_ascii_case("triggered") {
        Ok("triggered")
    } else if state.eq_ignore_ascii_case("cleared") {
        Ok("cleared")
    } else {
        Err(IngestError::at(
            fields.location_of("state"),
            format!(
                "expected \"triggered\" or \"cleared\", got {}",
                short_quote(state)
            ),
        ))
    }
}

fn timestamp_field(fields: &Fields<'_>) -> Result<String, IngestError> {
    let at = |problem: String| IngestError::at(fields.location_of("timestamp"), problem);
    let parsed = match fields.required("timestamp")? {
        Value::Number(n) => {
            let millis = n.as_i64().ok_or_else(|| {
                at(format!(
                    "expected integer milliseconds since the epoch, got {n}"
                ))
            })?;
            if millis < MIN_PLAUSIBLE_MILLIS {
                return Err(at(format!(
                    "{millis} is not milliseconds since the epoch (seconds?)"
                )));
            }
            timestamp::from_epoch_millis(millis)
                .ok_or_else(|| at(format!("{millis} is out of range")))?
        }
        Value::String(text) => timestamp::parse_rfc3339(text)
            .ok_or_else(|| at(format!("not an RFC 3339 timestamp: {}", short_quote(text))))?,
        other => {
            return Err(fields.wrong_type(
                "timestamp",
                "epoch milliseconds or an RFC 3339 string",
                other,
            ));
        }
    };
    Ok(timestamp::format(parsed))
}

/// Sorted explicitly: serde_json's map order depends on a feature flag
/// another crate in the build may turn on.
fn fingerprint<'a>(tags: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut pairs: Vec<(&str, &str)> = tags.into_iter().collect();
    pairs.sort_unstable();
    let mut hasher = Sha256::new();
    for (key, value) in pairs {
        // Length-prefixed, so no two tag sets encode the same.
        for text in [key, value] {
            hasher.update((text.len() as u64).to_le_bytes());
            hasher.update(text);
        }
    }
    hex::encode(&hasher.finalize()[..8])
}

#[cfg(test)]
mod tests {
    use super::fingerprint;

    #[test]
    fn fingerprint_ignores_tag_order_but_not_tag_boundaries() {
        let sorted = fingerprint([("nf.app", "nccp"), ("nf.node", "i-1")]);
        assert_eq!(
            sorted,
            fingerprint([("nf.node", "i-1"), ("nf.app", "nccp")])
        );
        assert_ne!(
            sorted,
            fingerprint([("nf.app", "nccpnf.node"), ("", "i-1")])
        );
        assert_ne!(sorted, fingerprint([("nf.app", "nccp")]));
    }
}
