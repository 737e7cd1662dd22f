//! Rules, grants, quotas, failure notifications, secrets, tokens, teams,
//! kv, events and the audit log.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use wolfe_ingest::NormalizedEvent;
use wolfe_store::{RejectedEvent, Role};

use crate::harness::{Harness, code, message};

const RB: &str = "/api/v1/runbooks/checkout";

pub async fn rules_are_compiled_tested_changed_and_deleted(h: Harness) {
    let spec = json!({
        "source": "alertmanager", "kind": "alert.*",
        "criteria": {"path": "$.labels.severity", "op": "eq", "value": "page"},
        "params": {"service": {"path": "$.labels.service", "type": "string"}},
    });
    let bad = json!({"source": "alertmanager", "kind": "alert.*",
                     "criteria": {"all": [{"path": "$.a", "op": "eq", "value": 1}, {"path": "$.b", "op": "sounds-like", "value": 1}]}});
    let (status, error) = h
        .alpha(
            Role::Author,
            Method::POST,
            &format!("{RB}/rules"),
            Some(json!({"name": "page", "environment": "dev", "spec": bad})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    assert!(
        error["error"]["field"]
            .as_str()
            .unwrap()
            .starts_with("spec.criteria.all[1]"),
        "{error}"
    );

    let (status, created) = h
        .alpha(
            Role::Author,
            Method::POST,
            &format!("{RB}/rules"),
            Some(json!({"name": "page", "environment": "dev", "spec": spec})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let (status, _) = h
        .alpha(
            Role::Author,
            Method::POST,
            &format!("{RB}/rules"),
            Some(json!({"name": "page", "environment": "dev", "spec": spec})),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "one name per runbook and environment"
    );

    // Would this event match, and with which parameters?
    let event = |severity: &str| {
        json!({"source": "alertmanager", "kind": "alert.firing",
        "payload": {"labels": {"severity": severity, "service": "cart"}}})
    };
    let (status, verdict) = h
        .alpha(
            Role::Viewer,
            Method::POST,
            &format!("{RB}/rules/test"),
            Some(json!({"rule_id": id, "event": event("page")})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{verdict}");
    assert_eq!(verdict["matched"], true);
    assert_eq!(verdict["params"], json!({"service": "cart"}));
    let (_, verdict) = h
        .alpha(
            Role::Viewer,
            Method::POST,
            &format!("{RB}/rules/test"),
            Some(json!({"spec": spec, "event": event("ticket")})),
        )
        .await;
    assert_eq!(
        (verdict["triggered"].clone(), verdict["matched"].clone()),
        (json!(true), json!(false))
    );
    assert_eq!(verdict["conditions"][0]["held"], false, "{verdict}");

    // A firing whose parameters cannot be mapped runs nothing, but its
    // authors can see it.
    h.intake
        .accept(
            "dev",
            NormalizedEvent {
                source: "alertmanager".into(),
                kind: "alert.firing".into(),
                dedupe_key: Some("no-service".into()),
                payload: json!({"labels": {"severity": "page"}}),
            },
        )
        .await
        .unwrap();
    let (status, errors) = h
        .alpha(
            Role::Viewer,
            Method::GET,
            &format!("{RB}/rule-errors"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{errors}");
    let items = errors["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{errors}");
    assert_eq!(items[0]["rule_id"], json!(id));
    assert!(
        items[0]["message"].as_str().unwrap().contains("service"),
        "{errors}"
    );
    let (status, _) = h
        .call(
            Method::GET,
            &format!("{RB}/rule-errors"),
            Some(h.token("beta", Role::Admin)),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another team's runbook");

    let (status, changed) = h
        .alpha(
            Role::Author,
            Method::PUT,
            &format!("{RB}/rules/{id}"),
            Some(json!({"enabled": false})),
        )
        .await;
    assert_eq!(
        (status, changed["enabled"].clone()),
        (StatusCode::OK, json!(false))
    );
    let enabled = h.store.enabled_rules("dev").await.unwrap();
    assert!(
        enabled.iter().all(|r| r.id != id),
        "a disabled rule fires nothing"
    );
    let (_, listed) = h
        .alpha(Role::Viewer, Method::GET, &format!("{RB}/rules"), None)
        .await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);
    let (status, _) = h
        .alpha(
            Role::Author,
            Method::DELETE,
            &format!("{RB}/rules/{id}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = h
        .alpha(Role::Viewer, Method::GET, &format!("{RB}/rules/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let actions = audit_actions(&h).await;
    for action in ["rule.create", "rule.update", "rule.delete"] {
        assert!(
            actions.contains(&action.to_owned()),
            "{action} in {actions:?}"
        );
    }
    h.stop().await;
}

async fn audit_actions(h: &Harness) -> Vec<String> {
    let (_, audit) = h
        .alpha(Role::Viewer, Method::GET, "/api/v1/audit?limit=500", None)
        .await;
    audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

pub async fn grants_quotas_and_notifications_are_validated_and_audited(h: Harness) {
    let (_, none) = h
        .alpha(
            Role::Viewer,
            Method::GET,
            &format!("{RB}/grants/prod"),
            None,
        )
        .await;
    assert_eq!(none["grant"], json!({}), "nothing is granted by default");
    let (status, error) = h
        .alpha(
            Role::Operator,
            Method::PUT,
            &format!("{RB}/grants/prod"),
            Some(json!({"kv": "runbook", "htp": ["https://x:443"]})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(message(&error).contains("unknown field `htp`"), "{error}");
    let grant =
        json!({"kv": "team", "http": ["https://api.example.com:443"], "secrets": ["db-password"]});
    let (status, set) = h
        .alpha(
            Role::Operator,
            Method::PUT,
            &format!("{RB}/grants/prod"),
            Some(grant.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{set}");
    assert_eq!(
        h.store.grant(&h.checkout_id, "prod").await.unwrap(),
        Some(grant.clone())
    );
    let (status, _) = h
        .alpha(
            Role::Viewer,
            Method::GET,
            &format!("{RB}/grants/staging"),
            None,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "unknown environment in a path"
    );

    let (status, error) = h
        .alpha(
            Role::Operator,
            Method::PUT,
            &format!("{RB}/quotas"),
            Some(json!({"max_attempts": 0, "concurrency_limit": 2})),
        )
        .await;
    assert_eq!(
        (status, error["error"]["field"].clone()),
        (StatusCode::BAD_REQUEST, json!("max_attempts"))
    );
    let (status, error) = h
        .alpha(
            Role::Operator,
            Method::PUT,
            &format!("{RB}/quotas"),
            Some(json!({"max_attempts": 2, "concurrency_limit": 2, "quotas": {"fuell": 1}})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(message(&error).contains("unknown field `fuell`"), "{error}");
    let (status, error) = h
        .alpha(
            Role::Operator,
            Method::PUT,
            &format!("{RB}/quotas"),
            Some(json!({"max_attempts": 2, "concurrency_limit": 2, "quotas": {"timeout": "soon"}})),
        )
        .await;
    assert_eq!(
        (status, error["error"]["field"].clone()),
        (StatusCode::BAD_REQUEST, json!("quotas.timeout")),
        "{error}"
    );
    let (status, quotas) = h
        .alpha(
            Role::Operator,
            Method::PUT,
            &format!("{RB}/quotas"),
            Some(json!({"max_attempts": 5, "concurrency_limit": 2, "quotas": {"timeout": "3s"}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{quotas}");
    let runbook = h.store.runbook(&h.checkout_id).await.unwrap().unwrap();
    assert_eq!((runbook.max_attempts, runbook.concurrency_limit), (5, 2));
    assert_eq!(runbook.quotas, json!({"timeout": "3s"}));
    let (_, shown) = h
        .alpha(Role::Viewer, Method::GET, &format!("{RB}/quotas"), None)
        .await;
    assert_eq!(shown["effective"]["timeout"], "3s", "{shown}");
    assert!(
        shown["effective"]["fuel"].as_u64().unwrap() > 0,
        "defaults fill the rest"
    );

    let (status, error) = h
        .alpha(
            Role::Operator,
            Method::PUT,
            &format!("{RB}/failure-notifications/prod"),
            Some(json!({"targets": ["oncall", " "]})),
        )
        .await;
    assert_eq!(
        (status, error["error"]["field"].clone()),
        (StatusCode::BAD_REQUEST, json!("targets[1]"))
    );
    let (status, _) = h
        .alpha(
            Role::Operator,
            Method::PUT,
            &format!("{RB}/failure-notifications/prod"),
            Some(json!({"targets": ["oncall", "pagerduty"]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, shown) = h
        .alpha(
            Role::Viewer,
            Method::GET,
            &format!("{RB}/failure-notifications/prod"),
            None,
        )
        .await;
    assert_eq!(shown["targets"], json!(["oncall", "pagerduty"]));
    let actions = audit_actions(&h).await;
    for action in ["grant.set", "runbook.settings", "failure_notifications.set"] {
        assert!(
            actions.contains(&action.to_owned()),
            "{action} in {actions:?}"
        );
    }
    h.stop().await;
}

pub async fn secrets_are_write_only(h: Harness) {
    let (status, _) = h
        .alpha(
            Role::Operator,
            Method::PUT,
            "/api/v1/secrets/prod/pagerduty-key",
            Some(json!({"value": "s3cr3t-value"})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, listed) = h
        .alpha(Role::Viewer, Method::GET, "/api/v1/secrets", None)
        .await;
    let names: Vec<(&str, &str)> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["environment"].as_str().unwrap(),
                s["name"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        names,
        vec![("dev", "db-password"), ("prod", "pagerduty-key")]
    );
    let (_, audit) = h
        .alpha(Role::Viewer, Method::GET, "/api/v1/audit?limit=500", None)
        .await;
    for text in [listed.to_string(), audit.to_string()] {
        assert!(
            !text.contains("s3cr3t-value") && !text.contains("hunter2"),
            "values never leave: {text}"
        );
    }
    let (status, error) = h
        .alpha(
            Role::Operator,
            Method::PUT,
            "/api/v1/secrets/prod/bad%20name",
            Some(json!({"value": "x"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    let (status, _) = h
        .alpha(
            Role::Operator,
            Method::DELETE,
            "/api/v1/secrets/prod/nope",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = h
        .alpha(
            Role::Operator,
            Method::DELETE,
            "/api/v1/secrets/prod/pagerduty-key",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // Without a secrets key nothing can be stored, and the API says why.
    let keyless = wolfe_server::app(wolfe_server::AppState::new(
        h.store.clone(),
        h.intake.clone(),
    ));
    let request = axum::http::Request::put("/api/v1/secrets/dev/k")
        .header(
            "authorization",
            format!("Bearer {}", h.token("alpha", Role::Operator)),
        )
        .body(axum::body::Body::from(r#"{"value": "v"}"#))
        .unwrap();
    let response = tower::ServiceExt::oneshot(keyless, request).await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    // Beta's list is its own.
    let (_, beta) = h
        .call(
            Method::GET,
            "/api/v1/secrets",
            Some(h.token("beta", Role::Viewer)),
            None,
        )
        .await;
    assert_eq!(beta["items"], json!([]));
    h.stop().await;
}

pub async fn tokens_and_teams_are_managed_by_admins(h: Harness) {
    let (status, error) = h
        .alpha(
            Role::Admin,
            Method::POST,
            "/api/v1/tokens",
            Some(json!({"name": "ci", "role": "root"})),
        )
        .await;
    assert_eq!(
        (status, error["error"]["field"].clone()),
        (StatusCode::BAD_REQUEST, json!("role"))
    );
    let (status, created) = h
        .alpha(
            Role::Admin,
            Method::POST,
            "/api/v1/tokens",
            Some(json!({"name": "ci", "role": "author"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let secret = created["secret"].as_str().unwrap().to_owned();
    let (status, me) = h
        .call(Method::GET, "/api/v1/whoami", Some(&secret), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (me["team"]["name"].clone(), me["role"].clone()),
        (json!("alpha"), json!("author"))
    );

    let (_, listed) = h
        .alpha(Role::Admin, Method::GET, "/api/v1/tokens", None)
        .await;
    let text = listed.to_string();
    assert!(!text.contains(&secret), "listing never shows a secret");
    assert!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t.get("secret").is_none())
    );

    let id = created["token"]["id"].as_str().unwrap();
    let (status, _) = h
        .alpha(
            Role::Admin,
            Method::DELETE,
            &format!("/api/v1/tokens/{id}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = h
        .call(Method::GET, "/api/v1/whoami", Some(&secret), None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a revoked token is dead");
    let (status, _) = h
        .alpha(
            Role::Admin,
            Method::DELETE,
            &format!("/api/v1/tokens/{id}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // A new team comes with its admin token, and sees only itself.
    let (status, team) = h
        .alpha(
            Role::Admin,
            Method::POST,
            "/api/v1/teams",
            Some(json!({"name": "gamma"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{team}");
    let gamma = team["admin_token"]["secret"].as_str().unwrap();
    let (_, teams) = h
        .call(Method::GET, "/api/v1/teams", Some(gamma), None)
        .await;
    assert_eq!(teams["items"][0]["name"], "gamma");
    let (_, runbooks) = h
        .call(Method::GET, "/api/v1/runbooks", Some(gamma), None)
        .await;
    assert_eq!(runbooks["items"], json!([]));
    let (status, _) = h
        .call(Method::GET, "/api/v1/teams/alpha", Some(gamma), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = h
        .alpha(
            Role::Admin,
            Method::POST,
            "/api/v1/teams",
            Some(json!({"name": "gamma"})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, error) = h
        .alpha(
            Role::Admin,
            Method::POST,
            "/api/v1/teams",
            Some(json!({"name": "Gamma Team"})),
        )
        .await;
    assert_eq!(
        (status, error["error"]["field"].clone()),
        (StatusCode::BAD_REQUEST, json!("name"))
    );
    h.stop().await;
}

pub async fn kv_events_and_audit_are_team_scoped(h: Harness) {
    h.store
        .kv_set("runbook/alpha/checkout/dev", "last-run", "ok", None)
        .await
        .unwrap();
    h.store
        .kv_set("team/alpha/dev", "owner", "payments", None)
        .await
        .unwrap();
    h.store
        .kv_set("team/beta/dev", "owner", "billing", None)
        .await
        .unwrap();
    let (_, own) = h
        .alpha(
            Role::Viewer,
            Method::GET,
            "/api/v1/kv/dev?runbook=checkout",
            None,
        )
        .await;
    assert_eq!(own["items"], json!([{"key": "last-run", "value": "ok"}]));
    let (_, team) = h
        .alpha(Role::Viewer, Method::GET, "/api/v1/kv/dev?prefix=own", None)
        .await;
    assert_eq!(
        team["items"],
        json!([{"key": "owner", "value": "payments"}])
    );

    // The harness's manual run made an event of alpha's; beta sees none.
    let (_, events) = h
        .alpha(Role::Viewer, Method::GET, "/api/v1/events", None)
        .await;
    assert_eq!(events["items"].as_array().unwrap().len(), 1, "{events}");
    assert_eq!(events["items"][0]["source"], "manual");
    let (_, beta) = h
        .call(
            Method::GET,
            "/api/v1/events",
            Some(h.token("beta", Role::Admin)),
            None,
        )
        .await;
    assert_eq!(beta["items"], json!([]));
    h.store
        .record_rejected(&RejectedEvent {
            environment: "dev".into(),
            source: "alertmanager".into(),
            raw_body: b"{not json".to_vec(),
            error: "expected value".into(),
        })
        .await
        .unwrap();
    let (status, rejected) = h
        .alpha(
            Role::Admin,
            Method::GET,
            "/api/v1/events?status=rejected",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(rejected["items"][0]["raw_body"], "{not json");
    let (status, error) = h
        .alpha(
            Role::Viewer,
            Method::GET,
            "/api/v1/events?status=lost",
            None,
        )
        .await;
    assert_eq!(
        (status, code(&error)),
        (StatusCode::BAD_REQUEST, "invalid_request")
    );

    // Audit: alpha's changes are alpha's only, paged newest first.
    h.alpha(
        Role::Author,
        Method::PATCH,
        RB,
        Some(json!({"description": "one"})),
    )
    .await;
    h.alpha(
        Role::Author,
        Method::PATCH,
        RB,
        Some(json!({"description": "two"})),
    )
    .await;
    let (_, first) = h
        .alpha(Role::Viewer, Method::GET, "/api/v1/audit?limit=1", None)
        .await;
    assert_eq!(first["items"][0]["detail"]["description"], "two");
    assert_eq!(first["items"][0]["actor"], "alpha/author");
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, second) = h
        .alpha(
            Role::Viewer,
            Method::GET,
            &format!("/api/v1/audit?limit=1&cursor={cursor}"),
            None,
        )
        .await;
    assert_eq!(second["items"][0]["detail"]["description"], "one");
    let (_, beta_audit) = h
        .call(
            Method::GET,
            "/api/v1/audit?limit=500",
            Some(h.token("beta", Role::Viewer)),
            None,
        )
        .await;
    let text: Value = beta_audit["items"].clone();
    assert!(
        !text.to_string().contains(&h.checkout_id),
        "no alpha entries for beta: {text}"
    );
    h.stop().await;
}
