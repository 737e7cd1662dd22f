//! What the providers that speak HTTP to a remote system (metrics backends,
//! Eureka) share: a client with the configured timeout, a body read under a
//! size cap, and URLs fit to appear in error messages.

use std::time::Duration;

use reqwest::{Client, Response, Url};

use crate::ApiError;

/// A client whose every request gives up after `timeout`.
pub(crate) fn client(timeout: Duration) -> Client {
    Client::builder()
        .timeout(timeout)
        // Credentials in a configured URL must not follow a redirect elsewhere.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a TLS backend is compiled in")
}

/// Parses a configured base URL; `what` names it in the error.
pub(crate) fn base_url(url: &str, what: &str) -> Result<Url, ApiError> {
    let parsed = Url::parse(url).map_err(|e| {
        ApiError::Unavailable(format!("{what}: invalid URL in the configuration: {e}"))
    })?;
    if parsed.cannot_be_a_base() || !matches!(parsed.scheme(), "http" | "https") {
        return Err(ApiError::Unavailable(format!(
            "{what}: configured URL {} is not an http(s) URL",
            shown(&parsed)
        )));
    }
    Ok(parsed)
}

/// `url` without user, password or query, for error messages: a configured
/// URL may carry credentials.
pub(crate) fn shown(url: &Url) -> String {
    let mut url = url.clone();
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_query(None);
    url.to_string()
}

/// Why a request got no response (or no whole body), naming `target`.
pub(crate) fn send_error(target: &str, error: reqwest::Error) -> ApiError {
    if error.is_timeout() {
        return ApiError::Unavailable(format!("{target}: timed out"));
    }
    // Without the URL reqwest would print: it may carry credentials.
    let error = error.without_url();
    let mut why = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        why.push_str(": ");
        why.push_str(&cause.to_string());
        source = cause.source();
    }
    ApiError::Unavailable(format!("{target}: {why}"))
}

/// Reads the whole body, refusing more than `max_bytes`.
pub(crate) async fn body(
    mut response: Response,
    max_bytes: usize,
    target: &str,
) -> Result<Vec<u8>, ApiError> {
    let mut body = Vec::new();
    loop {
        let chunk = response.chunk().await.map_err(|e| send_error(target, e))?;
        let Some(chunk) = chunk else {
            return Ok(body);
        };
        if body.len() + chunk.len() > max_bytes {
            return Err(ApiError::TooLarge(format!(
                "{target}: response exceeds {max_bytes} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
}

/// At most the first 300 characters of a remote system's error text.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    match text.char_indices().nth(300) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}
