//! Keeps secret values out of everything an execution leaves behind.
//!
//! The `secrets` glue registers every value it hands to the guest; the log
//! buffer, the runtime (output, failure) and the audit trail pass their text
//! through [`Redactor::redact`] before it is kept.

use std::borrow::Cow;
use std::sync::{Arc, RwLock};

/// What a redacted value is replaced with.
pub const REDACTED: &str = "[redacted]";

/// Secret values seen by one execution. Cheap to clone; clones share.
#[derive(Clone, Default)]
pub struct Redactor {
    values: Arc<RwLock<Vec<String>>>,
}

impl Redactor {
    /// Remembers `value` so later text containing it is redacted. Values
    /// shorter than 4 bytes are ignored: redacting every `a` helps no one.
    pub fn register(&self, value: &str) {
        if value.len() < 4 {
            return;
        }
        let mut values = self.values.write().unwrap_or_else(|e| e.into_inner());
        if !values.iter().any(|v| v == value) {
            values.push(value.to_owned());
            // Longest first, so a secret containing another is cut whole.
            values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        }
    }

    /// True when no secret has been registered (the common, fast case).
    pub fn is_empty(&self) -> bool {
        self.values
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty()
    }

    /// `text` with every registered value replaced by [`REDACTED`].
    pub fn redact(&self, text: &str) -> String {
        let values = self.values.read().unwrap_or_else(|e| e.into_inner());
        let mut text = text.to_owned();
        for value in values.iter() {
            if text.contains(value.as_str()) {
                text = text.replace(value.as_str(), REDACTED);
            }
        }
        text
    }

    /// Redacts in place, allocating only when something matches.
    pub fn redact_in_place(&self, text: &mut String) {
        if self.is_empty() {
            return;
        }
        let values = self.values.read().unwrap_or_else(|e| e.into_inner());
        if values.iter().any(|v| text.contains(v.as_str())) {
            drop(values);
            *text = self.redact(text);
        }
    }

    /// `bytes` with every registered value's UTF-8 bytes replaced by
    /// [`REDACTED`], for data that is not text (an HTTP body). Borrowed when
    /// nothing matches.
    pub fn redact_bytes<'a>(&self, bytes: &'a [u8]) -> Cow<'a, [u8]> {
        let values = self.values.read().unwrap_or_else(|e| e.into_inner());
        let mut bytes = Cow::Borrowed(bytes);
        for value in values.iter() {
            let needle = value.as_bytes();
            if find(&bytes, needle).is_none() {
                continue;
            }
            let mut out = Vec::with_capacity(bytes.len());
            let mut rest: &[u8] = &bytes;
            while let Some(at) = find(rest, needle) {
                out.extend_from_slice(&rest[..at]);
                out.extend_from_slice(REDACTED.as_bytes());
                rest = &rest[at + needle.len()..];
            }
            out.extend_from_slice(rest);
            bytes = Cow::Owned(out);
        }
        bytes
    }

    /// Redacts every string inside a JSON value (keys included).
    pub fn redact_json(&self, value: &mut serde_json::Value) {
        if self.is_empty() {
            return;
        }
        match value {
            serde_json::Value::String(s) => self.redact_in_place(s),
            serde_json::Value::Array(items) => items.iter_mut().for_each(|v| self.redact_json(v)),
            serde_json::Value::Object(map) => {
                let entries = std::mem::take(map);
                for (mut key, mut v) in entries {
                    self.redact_in_place(&mut key);
                    self.redact_json(&mut v);
                    map.insert(key, v);
                }
            }
            _ => {}
        }
    }
}

/// The first position of `needle` (non-empty) in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_values_are_replaced_everywhere() {
        let redactor = Redactor::default();
        redactor.register("hunter22");
        assert_eq!(
            redactor.redact("pw=hunter22 again hunter22"),
            "pw=[redacted] again [redacted]"
        );
        let mut json = serde_json::json!({"hunter22": ["x hunter22", 1]});
        redactor.redact_json(&mut json);
        assert_eq!(json, serde_json::json!({"[redacted]": ["x [redacted]", 1]}));
    }

    #[test]
    fn bytes_are_redacted_like_text() {
        let redactor = Redactor::default();
        assert!(matches!(
            redactor.redact_bytes(b"hunter22"),
            Cow::Borrowed(_)
        ));
        redactor.register("hunter22");
        redactor.register("hunter");
        let body = b"\xff\x00hunter22 and hunter22\xfe hunter";
        assert_eq!(
            redactor.redact_bytes(body).as_ref(),
            b"\xff\x00[redacted] and [redacted]\xfe [redacted]"
        );
        assert!(matches!(
            redactor.redact_bytes(b"nothing"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn a_secret_containing_another_is_cut_whole() {
        let redactor = Redactor::default();
        redactor.register("abcd");
        redactor.register("abcdefgh");
        assert_eq!(redactor.redact("abcdefgh"), "[redacted]");
    }

    #[test]
    fn tiny_values_are_not_redacted() {
        let redactor = Redactor::default();
        redactor.register("a");
        assert!(redactor.is_empty());
        assert_eq!(redactor.redact("a cat"), "a cat");
    }
}
