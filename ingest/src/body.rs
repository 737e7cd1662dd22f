//! Raw bytes to a JSON value: size limit, UTF-8, JSON.

use serde_json::Value;

use crate::error::IngestError;

/// Checks the size before anything else, so an oversized body costs nothing
/// but its length, then parses it.
pub(crate) fn parse(body: &[u8], limit: usize) -> Result<Value, IngestError> {
    if body.len() > limit {
        return Err(IngestError::TooLarge {
            limit,
            actual: body.len(),
        });
    }
    let text = std::str::from_utf8(body).map_err(|e| {
        IngestError::at(
            "body",
            format!(
                "not valid UTF-8 (invalid byte at offset {})",
                e.valid_up_to()
            ),
        )
    })?;
    parse_json("body", text)
}

/// serde_json stops at 128 levels of nesting ("recursion limit exceeded"),
/// so a hostile body cannot overflow the stack here or when dropped.
pub(crate) fn parse_json(location: &str, text: &str) -> Result<Value, IngestError> {
    if text.trim().is_empty() {
        return Err(IngestError::at(location, "empty"));
    }
    serde_json::from_str(text)
        .map_err(|e| IngestError::at(location, format!("not valid JSON: {e}")))
}
