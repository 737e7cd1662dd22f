//! Outbound HTTP for runbooks (`wolfe:runbook/http`), limited to the
//! runbook's http grant.
//!
//! A call is checked before anything is sent, and again at every redirect:
//!
//! 1. the request's form (method, absolute http(s) URL, headers, timeout):
//!    [`ApiError::Invalid`];
//! 2. the URL's `scheme://host:port` against the grant's patterns (see
//!    [`HttpPattern`]): [`ApiError::Denied`];
//! 3. the host's addresses: a host name is resolved once, and if any
//!    address is loopback, private, link-local (including the cloud
//!    metadata endpoint), CGNAT, multicast, documentation or otherwise not
//!    public unicast, the call is denied unless the matching pattern names
//!    the host literally (`http://127.0.0.1:*`, `http://localhost:8080`):
//!    a wildcard grant never reaches inside the network.
//!
//! The client then connects only to the addresses that were checked: its
//! DNS resolver answers from the check instead of asking DNS again (which
//! could rebind), and environment proxies are ignored. Clients are cached
//! by address set, one shared client serves IP-literal URLs, so a repeated
//! call costs no client construction and reuses keep-alive connections.
//!
//! Redirects are followed here, not by the client: up to `max_redirects`,
//! `Location` resolved against the current URL, each hop re-checked (steps
//! 2 and 3); 303 (and 301/302 after POST) continue as GET without body,
//! 307/308 keep method and body; credentials are dropped when the origin
//! changes. The response body is read up to `max_response_bytes`; the whole
//! call (resolution, redirects, body) runs under one deadline.
//!
//! Errors name the target as `scheme://host:port`, never the path or query
//! (which may hold a token) nor header values.
//!
//! Configuration, TOML section `[providers.http]` (all optional, defaults
//! shown):
//!
//! ```toml
//! [providers.http]
//! default_timeout = "10s"
//! max_timeout = "60s"
//! max_response_bytes = 10485760
//! max_redirects = 5
//! user_agent = "wolfe/0.1.0"
//! ```

mod address;
mod body;
mod clients;
mod config;
mod destination;
mod pattern;
mod prepare;
mod redirect;
mod types;

use reqwest::header::HeaderMap;

pub use config::HttpConfig;
pub use pattern::HttpPattern;
pub use types::{Header, HttpRequest, HttpResponse};

use crate::ApiError;
use clients::Clients;
use pattern::Target;
use prepare::Prepared;

/// Sends runbooks' HTTP requests within their grants. One per process;
/// cheap to share (`Arc`) between executions.
pub struct HttpProvider {
    config: HttpConfig,
    clients: Clients,
}

impl HttpProvider {
    /// Fails only if the configured user agent is not a valid header value
    /// or the TLS backend cannot start.
    pub fn new(config: HttpConfig) -> Result<Self, ApiError> {
        reqwest::header::HeaderValue::from_str(&config.user_agent).map_err(|_| {
            ApiError::Invalid("providers.http.user_agent is not a valid header value".into())
        })?;
        let clients = Clients::new(&config.user_agent)?;
        Ok(Self { config, clients })
    }

    pub fn config(&self) -> &HttpConfig {
        &self.config
    }

    /// Whether `method` may change something remotely: everything but GET
    /// and HEAD (the glue simulates these in dry-run mode).
    pub fn is_side_effecting(method: &str) -> bool {
        !(method.eq_ignore_ascii_case("GET") || method.eq_ignore_ascii_case("HEAD"))
    }

    /// Sends `request` if `allowed` (the runbook's http grant) permits it
    /// and every redirect it leads to.
    pub async fn send(
        &self,
        allowed: &[String],
        request: HttpRequest,
    ) -> Result<HttpResponse, ApiError> {
        let prepared = prepare::prepare(request, &self.config)?;
        let timeout = prepared.timeout;
        let what = format!("{} {}", prepared.method, prepared.target);
        tokio::time::timeout(timeout, self.follow(allowed, prepared))
            .await
            .unwrap_or_else(|_| {
                Err(ApiError::Unavailable(format!(
                    "{what} timed out after {} ms",
                    timeout.as_millis()
                )))
            })
    }

    /// Every check `send` makes before sending (URL form, grant, address
    /// rules, with DNS resolution), and nothing sent: for dry runs. Where a
    /// redirect would lead cannot be known without sending.
    pub async fn authorize(&self, allowed: &[String], url: &str) -> Result<(), ApiError> {
        let (_, target) = prepare::parse_url(url)?;
        self.check_in_time(allowed, &target, self.config.default_timeout)
            .await
            .map(drop)
    }

    /// [`authorize`](Self::authorize) plus the checks of the rest of the
    /// request (method, headers, timeout).
    pub async fn authorize_request(
        &self,
        allowed: &[String],
        request: HttpRequest,
    ) -> Result<(), ApiError> {
        let prepared = prepare::prepare(request, &self.config)?;
        self.check_in_time(allowed, &prepared.target, prepared.timeout)
            .await
            .map(drop)
    }

    async fn check_in_time(
        &self,
        allowed: &[String],
        target: &Target,
        timeout: std::time::Duration,
    ) -> Result<destination::Destination, ApiError> {
        tokio::time::timeout(timeout, destination::check(allowed, target, None))
            .await
            .unwrap_or_else(|_| {
                Err(ApiError::Unavailable(format!(
                    "resolving {target} timed out after {} ms",
                    timeout.as_millis()
                )))
            })
    }

    async fn follow(
        &self,
        allowed: &[String],
        request: Prepared,
    ) -> Result<HttpResponse, ApiError> {
        let Prepared {
            mut method,
            mut url,
            mut target,
            mut headers,
            mut body,
            ..
        } = request;
        let mut redirected_from: Option<Target> = None;
        let mut redirects = 0;
        loop {
            let destination =
                destination::check(allowed, &target, redirected_from.as_ref()).await?;
            let client = self.clients.for_destination(&destination)?;
            let mut builder = client
                .request(method.clone(), url.clone())
                .headers(headers.clone());
            if let Some(body) = &body {
                builder = builder.body(body.clone());
            }
            let response = builder.send().await.map_err(|e| send_error(e, &target))?;

            let next = redirect::next_hop(
                response.status(),
                response.headers(),
                &url,
                &target,
                &method,
            );
            let Some(next) = next else {
                return self.answer(response, &target).await;
            };
            let next = next?;
            if redirects == self.config.max_redirects {
                return Err(ApiError::Unavailable(format!(
                    "{target} redirected more than {} times",
                    self.config.max_redirects
                )));
            }
            redirects += 1;
            redirect::headers_for_next_hop(&mut headers, next.keep_body, &target, &next.target);
            if !next.keep_body {
                body = None;
            }
            method = next.method;
            url = next.url;
            redirected_from = Some(std::mem::replace(&mut target, next.target));
        }
    }

    async fn answer(
        &self,
        response: reqwest::Response,
        target: &Target,
    ) -> Result<HttpResponse, ApiError> {
        let status = response.status().as_u16();
        let headers = response_headers(response.headers());
        let body = body::read_capped(response, self.config.max_response_bytes, target).await?;
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }
}

fn response_headers(headers: &HeaderMap) -> Vec<Header> {
    headers
        .iter()
        .map(|(name, value)| {
            Header::new(
                name.as_str(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect()
}

fn send_error(error: reqwest::Error, target: &Target) -> ApiError {
    let what = if error.is_connect() {
        format!("cannot connect to {target}")
    } else {
        format!("request to {target} failed")
    };
    // Without the URL: its path or query may hold a token.
    ApiError::Unavailable(format!("{what}: {}", error_chain(&error.without_url())))
}

/// An error and its sources, `: `-separated (reqwest's own message is
/// generic; the cause is at the end of the chain).
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.ends_with(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
