//! Save → build → dev → test → prod, build errors, promotion order and
//! rollback.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use wolfe_store::Role;

use crate::harness::{Harness, code, message};
use crate::sources;

async fn deployed(h: &Harness, runbook: &str) -> Value {
    let (status, body) = h
        .alpha(
            Role::Viewer,
            Method::GET,
            &format!("/api/v1/runbooks/{runbook}/deployments"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut by_env = serde_json::Map::new();
    for d in body["items"].as_array().unwrap() {
        by_env.insert(
            d["environment"].as_str().unwrap().into(),
            d["version"].clone(),
        );
    }
    Value::Object(by_env)
}

pub async fn saving_source_builds_a_version_that_runs_then_promotes(mut h: Harness) {
    let (status, created) = h
        .alpha(
            Role::Author,
            Method::POST,
            "/api/v1/runbooks",
            Some(json!({"name": "echo", "description": "says it back"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (status, again) = h
        .alpha(
            Role::Author,
            Method::POST,
            "/api/v1/runbooks",
            Some(json!({"name": "echo"})),
        )
        .await;
    assert_eq!(
        (status, code(&again)),
        (StatusCode::CONFLICT, "conflict"),
        "{again}"
    );

    let (status, version) = h
        .alpha(
            Role::Author,
            Method::POST,
            "/api/v1/runbooks/echo/versions",
            Some(sources::save(sources::ECHO, "first cut")),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{version}");
    assert_eq!(version["number"], 1);
    assert_eq!(version["deployed_in"], json!(["dev"]));
    assert_eq!(version["author"], "alpha/author");
    assert_eq!(version["message"], "first cut");
    let sha = version["artifact_sha256"].as_str().unwrap();
    assert_eq!(sha.len(), 64);
    assert!(
        version["build_log"].as_str().unwrap().contains(sha),
        "{version}"
    );
    // Saved means compiled in the background: the first run need not wait.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(180);
    while !crate::harness::runtime().is_loaded(sha) {
        assert!(
            std::time::Instant::now() < deadline,
            "the saved version was not precompiled"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    let (status, shown) = h
        .alpha(
            Role::Viewer,
            Method::GET,
            "/api/v1/runbooks/echo/versions/1",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        shown["files"]["main.py"],
        sources::ECHO,
        "the source is kept"
    );
    assert_eq!(deployed(&h, "echo").await, json!({"dev": 1}));

    // The engine runs what dev runs, picked up without a restart.
    h.start_engine();
    let (status, run) = h
        .alpha(
            Role::Author,
            Method::POST,
            "/api/v1/runbooks/echo/runs",
            Some(json!({"environment": "dev", "payload": {"hello": "world"}, "params": {"n": 1}})),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{run}");
    let execution = h.finished(run["execution_id"].as_str().unwrap()).await;
    assert_eq!(execution["status"], "succeeded", "{execution}");
    assert_eq!(
        execution["output"],
        json!({"params": {"n": 1}, "payload": {"hello": "world"}})
    );
    assert_eq!(execution["runbook"], "echo");
    assert!(
        execution["logs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["message"] == "echoing")
    );

    // dev → test by an author; test → prod needs an operator.
    let (status, promoted) = h
        .alpha(
            Role::Author,
            Method::POST,
            "/api/v1/runbooks/echo/promote",
            Some(json!({"to": "test"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{promoted}");
    assert_eq!(
        (promoted["version"].clone(), promoted["changed"].clone()),
        (json!(1), json!(true))
    );
    let (status, refused) = h
        .alpha(
            Role::Author,
            Method::POST,
            "/api/v1/runbooks/echo/promote",
            Some(json!({"to": "prod"})),
        )
        .await;
    assert_eq!(
        (status, code(&refused)),
        (StatusCode::FORBIDDEN, "forbidden")
    );
    let (status, _) = h
        .alpha(
            Role::Operator,
            Method::POST,
            "/api/v1/runbooks/echo/promote",
            Some(json!({"to": "prod"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, unchanged) = h
        .alpha(
            Role::Operator,
            Method::POST,
            "/api/v1/runbooks/echo/promote",
            Some(json!({"to": "prod"})),
        )
        .await;
    assert_eq!(
        unchanged["changed"], false,
        "promoting what already runs changes nothing"
    );
    assert_eq!(
        deployed(&h, "echo").await,
        json!({"dev": 1, "test": 1, "prod": 1})
    );

    // Running in prod needs an operator too.
    let (status, _) = h
        .alpha(
            Role::Author,
            Method::POST,
            "/api/v1/runbooks/echo/runs",
            Some(json!({"environment": "prod"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, run) = h
        .alpha(
            Role::Operator,
            Method::POST,
            "/api/v1/runbooks/echo/runs",
            Some(json!({"environment": "prod", "dry_run": true})),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let execution = h.finished(run["execution_id"].as_str().unwrap()).await;
    assert_eq!(
        (
            execution["environment"].clone(),
            execution["dry_run"].clone()
        ),
        (json!("prod"), json!(true))
    );

    let (_, audit) = h
        .alpha(Role::Viewer, Method::GET, "/api/v1/audit?limit=1", None)
        .await;
    assert_eq!(
        audit["items"][0]["action"], "execution.run",
        "who ran what is audited"
    );
    assert_eq!(audit["items"][0]["actor"], "alpha/operator");
    assert_eq!(audit["items"][0]["detail"]["dry_run"], true);

    // The listing shows each environment's version and last outcome.
    let (_, list) = h
        .alpha(Role::Viewer, Method::GET, "/api/v1/runbooks", None)
        .await;
    let echo = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "echo")
        .unwrap();
    let prod = echo["environments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["environment"] == "prod")
        .unwrap();
    assert_eq!(prod["version"], 1);
    assert_eq!(prod["last_execution"]["status"], "succeeded", "{echo}");
    h.stop().await;
}

pub async fn a_build_error_names_the_file_and_line(h: Harness) {
    let (status, error) = h
        .alpha(
            Role::Author,
            Method::POST,
            "/api/v1/runbooks/checkout/versions",
            Some(sources::save(sources::SYNTAX_ERROR, "broken")),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
    assert_eq!(code(&error), "build_failed");
    assert_eq!(error["error"]["file"], "main.py", "{error}");
    assert_eq!(error["error"]["line"], 5, "{error}");
    assert!(message(&error).contains("SyntaxError"), "{error}");
    let log = error["error"]["log"].as_str().unwrap();
    assert!(
        log.contains("File \"main.py\", line 5"),
        "paths are the runbook's: {log}"
    );
    assert!(!log.contains("/tmp"), "no server paths leak: {log}");
    let (_, versions) = h
        .alpha(
            Role::Viewer,
            Method::GET,
            "/api/v1/runbooks/checkout/versions",
            None,
        )
        .await;
    assert_eq!(
        versions["items"].as_array().unwrap().len(),
        2,
        "no version for a failed build"
    );

    // A wolfe.toml naming another runbook is refused before building.
    let body = json!({"files": {"main.py": sources::ECHO, "wolfe.toml": "name = \"other\"\n"}});
    let (status, error) = h
        .alpha(
            Role::Author,
            Method::POST,
            "/api/v1/runbooks/checkout/versions",
            Some(body),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    assert!(message(&error).contains("\"other\""), "{error}");
    // Declared capabilities must have the grant's shape.
    let body = json!({"files": {"main.py": sources::ECHO,
        "wolfe.toml": "name = \"checkout\"\n[capabilities]\nkv = \"everything\"\n"}});
    let (status, error) = h
        .alpha(
            Role::Author,
            Method::POST,
            "/api/v1/runbooks/checkout/versions",
            Some(body),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    assert_eq!(error["error"]["field"], "capabilities.kv", "{error}");
    h.stop().await;
}

pub async fn promotion_never_skips_an_environment_unless_an_operator_forces_it(h: Harness) {
    // Seeded: dev runs v2, test runs v1, prod nothing.
    assert_eq!(deployed(&h, "checkout").await, json!({"dev": 2, "test": 1}));
    let promote = |body: Value, role: Role| {
        h.alpha(
            role,
            Method::POST,
            "/api/v1/runbooks/checkout/promote",
            Some(body),
        )
    };
    let (status, error) = promote(json!({"to": "prod", "version": 2}), Role::Operator).await;
    assert_eq!(
        (status, code(&error)),
        (StatusCode::CONFLICT, "conflict"),
        "{error}"
    );
    assert!(
        message(&error).contains("promote it through test first"),
        "{error}"
    );
    let (status, _) = promote(
        json!({"to": "prod", "version": 2, "force": true}),
        Role::Author,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "forcing needs an operator");
    let (status, _) = promote(
        json!({"to": "test", "version": 1, "force": true}),
        Role::Author,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "forcing needs an operator even before prod"
    );
    let (status, forced) = promote(
        json!({"to": "prod", "version": 2, "force": true}),
        Role::Operator,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{forced}");
    assert_eq!(
        deployed(&h, "checkout").await,
        json!({"dev": 2, "test": 1, "prod": 2})
    );

    let (status, error) = promote(json!({"to": "dev"}), Role::Operator).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(message(&error).contains("first environment"), "{error}");
    let (status, error) = promote(json!({"to": "staging"}), Role::Operator).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(message(&error).contains("dev, test, prod"), "{error}");
    let (status, _) = promote(json!({"to": "test", "version": 9}), Role::Author).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Nothing upstream: nothing to promote.
    h.alpha(
        Role::Author,
        Method::POST,
        "/api/v1/runbooks",
        Some(json!({"name": "empty"})),
    )
    .await;
    let (status, error) = h
        .alpha(
            Role::Author,
            Method::POST,
            "/api/v1/runbooks/empty/promote",
            Some(json!({"to": "test"})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        message(&error).contains("nothing is deployed in dev"),
        "{error}"
    );

    // Each change is in the history and the audit log, with who.
    let (_, deployments) = h
        .alpha(
            Role::Viewer,
            Method::GET,
            "/api/v1/runbooks/checkout/deployments",
            None,
        )
        .await;
    let latest = &deployments["history"][0];
    assert_eq!(
        (
            latest["environment"].clone(),
            latest["action"].clone(),
            latest["actor"].clone()
        ),
        (json!("prod"), json!("promote"), json!("alpha/operator"))
    );
    let (_, audit) = h
        .alpha(Role::Viewer, Method::GET, "/api/v1/audit", None)
        .await;
    let entry = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "deployment.set")
        .unwrap();
    assert_eq!(entry["actor"], "alpha/operator");
    assert!(entry["at"].as_i64().unwrap() > 0);
    h.stop().await;
}

pub async fn rollback_points_an_environment_back_at_an_earlier_version(h: Harness) {
    let rollback = |body: Value, role: Role| {
        h.alpha(
            role,
            Method::POST,
            "/api/v1/runbooks/checkout/rollback",
            Some(body),
        )
    };
    let (status, back) = rollback(json!({"environment": "dev"}), Role::Author).await;
    assert_eq!(status, StatusCode::OK, "{back}");
    assert_eq!(
        (back["version"].clone(), back["previous_version"].clone()),
        (json!(1), json!(2))
    );
    assert_eq!(back["action"], "rollback");
    // Rolling back again returns to the version before: v2.
    let (_, again) = rollback(json!({"environment": "dev"}), Role::Author).await;
    assert_eq!(again["version"], 2);
    let (status, to_one) =
        rollback(json!({"environment": "dev", "version": 1}), Role::Author).await;
    assert_eq!(
        (status, to_one["version"].clone()),
        (StatusCode::OK, json!(1))
    );

    // Only versions the environment ran before; never in an empty one.
    let (status, error) =
        rollback(json!({"environment": "test", "version": 2}), Role::Author).await;
    assert_eq!(status, StatusCode::CONFLICT, "{error}");
    assert!(message(&error).contains("promote it instead"), "{error}");
    let (status, error) = rollback(json!({"environment": "test"}), Role::Author).await;
    assert_eq!(status, StatusCode::CONFLICT, "{error}");
    let (status, _) = rollback(json!({"environment": "prod"}), Role::Author).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "prod needs an operator");
    let (status, error) = rollback(json!({"environment": "prod"}), Role::Operator).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        message(&error).contains("nothing is deployed in prod"),
        "{error}"
    );
    assert_eq!(
        h.store
            .deployment(&h.checkout_id, "dev")
            .await
            .unwrap()
            .unwrap()
            .version_number,
        1,
        "the store says what the API said"
    );
    h.stop().await;
}
