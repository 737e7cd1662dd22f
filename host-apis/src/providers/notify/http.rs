//! POSTing a JSON document to a chat webhook or PagerDuty and reading the
//! answer, with failures described by origin only (never the full URL).

use std::error::Error as _;
use std::time::Duration;

use reqwest::{StatusCode, Url};
use serde::Serialize;

use super::redact::origin;
use crate::ApiError;

/// An answer, whatever its status.
pub(crate) struct Answer {
    pub status: StatusCode,
    pub body: String,
}

/// Answers are read up to this size; anything longer is cut (and only
/// shown in error messages).
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// POSTs `body` as JSON to `url`. `what` names the call for error messages,
/// e.g. "chat target `ops`".
pub(crate) async fn post_json(
    client: &reqwest::Client,
    timeout: Duration,
    what: &str,
    url: &Url,
    body: &impl Serialize,
) -> Result<Answer, ApiError> {
    let failed = |error: reqwest::Error| {
        let error = error.without_url();
        let reason = if error.is_timeout() {
            format!("no answer within {}", humantime::format_duration(timeout))
        } else {
            chain(&error)
        };
        ApiError::Unavailable(format!("{what}: POST to {}: {reason}", origin(url)))
    };
    let response = client
        .post(url.clone())
        .timeout(timeout)
        .json(body)
        .send()
        .await
        .map_err(failed)?;
    let status = response.status();
    let bytes = response.bytes().await.map_err(failed)?;
    let body = String::from_utf8_lossy(&bytes[..bytes.len().min(MAX_ANSWER_BYTES)]).into_owned();
    Ok(Answer { status, body })
}

/// An error and its causes, e.g. "error sending request: client error
/// (Connect): tcp connect error: Connection refused (os error 111)".
fn chain(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// At most `max` characters of `text`, for quoting answers in errors.
pub(crate) fn excerpt(text: &str, max: usize) -> String {
    let text = text.trim();
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// Parses a configured http(s) URL; `what` names the target.
pub(crate) fn parse_url(what: &str, text: &str) -> Result<Url, ApiError> {
    let url = Url::parse(text)
        .map_err(|e| ApiError::Invalid(format!("{what}: url is not a valid URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(ApiError::Invalid(format!(
            "{what}: url must be http or https with a host (scheme `{}`)",
            url.scheme()
        )));
    }
    Ok(url)
}
