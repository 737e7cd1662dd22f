//! The webhook sensor: a body becomes events, each committed with the
//! executions its rules planned; a redelivery creates nothing again.

use axum::http::{Method, StatusCode};
use serde_json::json;
use wolfe_store::Role;

use crate::harness::{HOOKS_TOKEN, Harness};

pub async fn a_webhook_runs_the_rules_it_matches_once(h: Harness) {
    let rule = json!({"name": "on-hook", "environment": "dev",
                      "spec": {"source": "hooks", "kind": "event",
                               "params": {"mode": {"value": "echo"}}}});
    let (status, rule) = h
        .alpha(
            Role::Author,
            Method::POST,
            "/api/v1/runbooks/checkout/rules",
            Some(rule),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{rule}");

    let body = json!({"id": "deploy-1", "service": "checkout"});
    let post = || {
        h.call(
            Method::POST,
            "/api/v1/events/hooks",
            Some(HOOKS_TOKEN),
            Some(&body),
        )
    };
    let (status, accepted) = post().await;
    assert_eq!(status, StatusCode::ACCEPTED, "{accepted}");
    let event_id = &accepted["event_ids"][0];
    assert_eq!(accepted["events"][0]["event_id"], *event_id);
    assert_eq!(accepted["events"][0]["duplicate"], false);
    let executions = accepted["events"][0]["executions"].as_array().unwrap();
    assert_eq!(executions.len(), 1, "{accepted}");
    let (status, execution) = h
        .alpha(
            Role::Viewer,
            Method::GET,
            &format!("/api/v1/executions/{}", executions[0].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(execution["rule_id"], rule["id"]);
    assert_eq!(execution["events"][0]["id"], *event_id);

    // Redelivered: the same event, nothing queued again.
    let (status, again) = post().await;
    assert_eq!(status, StatusCode::ACCEPTED, "{again}");
    assert_eq!(
        again,
        json!({"event_ids": [event_id],
               "events": [{"event_id": event_id, "duplicate": true, "executions": []}]})
    );
    h.stop().await;
}
