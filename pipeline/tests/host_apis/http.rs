//! Outbound HTTP from both probes: allow-list, address rules, redirects,
//! side effects.

use std::sync::Arc;

use serde_json::{Value, json};
use wolfe_host_apis::providers::Providers;
use wolfe_host_apis::providers::http::{HttpConfig, HttpProvider};
use wolfe_testkit::peers::http_echo::HttpEcho;

use crate::support::*;

async fn harness() -> Harness {
    let provider = HttpProvider::new(HttpConfig::default()).unwrap();
    let providers = Providers {
        http: Some(Arc::new(provider)),
        ..Providers::default()
    };
    Harness::start(None, providers).await
}

fn send(method: &str, url: &str, body: Option<&str>) -> Value {
    call(
        "http.send",
        json!({"method": method, "url": url, "headers": [["x-runbook", "probe"]], "body": body, "timeout_ms": 5000}),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn granted_requests_round_trip_from_both_probes() {
    let h = harness().await;
    let echo = HttpEcho::start();
    let granted = grant(json!({"http": [format!("http://127.0.0.1:{}", echo.port())]}));
    for probe in PROBES {
        let calls = [
            send("GET", &echo.url("/status?code=200"), None),
            send("POST", &echo.url("/restart"), Some("{\"broker\":3}")),
        ];
        let run = h.run(probe, &granted, &calls).await;
        let results = run.results();
        let get = ok(&results[0]);
        assert_eq!(get["status"], json!(200), "{probe:?}");
        assert_eq!(get["simulated"], json!(false));
        let echoed: Value = serde_json::from_str(get["body"].as_str().unwrap()).unwrap();
        assert_eq!(echoed["headers"]["x-runbook"], json!("probe"));
        let post = ok(&results[1]);
        let echoed: Value = serde_json::from_str(post["body"].as_str().unwrap()).unwrap();
        assert_eq!(echoed["method"], json!("POST"));
        assert_eq!(echoed["body"], json!("{\"broker\":3}"));
        // Only the POST is a side effect in the audit trail.
        let audit = h.audit(&run.execution_id).await;
        assert_eq!(audit.len(), 1, "{audit:?}");
        assert_eq!(
            audit[0].target,
            format!("POST http://127.0.0.1:{}", echo.port())
        );
        assert_eq!(audit[0].outcome, "succeeded");
    }
    assert_eq!(echo.received().len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hosts_outside_the_grant_redirects_out_of_it_and_loopback_are_refused() {
    let h = harness().await;
    let echo = HttpEcho::start();
    let elsewhere = HttpEcho::start();
    let echo_only = grant(json!({"http": [format!("http://127.0.0.1:{}", echo.port())]}));
    let wildcard = grant(json!({"http": ["http://*:*"]}));
    for probe in PROBES {
        // A host:port not in the grant.
        let run = h
            .run(probe, &echo_only, &[send("GET", &elsewhere.url("/"), None)])
            .await;
        assert_eq!(error_kind(&run.only()), "denied", "{probe:?}: other port");
        // A granted server redirecting to one that is not.
        let to = elsewhere.url("/");
        let redirect = echo.url(&format!("/redirect?to={to}&status=302"));
        let run = h
            .run(probe, &echo_only, &[send("GET", &redirect, None)])
            .await;
        let result = run.only();
        assert_eq!(error_kind(&result), "denied", "{probe:?}: redirect");
        assert!(
            result["error"]["message"]
                .as_str()
                .unwrap()
                .contains("redirect")
        );
        // Loopback is refused unless the grant names it literally.
        let run = h
            .run(probe, &wildcard, &[send("GET", &echo.url("/"), None)])
            .await;
        assert_eq!(
            error_kind(&run.only()),
            "denied",
            "{probe:?}: 127.0.0.1 via wildcard"
        );
        let run = h
            .run(
                probe,
                &wildcard,
                &[send(
                    "GET",
                    "http://169.254.169.254/latest/meta-data/",
                    None,
                )],
            )
            .await;
        assert_eq!(
            error_kind(&run.only()),
            "denied",
            "{probe:?}: metadata endpoint"
        );
        // No grant at all: no network.
        let run = h
            .run(
                probe,
                &Default::default(),
                &[send("GET", &echo.url("/"), None)],
            )
            .await;
        assert_eq!(
            error_kind(&run.only()),
            "denied",
            "{probe:?}: nothing granted"
        );
        let audit = h.audit(&run.execution_id).await;
        assert_eq!(audit[0].outcome, "denied");
    }
    assert!(
        elsewhere.received().is_empty(),
        "nothing reached the refused server"
    );
    let reached: Vec<String> = echo.received().into_iter().map(|r| r.uri).collect();
    assert!(
        reached.iter().all(|uri| uri.starts_with("/redirect")),
        "only the granted redirects reached the granted server: {reached:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_posts_nothing_and_a_retry_does_not_post_twice() {
    let h = harness().await;
    let echo = HttpEcho::start();
    let granted = grant(json!({"http": [format!("http://127.0.0.1:{}", echo.port())]}));
    for probe in PROBES {
        let calls = [send("POST", &echo.url("/scale"), Some("up"))];
        let run = h.dry_run(probe, &granted, &calls).await;
        assert_eq!(ok(&run.only())["simulated"], json!(true), "{probe:?}");
        assert!(
            echo.received().is_empty(),
            "{probe:?}: dry-run sent nothing"
        );

        let id = h.queue(probe, &calls, false).await;
        let first = h.attempt(probe, &id, &calls, &granted, false, 1, 0).await;
        let second = h.attempt(probe, &id, &calls, &granted, false, 2, 0).await;
        assert_eq!(ok(&first.only())["status"], json!(200));
        assert_eq!(
            ok(&second.only()),
            ok(&first.only()),
            "the recorded response"
        );
        assert_eq!(echo.received().len(), 1, "{probe:?}: posted once");
        echo.clear();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_the_remote_echoes_back_is_not_kept_in_the_audit_trail() {
    use wolfe_host_apis::providers::http::HttpResponse;

    const SECRET: &str = "s3cr3t-webhook-token-0451";
    let h = harness().await;
    let cipher = wolfe_store::SecretCipher::from_hex(&"11".repeat(32)).unwrap();
    h.store
        .put_secret(&cipher, &h.team_id, ENV, "webhook-token", SECRET, "test")
        .await
        .unwrap();
    let echo = HttpEcho::start();
    let granted = grant(json!({
        "http": [format!("http://127.0.0.1:{}", echo.port())],
        "secrets": ["webhook-token"],
    }));
    for probe in PROBES {
        let calls = [
            call("secrets.get", json!({"name": "webhook-token"})),
            send("POST", &echo.url("/hook"), Some(&format!("token={SECRET}"))),
        ];
        let run = h.run(probe, &granted, &calls).await;
        let sent = echo.received().pop().unwrap();
        assert!(
            String::from_utf8_lossy(&sent.body).contains(SECRET),
            "the remote got the secret and echoes it"
        );
        let audit = h.audit(&run.execution_id).await;
        assert_eq!(audit.len(), 1, "{probe:?}: the POST");
        // The response is kept for replay with its body as base64, which
        // the JSON redaction cannot see into: decode it.
        let kept = audit[0].result.clone().expect("kept for replay");
        let response: HttpResponse = serde_json::from_value(kept).unwrap();
        let body = String::from_utf8_lossy(&response.body);
        assert!(!body.contains(SECRET), "{probe:?}: {body}");
        assert!(body.contains("token=[redacted]"), "{probe:?}: {body}");
        assert!(!format!("{audit:?}").contains(SECRET));
    }
}
