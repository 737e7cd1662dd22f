//! The executions list (filters, cursor pages), one execution in full, and
//! its logs as server-sent events.

use std::collections::HashSet;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{Value, json};
use tower::ServiceExt;
use wolfe_store::{HostCall, NewExecution, Role};

use crate::harness::{Harness, code, message};

async fn list(h: &Harness, query: &str) -> (StatusCode, Value) {
    h.alpha(
        Role::Viewer,
        Method::GET,
        &format!("/api/v1/executions{query}"),
        None,
    )
    .await
}

/// Every page of a query, following `next_cursor`.
async fn all_pages(h: &Harness, query: &str) -> Vec<Vec<Value>> {
    let mut pages = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let separator = if query.is_empty() { "?" } else { "&" };
        let uri = match &cursor {
            Some(c) => format!("{query}{separator}cursor={c}"),
            None => query.to_owned(),
        };
        let (status, page) = list(h, &uri).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        pages.push(page["items"].as_array().unwrap().clone());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return pages,
        }
    }
}

pub async fn executions_filter_and_page_by_cursor(h: Harness) {
    // The harness queued one in dev; add 24 more in dev and 10 in test,
    // cancel every third of dev's.
    let mut dev = vec![h.execution_id.clone()];
    for (environment, count) in [("dev", 24), ("test", 10)] {
        for i in 0..count {
            let new = NewExecution {
                runbook_id: h.checkout_id.clone(),
                rule_id: None,
                trigger_event_id: None,
                params: json!({"i": i}),
                dry_run: false,
                event_ids: vec![],
                correlation: None,
            };
            let id = h.store.enqueue(environment, &new).await.unwrap().unwrap();
            if environment == "dev" {
                dev.push(id);
            }
        }
    }
    let cancelled: Vec<&String> = dev.iter().step_by(3).collect();
    for id in &cancelled {
        assert!(h.store.cancel(id).await.unwrap());
    }

    let pages = all_pages(&h, "?limit=10").await;
    assert_eq!(
        pages.iter().map(Vec::len).collect::<Vec<_>>(),
        vec![10, 10, 10, 5]
    );
    let rows: Vec<&Value> = pages.iter().flatten().collect();
    let ids: HashSet<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 35, "no row twice across pages");
    let keys: Vec<(i64, &str)> = rows
        .iter()
        .map(|r| (r["queued_at"].as_i64().unwrap(), r["id"].as_str().unwrap()))
        .collect();
    assert!(
        keys.windows(2).all(|w| w[0] > w[1]),
        "newest first, strictly"
    );

    let test_only: usize = all_pages(&h, "?environment=test&limit=4")
        .await
        .iter()
        .map(Vec::len)
        .sum();
    assert_eq!(test_only, 10);
    let (_, page) = list(&h, "?status=cancelled&limit=500").await;
    let got: HashSet<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(got, cancelled.iter().map(|s| s.as_str()).collect());
    let (_, page) = list(&h, "?runbook=checkout&environment=dev&status=queued").await;
    assert_eq!(
        page["items"].as_array().unwrap().len(),
        25 - cancelled.len()
    );

    // Time range: since is inclusive, until exclusive.
    let newest = keys[0].0;
    let (_, page) = list(&h, &format!("?since={newest}&limit=500")).await;
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["queued_at"].as_i64().unwrap() >= newest)
    );
    let (_, page) = list(&h, &format!("?until={newest}&limit=500")).await;
    assert_eq!(
        page["items"].as_array().unwrap().len(),
        keys.iter().filter(|k| k.0 < newest).count()
    );

    // Another team sees none of them, and cannot filter by alpha's runbook.
    let (_, beta) = h
        .call(
            Method::GET,
            "/api/v1/executions",
            Some(h.token("beta", Role::Viewer)),
            None,
        )
        .await;
    assert_eq!(beta["items"], json!([]));
    let (status, _) = h
        .call(
            Method::GET,
            "/api/v1/executions?runbook=checkout",
            Some(h.token("beta", Role::Viewer)),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    for (query, fragment) in [
        ("?limit=0", "limit must be between 1 and 500"),
        ("?limit=many", "limit"),
        ("?cursor=garbage", "cursor \"garbage\""),
        ("?colour=red", "unknown field `colour`"),
        ("?environment=staging", "unknown environment"),
        ("?since=10&until=5", "must be before until"),
    ] {
        let (status, error) = list(&h, query).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {error}");
        assert_eq!(code(&error), "invalid_request");
        assert!(message(&error).contains(fragment), "{query}: {error}");
    }
    h.stop().await;
}

pub async fn execution_detail_has_attempts_events_logs_and_host_calls(mut h: Harness) {
    h.start_engine();
    let (status, run) = h
        .alpha(Role::Author, Method::POST, "/api/v1/runbooks/checkout/runs",
               Some(json!({"environment": "dev", "payload": {"alert": "disk"}, "params": {"mode": "log_flood", "lines": 3}})))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{run}");
    let id = run["execution_id"].as_str().unwrap().to_owned();
    h.finished(&id).await;
    h.store
        .record_host_call(&HostCall {
            execution_id: id.clone(),
            attempt: 1,
            seq: 0,
            at: 0,
            interface: "kv".into(),
            operation: "set".into(),
            target: "runbook/alpha/checkout/dev:last".into(),
            outcome: "succeeded".into(),
            error: None,
            side_effect: true,
            idempotency_key: Some(format!("{id}:0")),
            result: None,
            duration_us: 120,
        })
        .await
        .unwrap();

    let (status, detail) = h
        .alpha(
            Role::Viewer,
            Method::GET,
            &format!("/api/v1/executions/{id}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["status"], "succeeded", "{detail}");
    assert_eq!(detail["output"], "flooded");
    assert_eq!(detail["logs"].as_array().unwrap().len(), 3);
    assert_eq!(detail["attempts"][0]["outcome"], "succeeded");
    assert_eq!(detail["events"][0]["payload"], json!({"alert": "disk"}));
    assert_eq!(detail["events"][0]["source"], "manual");
    let call = &detail["host_calls"][0];
    assert_eq!(
        (
            call["interface"].clone(),
            call["operation"].clone(),
            call["outcome"].clone()
        ),
        (json!("kv"), json!("set"), json!("succeeded"))
    );
    assert!(detail["fuel_consumed"].as_i64().unwrap() > 0);
    assert!(detail["duration_ms"].as_i64().is_some());
    h.stop().await;
}

pub async fn logs_stream_as_server_sent_events_until_the_end(mut h: Harness) {
    let (_, run) = h
        .alpha(
            Role::Author,
            Method::POST,
            "/api/v1/runbooks/checkout/runs",
            Some(json!({"environment": "dev", "params": {"mode": "log_flood", "lines": 3}})),
        )
        .await;
    let id = run["execution_id"].as_str().unwrap().to_owned();
    // Subscribe while it is still queued, then let it run.
    let request = Request::get(format!("/api/v1/executions/{id}/logs/stream"))
        .header(
            "authorization",
            format!("Bearer {}", h.token("alpha", Role::Viewer)),
        )
        .body(Body::empty())
        .unwrap();
    let response = h.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    h.start_engine();
    let body = tokio::time::timeout(
        std::time::Duration::from_secs(120),
        axum::body::to_bytes(response.into_body(), 1 << 20),
    )
    .await
    .expect("the stream ends when the execution does")
    .unwrap();
    let text = String::from_utf8(body.to_vec()).unwrap();
    let events: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("event: "))
        .collect();
    assert_eq!(events.first(), Some(&"status"), "{text}");
    assert_eq!(events.iter().filter(|e| **e == "log").count(), 3, "{text}");
    assert_eq!(events.last(), Some(&"end"), "{text}");
    assert!(text.contains("\"status\":\"queued\""), "{text}");
    assert!(text.contains("data: {\"status\":\"succeeded\"}"), "{text}");
    assert!(
        text.contains("id: 1:0"),
        "log records carry attempt:seq ids: {text}"
    );

    let (status, _) = h
        .call(
            Method::GET,
            &format!("/api/v1/executions/{id}/logs/stream"),
            Some(h.token("beta", Role::Admin)),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    h.stop().await;
}
