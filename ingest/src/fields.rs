//! Typed field access that names the exact location of a problem, e.g.
//! `alerts[2].labels: expected an object, got a string`.

use serde_json::{Map, Value};

use crate::error::IngestError;

/// `"a string"`, `"an object"`, … for messages.
pub(crate) fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A JSON object and where it sits in the body. `location` is `None` for
/// the body itself, so its fields are named bare (`alerts`, not
/// `body.alerts`).
pub(crate) struct Fields<'a> {
    map: &'a Map<String, Value>,
    location: Option<&'a str>,
}

impl<'a> Fields<'a> {
    pub(crate) fn of(value: &'a Value, location: Option<&'a str>) -> Result<Self, IngestError> {
        match value {
            Value::Object(map) => Ok(Self::from_map(map, location)),
            other => Err(IngestError::at(
                location.unwrap_or("body"),
                format!("expected an object, got {}", describe(other)),
            )),
        }
    }

    pub(crate) fn from_map(map: &'a Map<String, Value>, location: Option<&'a str>) -> Self {
        Self { map, location }
    }

    pub(crate) fn location_of(&self, key: &str) -> String {
        match self.location {
            Some(location) => format!("{location}.{key}"),
            None => key.to_owned(),
        }
    }

    /// The field, with `null` treated as absent.
    pub(crate) fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub(crate) fn missing(&self, key: &str) -> IngestError {
        IngestError::at(
            self.location.unwrap_or("body"),
            format!("missing field {key:?}"),
        )
    }

    pub(crate) fn wrong_type(&self, key: &str, expected: &str, got: &Value) -> IngestError {
        IngestError::at(
            self.location_of(key),
            format!("expected {expected}, got {}", describe(got)),
        )
    }

    pub(crate) fn required(&self, key: &str) -> Result<&'a Value, IngestError> {
        self.get(key).ok_or_else(|| self.missing(key))
    }

    /// A required string that is not empty: used for identities.
    pub(crate) fn required_str(&self, key: &str) -> Result<&'a str, IngestError> {
        match self.required(key)? {
            Value::String(s) if s.is_empty() => {
                Err(IngestError::at(self.location_of(key), "must not be empty"))
            }
            Value::String(s) => Ok(s),
            other => Err(self.wrong_type(key, "a string", other)),
        }
    }

    pub(crate) fn optional_str(&self, key: &str) -> Result<Option<&'a str>, IngestError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(self.wrong_type(key, "a string", other)),
        }
    }

    pub(crate) fn optional_number(&self, key: &str) -> Result<Option<&'a Value>, IngestError> {
        match self.get(key) {
            None => Ok(None),
            Some(n @ Value::Number(_)) => Ok(Some(n)),
            Some(other) => Err(self.wrong_type(key, "a number", other)),
        }
    }

    /// An object whose values are all strings (labels, annotations, tags).
    /// An absent optional one reads as `{}`.
    pub(crate) fn string_map(
        &self,
        key: &str,
        required: bool,
    ) -> Result<Map<String, Value>, IngestError> {
        let value = match self.get(key) {
            Some(value) => value,
            None if required => return Err(self.missing(key)),
            None => return Ok(Map::new()),
        };
        let Value::Object(map) = value else {
            return Err(self.wrong_type(key, "an object", value));
        };
        let location = self.location_of(key);
        if let Some((name, other)) = map.iter().find(|(_, v)| !v.is_string()) {
            return Err(IngestError::at(
                format!("{location}.{name}"),
                format!("expected a string, got {}", describe(other)),
            ));
        }
        Ok(map.clone())
    }
}

/// Quotes a sender's value for a message, cut short: the message is stored
/// and shown, the value may be huge.
pub(crate) fn short_quote(text: &str) -> String {
    const MAX_CHARS: usize = 64;
    if text.chars().count() <= MAX_CHARS {
        format!("{text:?}")
    } else {
        let head: String = text.chars().take(MAX_CHARS).collect();
        format!("{head:?}…")
    }
}
