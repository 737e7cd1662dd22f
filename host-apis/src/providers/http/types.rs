//! The request a runbook sends and the response it gets back.

use serde::{Deserialize, Serialize};

/// One header; names are case-insensitive, order and repeats are kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub name: String,
    pub value: String,
}

impl Header {
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
        }
    }
}

/// An outbound request, as the runbook asked for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpRequest {
    /// `GET`, `POST`, ... (any case; sent upper-cased).
    pub method: String,
    /// Absolute `http` or `https` URL.
    pub url: String,
    #[serde(default)]
    pub headers: Vec<Header>,
    #[serde(default, with = "optional_base64")]
    pub body: Option<Vec<u8>>,
    /// Whole-call deadline; none: the configured default. Capped at the
    /// configured maximum.
    #[serde(default)]
    pub timeout_ms: Option<u32>,
}

impl HttpRequest {
    /// A request without headers, body or timeout.
    pub fn new(method: impl Into<String>, url: impl Into<String>) -> Self {
        Self {
            method: method.into(),
            url: url.into(),
            headers: Vec::new(),
            body: None,
            timeout_ms: None,
        }
    }

    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push(Header::new(name, value));
        self
    }

    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = Some(body.into());
        self
    }

    pub fn timeout_ms(mut self, ms: u32) -> Self {
        self.timeout_ms = Some(ms);
        self
    }
}

/// The final response (after redirects). Serialized compactly (body as
/// base64) because the glue stores it for idempotent replay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpResponse {
    pub status: u16,
    /// Values that are not UTF-8 are converted lossily.
    pub headers: Vec<Header>,
    #[serde(with = "base64_bytes")]
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }
}

mod base64_bytes {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        STANDARD.decode(text).map_err(serde::de::Error::custom)
    }
}

mod optional_base64 {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    struct Wrapped(#[serde(with = "super::base64_bytes")] Vec<u8>);

    pub fn serialize<S: Serializer>(bytes: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        bytes.as_ref().map(|b| Wrapped(b.clone())).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        Ok(Option::<Wrapped>::deserialize(d)?.map(|w| w.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses_round_trip_with_a_base64_body() {
        let response = HttpResponse {
            status: 200,
            headers: vec![Header::new("content-type", "text/plain")],
            body: b"\x00\xffhello".to_vec(),
        };
        let json = serde_json::to_value(&response).unwrap();
        assert_eq!(json["body"], "AP9oZWxsbw==");
        let back: HttpResponse = serde_json::from_value(json).unwrap();
        assert_eq!(back, response);
    }

    #[test]
    fn requests_round_trip_with_and_without_a_body() {
        for request in [
            HttpRequest::new("GET", "http://example.com/"),
            HttpRequest::new("POST", "http://example.com/")
                .header("a", "b")
                .body("x")
                .timeout_ms(5),
        ] {
            let json = serde_json::to_string(&request).unwrap();
            assert_eq!(serde_json::from_str::<HttpRequest>(&json).unwrap(), request);
        }
    }
}
