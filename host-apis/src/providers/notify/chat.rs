//! Chat through a Slack-compatible incoming webhook: POST `{"text": ...}`;
//! any 2xx is delivery (Slack answers `200 ok`).

use std::time::Duration;

use reqwest::Url;
use serde_json::json;

use super::http::{excerpt, post_json};
use crate::ApiError;

/// Posts `text` to the webhook at `url`; returns the webhook's answer.
pub(crate) async fn post(
    client: &reqwest::Client,
    timeout: Duration,
    target: &str,
    url: &Url,
    text: &str,
) -> Result<String, ApiError> {
    if text.trim().is_empty() {
        return Err(ApiError::Invalid(format!(
            "chat to target `{target}`: the text is empty"
        )));
    }
    let what = format!("chat target `{target}`");
    let answer = post_json(client, timeout, &what, url, &json!({ "text": text })).await?;
    if !answer.status.is_success() {
        return Err(ApiError::Unavailable(format!(
            "{what}: the webhook answered HTTP {}: {}",
            answer.status.as_u16(),
            excerpt(&answer.body, 200)
        )));
    }
    Ok(excerpt(&answer.body, 200))
}
