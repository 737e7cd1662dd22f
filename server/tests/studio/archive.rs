//! Archiving a runbook through the API: its queued work is cancelled, its
//! rules stop matching, it is read-only and out of the list but its
//! history stays; restoring it makes it run again.

use axum::http::{Method, StatusCode};
use serde_json::json;
use wolfe_ingest::NormalizedEvent;
use wolfe_store::{Accepted, Role};

use crate::harness::{Harness, code};

const RB: &str = "/api/v1/runbooks/checkout";

fn alert() -> NormalizedEvent {
    NormalizedEvent {
        source: "alertmanager".into(),
        kind: "alert.firing".into(),
        dedupe_key: None,
        payload: json!({"labels": {"alertname": "DiskFull"}}),
    }
}

pub async fn an_archived_runbook_stops_running_and_restoring_brings_it_back(mut h: Harness) {
    // Queued before the archive (no engine runs yet): the harness's own
    // manual run and one from the rule.
    let Accepted::New { executions, .. } = h.intake.accept("dev", alert()).await.unwrap() else {
        panic!("a new event")
    };
    assert_eq!(executions.len(), 1, "the rule matches while it is active");

    let (status, body) = h
        .alpha(Role::Author, Method::POST, &format!("{RB}/archive"), None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "an operator's call: {body}");
    let (status, body) = h
        .alpha(Role::Operator, Method::POST, &format!("{RB}/archive"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["cancelled"], 2);
    assert_eq!(body["still_running"], 0);
    assert_eq!(body["runbook"]["archived"]["by"], "alpha/operator");
    let (status, body) = h
        .alpha(Role::Operator, Method::POST, &format!("{RB}/archive"), None)
        .await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "archived"));

    // Out of the list, in the archived list, still readable with its history.
    let (_, list) = h
        .alpha(Role::Viewer, Method::GET, "/api/v1/runbooks", None)
        .await;
    assert!(list["items"].as_array().unwrap().is_empty(), "{list}");
    let (_, archived) = h
        .alpha(
            Role::Viewer,
            Method::GET,
            "/api/v1/runbooks?archived=true",
            None,
        )
        .await;
    assert_eq!(archived["items"][0]["name"], "checkout");
    let (status, shown) = h.alpha(Role::Viewer, Method::GET, RB, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(shown["archived"]["at"].as_i64().is_some());
    assert_eq!(shown["deployments"].as_array().unwrap().len(), 2, "kept");
    let (_, cancelled) = h
        .alpha(
            Role::Viewer,
            Method::GET,
            &format!("/api/v1/executions/{}", h.execution_id),
            None,
        )
        .await;
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(
        cancelled["error"]["message"],
        "cancelled: runbook archived by alpha/operator"
    );

    // Read-only: the role is checked first, then the archive.
    let (status, _) = h
        .alpha(
            Role::Viewer,
            Method::PATCH,
            RB,
            Some(json!({"description": "x"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    for (method, uri, body) in [
        (Method::PATCH, RB.to_owned(), json!({"description": "x"})),
        (
            Method::POST,
            format!("{RB}/runs"),
            json!({"environment": "dev"}),
        ),
        (
            Method::POST,
            format!("{RB}/rules"),
            json!({"name": "more", "environment": "dev", "spec": {"source": "x"}}),
        ),
        (Method::POST, format!("{RB}/promote"), json!({"to": "prod"})),
    ] {
        let (status, answer) = h
            .alpha(Role::Operator, method.clone(), &uri, Some(body))
            .await;
        assert_eq!(
            (status, code(&answer)),
            (StatusCode::CONFLICT, "archived"),
            "{method} {uri}: {answer}"
        );
    }

    // Its rules no longer match: an alert queues nothing.
    let Accepted::New { executions, .. } = h.intake.accept("dev", alert()).await.unwrap() else {
        panic!("a new event")
    };
    assert!(executions.is_empty(), "nothing for an archived runbook");

    // Restored: it is listed, runs by hand and from its rule again.
    let (status, restored) = h
        .alpha(Role::Operator, Method::POST, &format!("{RB}/restore"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{restored}");
    assert_eq!(restored["archived"], serde_json::Value::Null);
    let (status, body) = h
        .alpha(Role::Operator, Method::POST, &format!("{RB}/restore"), None)
        .await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "conflict"));
    let (_, list) = h
        .alpha(Role::Viewer, Method::GET, "/api/v1/runbooks", None)
        .await;
    assert_eq!(list["items"][0]["name"], "checkout");
    let Accepted::New { executions, .. } = h.intake.accept("dev", alert()).await.unwrap() else {
        panic!("a new event")
    };
    assert_eq!(executions.len(), 1, "its rule applies again");
    h.start_engine();
    let (status, run) = h
        .alpha(
            Role::Author,
            Method::POST,
            &format!("{RB}/runs"),
            Some(json!({"environment": "dev", "params": {"mode": "echo"}})),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{run}");
    let finished = h.finished(run["execution_id"].as_str().unwrap()).await;
    assert_eq!(finished["status"], "succeeded", "{finished}");

    let (_, audit) = h
        .alpha(Role::Viewer, Method::GET, "/api/v1/audit", None)
        .await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"runbook.archive") && actions.contains(&"runbook.restore"),
        "{actions:?}"
    );
    h.stop().await;
}
