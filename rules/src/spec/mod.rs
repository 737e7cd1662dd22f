//! The rule as authors write it. Serde checks the shape (unknown fields are
//! errors); [`crate::CompiledRule::compile`] checks the meaning.

mod criterion;
mod param;

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

pub use criterion::{Condition, Criterion, Op};
pub use param::{ParamSpec, ValueType};

use crate::RuleError;

/// A rule's trigger, criteria, parameter mapping and correlation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Event source, matched exactly; `"*"` matches any source.
    pub source: String,
    /// Glob over the event kind (`alert.*`, `alert.{firing,resolved}`).
    pub kind: String,
    /// Absent: every event of the trigger matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criteria: Option<Criterion>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, ParamSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation: Option<CorrelationSpec>,
}

/// Events whose rendered `key` is equal within `window` are grouped into
/// one execution (by the store; rules only compute the key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrelationSpec {
    /// Template; absent means one group per rule and window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// humantime duration, e.g. `"5m"`, `"1h 30m"`.
    pub window: String,
}

impl RuleSpec {
    /// Parses rule JSON, reporting shape errors with their location
    /// (`criteria.all[2]: unknown field `pth`, ...`).
    pub fn from_json(text: &str) -> Result<Self, RuleError> {
        let mut de = serde_json::Deserializer::from_str(text);
        let spec = serde_path_to_error::deserialize(&mut de).map_err(|err| {
            // "." is the root, "?" a place serde_path_to_error could not name.
            let path = err.path().to_string();
            let location = if path == "." || path == "?" {
                String::new()
            } else {
                path
            };
            RuleError::new(location, err.into_inner().to_string())
        })?;
        de.end()
            .map_err(|err| RuleError::new("", err.to_string()))?;
        Ok(spec)
    }
}

/// `Option<Value>` where an explicit `null` is `Some(Null)`, not `None`:
/// `"value": null` is a value authors may mean.
pub(crate) fn present<'de, D: Deserializer<'de>>(de: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(de).map(Some)
}
