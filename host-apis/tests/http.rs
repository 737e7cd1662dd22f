//! The http provider against loopback echo servers: grants, address rules,
//! redirects, limits and errors.

use std::time::{Duration, Instant};

use reqwest::Url;
use serde_json::Value;
use wolfe_host_apis::ApiError;
use wolfe_host_apis::providers::http::{HttpConfig, HttpProvider, HttpRequest, HttpResponse};
use wolfe_testkit::peers::http_echo::HttpEcho;
use wolfe_testkit::process::free_port;

fn provider() -> HttpProvider {
    provider_with(HttpConfig::default())
}

fn provider_with(config: HttpConfig) -> HttpProvider {
    HttpProvider::new(config).unwrap()
}

fn grant(patterns: &[&str]) -> Vec<String> {
    patterns.iter().map(|p| p.to_string()).collect()
}

/// The grant naming exactly this server.
fn grant_of(server: &HttpEcho) -> Vec<String> {
    vec![format!("http://127.0.0.1:{}", server.port())]
}

fn json(response: &HttpResponse) -> Value {
    serde_json::from_slice(&response.body).unwrap()
}

fn denied(result: Result<impl std::fmt::Debug, ApiError>) -> String {
    match result {
        Err(ApiError::Denied(message)) => message,
        other => panic!("expected Denied, got {other:?}"),
    }
}

fn unavailable(result: Result<impl std::fmt::Debug, ApiError>) -> String {
    match result {
        Err(ApiError::Unavailable(message)) => message,
        other => panic!("expected Unavailable, got {other:?}"),
    }
}

fn invalid(result: Result<impl std::fmt::Debug, ApiError>) -> String {
    match result {
        Err(ApiError::Invalid(message)) => message,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

/// `base/redirect?to=TO&status=STATUS`, with `to` escaped.
fn redirect_url(server: &HttpEcho, to: &str, status: u16) -> String {
    let mut url = Url::parse(&server.url("/redirect")).unwrap();
    url.query_pairs_mut()
        .append_pair("to", to)
        .append_pair("status", &status.to_string());
    url.into()
}

#[tokio::test]
async fn a_granted_get_round_trips_status_headers_and_body() {
    let server = HttpEcho::start();
    let request = HttpRequest::new("GET", server.url("/hello?x=1")).header("X-Test", "yes");
    let response = provider().send(&grant_of(&server), request).await.unwrap();

    assert_eq!(response.status, 200);
    assert_eq!(response.header("x-echo"), Some("wolfe"));
    assert_eq!(response.header("Content-Type"), Some("application/json"));
    let echo = json(&response);
    assert_eq!(echo["method"], "GET");
    assert_eq!(echo["path"], "/hello");
    assert_eq!(echo["query"], "x=1");
    assert_eq!(echo["headers"]["x-test"], "yes");
    let user_agent = echo["headers"]["user-agent"].as_str().unwrap();
    assert!(user_agent.starts_with("wolfe/"), "{user_agent}");
}

#[tokio::test]
async fn a_granted_post_sends_its_body_and_headers() {
    let server = HttpEcho::start();
    let request = HttpRequest::new("post", server.url("/items"))
        .header("Content-Type", "application/json")
        .header("X-Multi", "a")
        .header("X-Multi", "b")
        .body(r#"{"id":1}"#);
    let response = provider().send(&grant_of(&server), request).await.unwrap();

    assert_eq!(response.status, 200);
    let echo = json(&response);
    assert_eq!(echo["method"], "POST");
    assert_eq!(echo["body"], r#"{"id":1}"#);
    assert_eq!(echo["headers"]["content-type"], "application/json");
    assert_eq!(echo["headers"]["x-multi"], "a, b");
}

#[tokio::test]
async fn error_statuses_are_responses_not_errors() {
    let server = HttpEcho::start();
    let request = HttpRequest::new("GET", server.url("/status?code=503"));
    let response = provider().send(&grant_of(&server), request).await.unwrap();
    assert_eq!(response.status, 503);
}

#[tokio::test]
async fn a_host_not_in_the_grant_is_denied_before_anything_is_sent() {
    let server = HttpEcho::start();
    let other_port = free_port().unwrap();
    let allowed = grant(&[
        &format!("http://127.0.0.1:{other_port}"),
        "https://*.example.com",
    ]);
    let url = server.url("/hooks/T0SECRET?token=T1SECRET");

    let message = denied(
        provider()
            .send(&allowed, HttpRequest::new("GET", &url))
            .await,
    );
    let target = format!("http://127.0.0.1:{}", server.port());
    assert!(message.contains(&target), "{message}");
    assert!(
        message.contains("not in the runbook's http grant"),
        "{message}"
    );
    assert!(
        !message.contains("SECRET"),
        "the path and query stay out: {message}"
    );
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn an_empty_grant_denies_every_call() {
    let server = HttpEcho::start();
    let message = denied(
        provider()
            .send(&[], HttpRequest::new("GET", server.url("/")))
            .await,
    );
    assert!(message.contains("no network granted"), "{message}");
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn malformed_grant_patterns_match_nothing_and_are_mentioned() {
    let server = HttpEcho::start();
    let allowed = grant(&[&format!("127.0.0.1:{}", server.port())]);
    let message = denied(
        provider()
            .send(&allowed, HttpRequest::new("GET", server.url("/")))
            .await,
    );
    assert!(message.contains("ignored"), "{message}");
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn a_redirect_to_a_host_outside_the_grant_is_denied() {
    let granted = HttpEcho::start();
    let elsewhere = HttpEcho::start();
    let url = redirect_url(&granted, &elsewhere.url("/secret"), 302);

    let message = denied(
        provider()
            .send(&grant_of(&granted), HttpRequest::new("GET", url))
            .await,
    );
    assert!(message.contains("redirect"), "{message}");
    let target = format!("http://127.0.0.1:{}", elsewhere.port());
    assert!(message.contains(&target), "{message}");
    assert_eq!(granted.received().len(), 1);
    assert!(elsewhere.received().is_empty());
}

#[tokio::test]
async fn a_redirect_to_the_metadata_endpoint_is_denied_under_a_wildcard_grant() {
    let server = HttpEcho::start();
    let url = redirect_url(&server, "http://169.254.169.254/latest/meta-data/", 302);
    let allowed = grant(&[&format!("http://127.0.0.1:{}", server.port()), "http://*:*"]);
    let message = denied(
        provider()
            .send(&allowed, HttpRequest::new("GET", url))
            .await,
    );
    assert!(
        message.contains("redirect") && message.contains("link-local"),
        "{message}"
    );
}

#[tokio::test]
async fn a_303_after_post_is_followed_as_a_get_without_body() {
    let server = HttpEcho::start();
    let request = HttpRequest::new("POST", redirect_url(&server, "/landed", 303))
        .header("Content-Type", "text/plain")
        .body("payload");
    let response = provider().send(&grant_of(&server), request).await.unwrap();

    let echo = json(&response);
    assert_eq!(echo["method"], "GET");
    assert_eq!(echo["path"], "/landed");
    assert_eq!(echo["body"], "");
    assert!(echo["headers"].get("content-type").is_none(), "{echo}");
    let received = server.received();
    assert_eq!(received.len(), 2);
    assert_eq!(
        (received[0].method.as_str(), received[0].body.as_slice()),
        ("POST", &b"payload"[..])
    );
}

#[tokio::test]
async fn a_302_after_post_continues_as_get() {
    let server = HttpEcho::start();
    let request = HttpRequest::new("POST", redirect_url(&server, "/landed", 302)).body("payload");
    let response = provider().send(&grant_of(&server), request).await.unwrap();
    let echo = json(&response);
    assert_eq!(
        (echo["method"].as_str(), echo["body"].as_str()),
        (Some("GET"), Some(""))
    );
}

#[tokio::test]
async fn a_307_to_another_granted_origin_keeps_method_and_body_but_not_credentials() {
    let first = HttpEcho::start();
    let second = HttpEcho::start();
    let allowed = grant(&["http://127.0.0.1:*"]);
    let request = HttpRequest::new("PUT", redirect_url(&first, &second.url("/moved"), 307))
        .header("Authorization", "Bearer token")
        .header("X-Kept", "1")
        .body("payload");
    let response = provider().send(&allowed, request).await.unwrap();

    let echo = json(&response);
    assert_eq!(echo["method"], "PUT");
    assert_eq!(echo["path"], "/moved");
    assert_eq!(echo["body"], "payload");
    assert_eq!(echo["headers"]["x-kept"], "1");
    assert!(echo["headers"].get("authorization").is_none(), "{echo}");
    assert_eq!(first.received()[0].headers["authorization"], "Bearer token");
}

#[tokio::test]
async fn redirects_beyond_the_maximum_are_unavailable() {
    let server = HttpEcho::start();
    // Three redirects, then the echo.
    let mut url = server.url("/end");
    for _ in 0..3 {
        url = redirect_url(&server, &url, 302);
    }
    let allowed = grant_of(&server);
    let limited = provider_with(HttpConfig {
        max_redirects: 2,
        ..HttpConfig::default()
    });
    let message = unavailable(limited.send(&allowed, HttpRequest::new("GET", &url)).await);
    assert!(message.contains("more than 2"), "{message}");
    assert_eq!(server.received().len(), 3);

    let enough = provider_with(HttpConfig {
        max_redirects: 3,
        ..HttpConfig::default()
    });
    let response = enough
        .send(&allowed, HttpRequest::new("GET", &url))
        .await
        .unwrap();
    assert_eq!(json(&response)["path"], "/end");
}

#[tokio::test]
async fn loopback_needs_a_pattern_naming_it() {
    let server = HttpEcho::start();
    let request = || HttpRequest::new("GET", server.url("/"));

    for wildcard in ["http://*:*", &format!("http://*:{}", server.port())] {
        let message = denied(provider().send(&grant(&[wildcard]), request()).await);
        assert!(message.contains("loopback"), "{message}");
        assert!(message.contains("literally"), "{message}");
    }
    assert!(server.received().is_empty());

    let named = grant(&["http://*:*", "http://127.0.0.1:*"]);
    assert_eq!(
        provider().send(&named, request()).await.unwrap().status,
        200
    );
}

#[tokio::test]
async fn localhost_needs_a_pattern_naming_it() {
    let server = HttpEcho::start();
    let url = format!("http://localhost:{}/", server.port());

    let message = denied(
        provider()
            .send(&grant(&["http://*:*"]), HttpRequest::new("GET", &url))
            .await,
    );
    assert!(
        message.contains("resolves to") && message.contains("loopback"),
        "{message}"
    );
    assert!(server.received().is_empty());

    let named = grant(&["http://localhost:*"]);
    let response = provider()
        .send(&named, HttpRequest::new("GET", &url))
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(
        json(&response)["headers"]["host"],
        format!("localhost:{}", server.port())
    );
}

#[tokio::test]
async fn the_metadata_endpoint_and_private_ranges_are_refused_without_connecting() {
    let allowed = grant(&["http://*:*"]);
    for (url, why) in [
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[::ffff:169.254.169.254]/", "link-local"),
        ("http://10.1.2.3:8080/", "private"),
        ("http://100.64.0.1/", "carrier-grade NAT"),
        ("http://[::1]:8080/", "loopback"),
        ("http://0.0.0.0:8080/", "unspecified"),
        ("http://2130706433/", "loopback"),
    ] {
        let started = Instant::now();
        let message = denied(
            provider()
                .send(&allowed, HttpRequest::new("GET", url))
                .await,
        );
        assert!(message.contains(why), "{url}: {message}");
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{url} was not refused up front"
        );
    }
}

#[tokio::test]
async fn a_response_over_the_cap_is_too_large() {
    let server = HttpEcho::start();
    let capped = provider_with(HttpConfig {
        max_response_bytes: 1000,
        ..HttpConfig::default()
    });
    let allowed = grant_of(&server);
    let get = |path: &str| HttpRequest::new("GET", server.url(path));

    let exact = capped.send(&allowed, get("/bytes?n=1000")).await.unwrap();
    assert_eq!(exact.body.len(), 1000);
    let streamed = capped
        .send(&allowed, get("/bytes?n=1000&chunked=true"))
        .await
        .unwrap();
    assert_eq!(streamed.body.len(), 1000);

    for path in ["/bytes?n=1001", "/bytes?n=100000&chunked=true"] {
        match capped.send(&allowed, get(path)).await {
            Err(ApiError::TooLarge(message)) => {
                assert!(message.contains("1000 bytes"), "{message}")
            }
            other => panic!("{path}: expected TooLarge, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_slow_server_times_out() {
    let server = HttpEcho::start();
    let request = HttpRequest::new("GET", server.url("/delay?ms=3000")).timeout_ms(200);
    let started = Instant::now();
    let message = unavailable(provider().send(&grant_of(&server), request).await);
    assert!(message.contains("timed out after 200 ms"), "{message}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn a_runbook_timeout_is_capped_at_the_maximum() {
    let server = HttpEcho::start();
    let capped = provider_with(HttpConfig {
        max_timeout: Duration::from_millis(300),
        ..HttpConfig::default()
    });
    let request = HttpRequest::new("GET", server.url("/delay?ms=3000")).timeout_ms(60_000);
    let message = unavailable(capped.send(&grant_of(&server), request).await);
    assert!(message.contains("timed out after 300 ms"), "{message}");
}

#[tokio::test]
async fn a_refused_connection_is_unavailable_naming_the_target() {
    let port = free_port().unwrap();
    let url = format!("http://127.0.0.1:{port}/x");
    let message = unavailable(
        provider()
            .send(
                &grant(&["http://127.0.0.1:*"]),
                HttpRequest::new("GET", url),
            )
            .await,
    );
    assert!(
        message.contains(&format!("cannot connect to http://127.0.0.1:{port}")),
        "{message}"
    );
}

#[tokio::test]
async fn an_unresolvable_host_is_unavailable() {
    let request = HttpRequest::new("GET", "http://no-such-host.invalid/").timeout_ms(5000);
    let message = unavailable(provider().send(&grant(&["http://*:*"]), request).await);
    assert!(message.contains("no-such-host.invalid"), "{message}");
}

#[tokio::test]
async fn malformed_requests_are_invalid() {
    let allowed = grant(&["http://*:*"]);
    let provider = provider();
    for (request, expected) in [
        (HttpRequest::new("GET", "not a url"), "invalid URL"),
        (HttpRequest::new("GET", "ftp://127.0.0.1/"), "ftp"),
        (HttpRequest::new("GE T", "http://127.0.0.1/"), "method"),
        (HttpRequest::new("", "http://127.0.0.1/"), "method"),
        (
            HttpRequest::new("GET", "http://127.0.0.1/").header("bad header", "x"),
            "header",
        ),
    ] {
        let message = invalid(provider.send(&allowed, request).await);
        assert!(message.contains(expected), "{message}");
    }
}

#[tokio::test]
async fn authorize_checks_everything_and_sends_nothing() {
    let server = HttpEcho::start();
    let provider = provider();
    let url = server.url("/would-post");

    provider.authorize(&grant_of(&server), &url).await.unwrap();
    let localhost = format!("http://localhost:{}/", server.port());
    provider
        .authorize(&grant(&["http://localhost:*"]), &localhost)
        .await
        .unwrap();
    denied(provider.authorize(&[], &url).await);
    denied(provider.authorize(&grant(&["http://*:*"]), &url).await);
    denied(
        provider
            .authorize(&grant(&["http://*:*"]), &localhost)
            .await,
    );
    invalid(provider.authorize(&grant_of(&server), "nonsense").await);
    let bad_method = HttpRequest::new("GE T", &url);
    invalid(
        provider
            .authorize_request(&grant_of(&server), bad_method)
            .await,
    );
    let post = HttpRequest::new("POST", &url).body("x");
    provider
        .authorize_request(&grant_of(&server), post)
        .await
        .unwrap();

    assert!(server.received().is_empty());
}

#[test]
fn only_get_and_head_are_free_of_side_effects() {
    for method in ["GET", "get", "HEAD", "head"] {
        assert!(!HttpProvider::is_side_effecting(method), "{method}");
    }
    for method in ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PURGE"] {
        assert!(HttpProvider::is_side_effecting(method), "{method}");
    }
}

#[test]
fn the_config_reads_from_toml_with_defaults() {
    let config: HttpConfig = toml_from(
        r#"
        default_timeout = "2s"
        max_response_bytes = 1024
        "#,
    );
    assert_eq!(config.default_timeout, Duration::from_secs(2));
    assert_eq!(config.max_timeout, Duration::from_secs(60));
    assert_eq!(config.max_response_bytes, 1024);
    assert_eq!(config.max_redirects, 5);
    let back: HttpConfig = toml_from(&toml::to_string(&config).unwrap());
    assert_eq!(back, config);
    assert!(toml::from_str::<HttpConfig>("unknown = 1").is_err());
}

fn toml_from(text: &str) -> HttpConfig {
    toml::from_str(text).unwrap()
}
