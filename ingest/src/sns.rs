//! The SNS envelope. An SQS queue subscribed to an SNS topic receives the
//! published message as a JSON string inside a notification document
//! (unless the subscription enables raw message delivery):
//!
//! ```json
//! {"Type": "Notification", "MessageId": "…", "TopicArn": "…",
//!  "Message": "{\"alertId\": …}", "Timestamp": "…", "Signature": "…", …}
//! ```
//!
//! The signature is not checked: it would mean fetching AWS's signing
//! certificate, and who may write to the queue is already decided by IAM.

use serde_json::Value;

use crate::body;
use crate::error::IngestError;
use crate::fields::{Fields, short_quote};

/// Where the inner message's fields are reported: `Message.tags`.
pub(crate) const MESSAGE_LOCATION: &str = "Message";

/// The inner message if `body` is an SNS envelope (recognized by its `Type`
/// field, which no Atlas message has), else `None`.
pub(crate) fn unwrap(body: &Value) -> Result<Option<Value>, IngestError> {
    let Value::Object(map) = body else {
        return Ok(None);
    };
    if !map.contains_key("Type") {
        return Ok(None);
    }
    let fields = Fields::of(body, None)?;
    let kind = fields.required_str("Type")?;
    if kind != "Notification" {
        return Err(IngestError::at(
            "Type",
            format!(
                "expected an SNS \"Notification\", got {} (only notifications carry a message)",
                short_quote(kind)
            ),
        ));
    }
    let message = match fields.required("Message")? {
        Value::String(text) => text,
        other => return Err(fields.wrong_type("Message", "a string", other)),
    };
    body::parse_json(MESSAGE_LOCATION, message).map(Some)
}
