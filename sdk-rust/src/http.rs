//! Outbound HTTP to the hosts the runbook's grant names.
//!
//! ```ignore
//! use std::time::Duration;
//! use wolfe_sdk::http::Request;
//!
//! let health = Request::get("https://kafka-admin.internal/brokers/3/health")
//!     .timeout(Duration::from_secs(5))
//!     .send()?;
//! if health.is_success() && health.json::<Health>()?.status == "offline" {
//!     Request::post("https://kafka-admin.internal/brokers/3/restart")
//!         .header("x-reason", "offline")
//!         .json(&serde_json::json!({ "reason": "offline" }))?
//!         .send()?;
//! }
//! ```
//!
//! Redirects are followed, each re-checked against the grant. A 4xx or 5xx
//! status is a [`Response`], not an error; errors are the host's:
//! [`HostError::Denied`] (host not granted), [`HostError::Unavailable`]
//! (connection failed or timed out), ... In dry-run mode a side-effecting
//! method is not sent: its response says `simulated`.

use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::HostError;
use crate::bindings::wolfe::runbook::http as wit;
use crate::duration::ceil_millis;
use crate::error::call;

/// A request to build and [`send`](Request::send).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    /// `None`: the host's default.
    pub timeout: Option<Duration>,
    /// Set by [`Request::json`]: send `content-type: application/json`
    /// unless a content-type header is given.
    json: bool,
}

impl Request {
    /// A request with `method` (upper-cased) to `url`.
    pub fn new(method: &str, url: impl Into<String>) -> Self {
        Self {
            method: method.to_ascii_uppercase(),
            url: url.into(),
            headers: Vec::new(),
            body: None,
            timeout: None,
            json: false,
        }
    }

    pub fn get(url: impl Into<String>) -> Self {
        Self::new("GET", url)
    }

    pub fn post(url: impl Into<String>) -> Self {
        Self::new("POST", url)
    }

    pub fn put(url: impl Into<String>) -> Self {
        Self::new("PUT", url)
    }

    pub fn delete(url: impl Into<String>) -> Self {
        Self::new("DELETE", url)
    }

    /// Adds a header (repeating a name sends it twice).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The body, e.g. a `&str`, `String` or `Vec<u8>`.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// `value` as a JSON body, with `content-type: application/json` unless
    /// the request has a content-type header when sent.
    pub fn json<T: Serialize + ?Sized>(mut self, value: &T) -> Result<Self, HostError> {
        let body = serde_json::to_vec(value)
            .map_err(|e| HostError::Invalid(format!("json body is not serialisable: {e}")))?;
        self.body = Some(body);
        self.json = true;
        Ok(self)
    }

    /// How long the host waits (rounded up to whole milliseconds).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    pub fn send(self) -> Result<Response, HostError> {
        let timeout_ms = self
            .timeout
            .map(|t| ceil_millis("timeout", t))
            .transpose()?;
        let mut headers: Vec<wit::Header> = self
            .headers
            .into_iter()
            .map(|(name, value)| wit::Header { name, value })
            .collect();
        if self.json
            && !headers
                .iter()
                .any(|h| h.name.eq_ignore_ascii_case("content-type"))
        {
            headers.push(wit::Header {
                name: "content-type".into(),
                value: "application/json".into(),
            });
        }
        let request = wit::Request {
            method: self.method,
            url: self.url,
            headers,
            body: self.body,
            timeout_ms,
        };
        let response = call(|| wit::send(&request))?;
        Ok(Response {
            status: response.status,
            headers: response
                .headers
                .into_iter()
                .map(|h| (h.name, h.value))
                .collect(),
            body: response.body,
            simulated: response.simulated,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    /// As received, in order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// True in dry-run mode for a side-effecting method: nothing was sent.
    pub simulated: bool,
}

impl Response {
    /// True for a 2xx status.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The body as UTF-8 (undecodable bytes become U+FFFD).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body decoded from JSON.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_collects_the_request() {
        let request = Request::new("patch", "https://a/")
            .header("x-a", "1")
            .json(&serde_json::json!({"b": 2}))
            .unwrap()
            .timeout(Duration::from_millis(1500));
        assert_eq!(request.method, "PATCH");
        assert_eq!(request.body.as_deref(), Some(&br#"{"b":2}"#[..]));
        assert_eq!(request.headers, vec![("x-a".into(), "1".into())]);
        assert_eq!(request.timeout, Some(Duration::from_millis(1500)));
    }

    #[test]
    fn natively_sending_is_unavailable() {
        assert_eq!(
            Request::get("https://a/").send(),
            Err(HostError::Unavailable("not running inside Wolfe".into()))
        );
    }

    #[test]
    fn response_helpers() {
        let response = Response {
            status: 204,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: b"[1]".to_vec(),
            simulated: false,
        };
        assert!(response.is_success());
        assert_eq!(response.header("content-type"), Some("application/json"));
        assert_eq!(response.json::<Vec<u8>>().unwrap(), vec![1]);
        assert_eq!(response.text(), "[1]");
    }
}
