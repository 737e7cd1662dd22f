//! Validation of a runbook's request before anything is resolved or sent.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, Url};

use super::HttpConfig;
use super::pattern::Target;
use super::types::HttpRequest;
use crate::ApiError;

/// A request in the client's terms, checked for form (not yet for the grant).
#[derive(Debug)]
pub(super) struct Prepared {
    pub method: Method,
    pub url: Url,
    pub target: Target,
    pub headers: HeaderMap,
    pub body: Option<Vec<u8>>,
    pub timeout: Duration,
}

/// Headers the host derives itself: `Host` from the URL (the grant is
/// about the URL's host, so a runbook may not address another virtual
/// host), and the body's framing from the body.
const RESERVED_HEADERS: [&str; 3] = ["host", "content-length", "transfer-encoding"];

pub(super) fn prepare(request: HttpRequest, config: &HttpConfig) -> Result<Prepared, ApiError> {
    let method = parse_method(&request.method)?;
    let (url, target) = parse_url(&request.url)?;
    let mut headers = HeaderMap::with_capacity(request.headers.len());
    for header in &request.headers {
        let name = HeaderName::from_bytes(header.name.as_bytes())
            .map_err(|_| ApiError::Invalid(format!("invalid header name {:?}", header.name)))?;
        if RESERVED_HEADERS.contains(&name.as_str()) {
            return Err(ApiError::Invalid(format!(
                "header {name} is set by the host, not the runbook"
            )));
        }
        // The value may be a credential: name the header, never the value.
        let value = HeaderValue::from_str(&header.value)
            .map_err(|_| ApiError::Invalid(format!("invalid value for header {name}")))?;
        headers.append(name, value);
    }
    let timeout = match request.timeout_ms {
        None => config.default_timeout,
        Some(0) => return Err(ApiError::Invalid("timeout-ms must be positive".into())),
        Some(ms) => Duration::from_millis(ms.into()).min(config.max_timeout),
    };
    Ok(Prepared {
        method,
        url,
        target,
        headers,
        body: request.body,
        timeout,
    })
}

/// Standard methods in any case; other tokens as given. `CONNECT` would
/// open a tunnel the grant cannot see into.
pub(super) fn parse_method(method: &str) -> Result<Method, ApiError> {
    let upper = method.to_ascii_uppercase();
    let standard = [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
        Method::OPTIONS,
        Method::TRACE,
    ];
    if let Some(m) = standard.into_iter().find(|m| m.as_str() == upper) {
        return Ok(m);
    }
    if upper == "CONNECT" {
        return Err(ApiError::Invalid("method CONNECT is not supported".into()));
    }
    Method::from_bytes(method.as_bytes())
        .map_err(|_| ApiError::Invalid(format!("invalid HTTP method {method:?}")))
}

/// An absolute http(s) URL and its target. The URL itself is not quoted in
/// errors: its path or query may hold a token.
pub(super) fn parse_url(url: &str) -> Result<(Url, Target), ApiError> {
    let parsed = Url::parse(url).map_err(|e| ApiError::Invalid(format!("invalid URL: {e}")))?;
    let target = Target::of(&parsed).ok_or_else(|| {
        ApiError::Invalid(format!(
            "unsupported URL scheme {:?}: only http and https",
            parsed.scheme()
        ))
    })?;
    Ok((parsed, target))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::http::Header;

    fn prepared(request: HttpRequest) -> Result<Prepared, ApiError> {
        prepare(request, &HttpConfig::default())
    }

    fn invalid(request: HttpRequest) -> String {
        match prepared(request) {
            Err(ApiError::Invalid(message)) => message,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn methods_are_upper_cased_and_validated() {
        let ok = |m: &str| prepared(HttpRequest::new(m, "http://h/")).unwrap().method;
        assert_eq!(ok("get"), Method::GET);
        assert_eq!(ok("Post"), Method::POST);
        assert_eq!(ok("PURGE").as_str(), "PURGE");
        assert!(invalid(HttpRequest::new("", "http://h/")).contains("method"));
        assert!(invalid(HttpRequest::new("GE T", "http://h/")).contains("GE T"));
        assert!(invalid(HttpRequest::new("connect", "http://h/")).contains("CONNECT"));
    }

    #[test]
    fn urls_must_be_absolute_http_or_https() {
        assert!(invalid(HttpRequest::new("GET", "/relative")).contains("invalid URL"));
        assert!(invalid(HttpRequest::new("GET", "http://")).contains("invalid URL"));
        assert!(invalid(HttpRequest::new("GET", "ftp://h/")).contains("\"ftp\""));
        assert!(invalid(HttpRequest::new("GET", "file:///etc/passwd")).contains("\"file\""));
    }

    #[test]
    fn headers_are_validated_without_echoing_values() {
        let mut request = HttpRequest::new("GET", "http://h/");
        request.headers.push(Header::new("bad name", "x"));
        assert!(invalid(request).contains("bad name"));
        let message = invalid(HttpRequest::new("GET", "http://h/").header("x-token", "s3cr\net"));
        assert!(
            message.contains("x-token") && !message.contains("s3cr"),
            "{message}"
        );
        assert!(
            invalid(HttpRequest::new("GET", "http://h/").header("Host", "other")).contains("host")
        );
        let message = invalid(HttpRequest::new("GET", "http://h/").header("Content-Length", "1"));
        assert!(message.contains("content-length"), "{message}");
    }

    #[test]
    fn timeouts_default_and_are_capped() {
        let config = HttpConfig::default();
        let timeout = |r: HttpRequest| prepared(r).unwrap().timeout;
        assert_eq!(
            timeout(HttpRequest::new("GET", "http://h/")),
            config.default_timeout
        );
        assert_eq!(
            timeout(HttpRequest::new("GET", "http://h/").timeout_ms(1500)),
            Duration::from_millis(1500)
        );
        assert_eq!(
            timeout(HttpRequest::new("GET", "http://h/").timeout_ms(u32::MAX)),
            config.max_timeout
        );
        assert!(invalid(HttpRequest::new("GET", "http://h/").timeout_ms(0)).contains("timeout"));
    }
}
