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
    // The log quota keeps 3 of the 5 lines; the detail says what it dropped.
    let (status, _) = h
        .alpha(
            Role::Operator,
            Method::PUT,
            "/api/v1/runbooks/checkout/quotas",
            Some(
                json!({"max_attempts": 3, "concurrency_limit": 4, "quotas": {"max_log_lines": 3}}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, run) = h
        .alpha(Role::Author, Method::POST, "/api/v1/runbooks/checkout/runs",
               Some(json!({"environment": "dev", "payload": {"alert": "disk"}, "params": {"mode": "log_flood", "lines": 5}})))
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
    assert_eq!(detail["attempts"][0]["log_dropped"]["lines"], 2, "{detail}");
    assert!(
        detail["attempts"][0]["log_dropped"]["bytes"]
            .as_i64()
            .unwrap()
            > 0
    );
    assert_eq!(detail["attempts"][0]["stopped_at"], Value::Null);
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

/// A server-sent event stream read event by event, as a browser does.
struct EventStream {
    body: axum::body::BodyDataStream,
    buffer: String,
}

/// One event: its name, data and id.
#[derive(Debug, Clone, PartialEq)]
struct Sse {
    event: String,
    data: Value,
    id: Option<String>,
}

impl EventStream {
    async fn open(h: &Harness, id: &str) -> Self {
        let request = Request::get(format!("/api/v1/executions/{id}/logs/stream"))
            .header(
                "authorization",
                format!("Bearer {}", h.token("alpha", Role::Viewer)),
            )
            .body(Body::empty())
            .unwrap();
        let response = h.router.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        Self {
            body: response.into_body().into_data_stream(),
            buffer: String::new(),
        }
    }

    /// The next event; `None` once the stream has ended.
    async fn next(&mut self) -> Option<Sse> {
        use futures_util::StreamExt;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let frame: String = self.buffer.drain(..end + 2).collect();
                let mut event = None;
                let mut data = String::new();
                let mut id = None;
                for line in frame.lines() {
                    if let Some(name) = line.strip_prefix("event: ") {
                        event = Some(name.to_owned());
                    } else if let Some(text) = line.strip_prefix("data: ") {
                        data.push_str(text);
                    } else if let Some(text) = line.strip_prefix("id: ") {
                        id = Some(text.to_owned());
                    }
                }
                // Keep-alive comments name no event.
                if let Some(event) = event {
                    let data = serde_json::from_str(&data).unwrap_or(Value::String(data));
                    return Some(Sse { event, data, id });
                }
            }
            let chunk = tokio::time::timeout(std::time::Duration::from_secs(120), self.body.next())
                .await
                .expect("an event or the end within 2 minutes")?
                .unwrap();
            self.buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    }

    /// Events until the first `log` one, which is returned.
    async fn first_log(&mut self) -> Sse {
        loop {
            let event = self.next().await.expect("a log line before the end");
            assert_ne!(event.event, "end", "the stream ended before any line");
            if event.event == "log" {
                return event;
            }
        }
    }

    /// Every event left, up to and including `end`.
    async fn rest(&mut self) -> Vec<Sse> {
        let mut events = Vec::new();
        while let Some(event) = self.next().await {
            events.push(event);
        }
        assert_eq!(events.last().map(|e| e.event.as_str()), Some("end"));
        events
    }
}

async fn status_now(h: &Harness, id: &str) -> String {
    h.store
        .execution(id)
        .await
        .unwrap()
        .unwrap()
        .status
        .as_str()
        .to_owned()
}

pub async fn logs_stream_while_the_execution_runs(mut h: Harness) {
    let (_, run) = h
        .alpha(
            Role::Author,
            Method::POST,
            "/api/v1/runbooks/checkout/runs",
            Some(json!({"environment": "dev",
                        "params": {"mode": "log_sleep_log", "ms": 3000}})),
        )
        .await;
    let id = run["execution_id"].as_str().unwrap().to_owned();
    let mut stream = EventStream::open(&h, &id).await;
    h.start_engine();
    let first = stream.first_log().await;
    assert_eq!(
        status_now(&h, &id).await,
        "running",
        "the first line arrives while the execution still runs"
    );
    assert_eq!(first.data["message"], "before sleep 0");
    assert_eq!(first.id.as_deref(), Some("1:0"));

    let rest = stream.rest().await;
    let lines: Vec<_> = rest.iter().filter(|e| e.event == "log").collect();
    assert_eq!(lines.len(), 1, "{rest:?}");
    assert_eq!(lines[0].data["message"], "after sleep");
    assert_eq!(lines[0].id.as_deref(), Some("1:1"));
    assert_eq!(rest.last().unwrap().data, json!({"status": "succeeded"}));
    h.stop().await;
}

pub async fn a_cancelled_execution_streams_its_last_lines_then_ends(mut h: Harness) {
    let (_, run) = h
        .alpha(
            Role::Author,
            Method::POST,
            "/api/v1/runbooks/checkout/runs",
            Some(json!({"environment": "dev",
                        "params": {"mode": "log_sleep_log", "ms": 100, "rounds": 50}})),
        )
        .await;
    let id = run["execution_id"].as_str().unwrap().to_owned();
    let mut stream = EventStream::open(&h, &id).await;
    h.start_engine();
    let first = stream.first_log().await;
    assert_eq!(status_now(&h, &id).await, "running");

    let (status, body) = h
        .alpha(
            Role::Author,
            Method::POST,
            &format!("/api/v1/executions/{id}/cancel"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let rest = stream.rest().await;
    assert_eq!(rest.last().unwrap().data, json!({"status": "cancelled"}));

    // The stream ended once the runner had stopped the sandbox and written
    // the lines logged until then: it has every line the store keeps.
    let streamed: Vec<Sse> = std::iter::once(first)
        .chain(rest.into_iter().filter(|e| e.event == "log"))
        .collect();
    let ids: Vec<_> = streamed.iter().map(|e| e.id.clone().unwrap()).collect();
    let expected: Vec<_> = (0..streamed.len()).map(|seq| format!("1:{seq}")).collect();
    assert_eq!(ids, expected);
    // What the store keeps once the runner has stopped the sandbox.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while h
        .store
        .cancelled_attempt_stopping(&id, 1, 60_000)
        .await
        .unwrap()
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the runner never stopped it"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let stored = h.store.execution_logs(&id).await.unwrap();
    let stored: Vec<_> = stored.iter().map(|l| l.message.clone()).collect();
    let messages: Vec<_> = streamed
        .iter()
        .map(|e| e.data["message"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(messages, stored);
    assert!(stored.len() < 50, "stopped early: {stored:?}");
    let (_, detail) = h
        .alpha(
            Role::Viewer,
            Method::GET,
            &format!("/api/v1/executions/{id}"),
            None,
        )
        .await;
    assert_eq!(detail["attempts"][0]["outcome"], "cancelled");
    assert!(
        detail["attempts"][0]["stopped_at"].as_i64().is_some(),
        "the attempt says when its runner stopped it: {detail}"
    );
    h.stop().await;
}
