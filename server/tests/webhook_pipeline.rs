//! Webhook → store → rules → queue → sandbox → result, end to end, on
//! SQLite and PostgreSQL: real HTTP handling (through `app(state)`), real
//! store, real runtime running the squelch example built from source.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};
use tokio::sync::Notify;
use tower::ServiceExt;
use wolfe_engine::{Runtime, RuntimeConfig};
use wolfe_ingest::{Auth, Format, SourceConfig};
use wolfe_pipeline::engine::{EngineHandle, start_engine};
use wolfe_pipeline::host::store_services;
use wolfe_pipeline::intake::{Intake, Source};
use wolfe_pipeline::runner::RunnerConfig;
use wolfe_server::{AppState, app};
use wolfe_store::Store;
use wolfe_testkit::seed::{RunbookSeed, deployed_runbook, rule};

const TOKEN: &str = "s3cret-alertmanager-token";

fn runtime() -> Arc<Runtime> {
    static RUNTIME: OnceLock<Arc<Runtime>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            Arc::new(
                Runtime::new(RuntimeConfig {
                    max_concurrent_executions: 8,
                    cache_dir: Some(wolfe_testkit::compiled_cache_dir()),
                    ..RuntimeConfig::default()
                })
                .unwrap(),
            )
        })
        .clone()
}

struct Harness {
    router: axum::Router,
    /// An operator token of the seeded team.
    api_token: String,
    store: Store,
    engine: Option<EngineHandle>,
    _dir: tempfile::TempDir,
}

impl Harness {
    async fn start(url: Option<String>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url =
            url.unwrap_or_else(|| format!("sqlite://{}", dir.path().join("wolfe.db").display()));
        let store = Store::open(&url).await.unwrap();
        seed(&store).await;

        let mut alertmanager = SourceConfig::new(
            "alertmanager",
            Format::Alertmanager,
            Auth::Bearer {
                token: TOKEN.into(),
            },
        );
        alertmanager.max_body_bytes = 64 << 10;
        let atlas = SourceConfig::new(
            "atlas",
            Format::Atlas,
            Auth::Bearer {
                token: TOKEN.into(),
            },
        );
        let sources = HashMap::from([
            (
                "alertmanager".to_owned(),
                Source {
                    environment: "dev".into(),
                    config: alertmanager,
                },
            ),
            (
                "atlas".to_owned(),
                Source {
                    environment: "dev".into(),
                    config: atlas,
                },
            ),
        ]);
        let wake = Arc::new(Notify::new());
        let intake = Arc::new(Intake::new(store.clone(), wake.clone()));
        let mut runner = RunnerConfig::new("dev", "test-runner");
        runner.poll_interval = Duration::from_millis(20);
        let engine = start_engine(
            store.clone(),
            runtime(),
            wake,
            &["dev".to_owned()],
            &runner,
            Duration::from_secs(1),
            Arc::new(store_services(
                &store,
                intake.clone(),
                None,
                Default::default(),
            )),
        );
        let state = AppState::new(store.clone(), intake).with_sources(sources);
        let team = store.team_by_name("payments").await.unwrap().unwrap();
        let api_token = store
            .create_token(&team.id, "ops", wolfe_store::Role::Operator, "test")
            .await
            .unwrap()
            .secret;
        Self {
            router: app(state),
            api_token,
            store,
            engine: Some(engine),
            _dir: dir,
        }
    }

    async fn post(&self, uri: &str, token: Option<&str>, body: Vec<u8>) -> (StatusCode, Value) {
        let mut request = Request::post(uri).header("content-type", "application/json");
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        self.send(request.body(Body::from(body)).unwrap()).await
    }

    async fn get(&self, uri: &str) -> (StatusCode, Value) {
        let request = Request::get(uri)
            .header("authorization", format!("Bearer {}", self.api_token))
            .body(Body::empty())
            .unwrap();
        self.send(request).await
    }

    async fn send(&self, request: Request<Body>) -> (StatusCode, Value) {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    /// Polls until the execution has ended.
    async fn finished(&self, id: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let (status, execution) = self.get(&format!("/api/v1/executions/{id}")).await;
            assert_eq!(status, StatusCode::OK, "{execution}");
            if !["queued", "running"].contains(&execution["status"].as_str().unwrap()) {
                return execution;
            }
            assert!(Instant::now() < deadline, "execution {id} never finished");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn stop(mut self) {
        if let Some(engine) = self.engine.take() {
            engine.shutdown().await;
        }
    }
}

async fn seed(store: &Store) {
    let component = wolfe_testkit::built(&wolfe_testkit::example_dir("squelch-false-positive"));
    let deployed = deployed_runbook(
        store,
        RunbookSeed {
            team: "payments",
            name: "squelch-false-positive",
            component: &std::fs::read(component).unwrap(),
            max_attempts: 3,
            concurrency_limit: 4,
            environment: "dev",
        },
    )
    .await;
    let spec = json!({
        "source": "alertmanager",
        "kind": "alert.*",
        "criteria": {"path": "$.labels.severity", "op": "eq", "value": "page"},
        "params": {
            "service": {"path": "$.labels.service", "type": "string"},
            "error_rate_threshold": {"value": 0.1},
            "summary": {"template": "{{ payload.labels.alertname }} on {{ payload.labels.service }}"}
        }
    });
    rule(store, &deployed, "dev", "page-severity", spec).await;

    // Atlas alerts go to a runbook that echoes its parameters back.
    let echo = deployed_runbook(
        store,
        RunbookSeed {
            team: "payments",
            name: "atlas-echo",
            component: &hostile_py(),
            max_attempts: 3,
            concurrency_limit: 4,
            environment: "dev",
        },
    )
    .await;
    let spec = json!({
        "source": "atlas",
        "kind": "atlas.alert.*",
        "criteria": {"path": "$.severity", "op": "eq", "value": "critical"},
        "params": {
            "mode": {"value": "echo"},
            "app": {"path": "$.tags['nf.app']", "type": "string"},
            "instance": {"path": "$.tags['nf.node']", "type": "string"},
            "cpu": {"path": "$.value", "type": "number"},
            "state": {"path": "$.state", "type": "string"}
        }
    });
    rule(store, &echo, "dev", "critical-atlas", spec).await;
}

fn hostile_py() -> Vec<u8> {
    std::fs::read(wolfe_testkit::built(&wolfe_testkit::guest_dir(
        "hostile-py",
    )))
    .unwrap()
}

fn fixture(name: &str) -> Vec<u8> {
    let path = wolfe_testkit::repo_root()
        .join("ingest/tests/fixtures/alertmanager")
        .join(name);
    std::fs::read(path).unwrap()
}

wolfe_testkit::on_both_backends!(
    super::Harness::start;
    alertmanager_alerts_become_executions_with_mapped_params,
    atlas_alerts_become_executions_with_mapped_params,
    a_newly_deployed_version_runs_the_next_event,
    bad_bodies_get_precise_errors_and_are_recorded,
    a_manual_run_executes_the_deployed_version,
);

async fn alertmanager_alerts_become_executions_with_mapped_params(h: Harness) {
    let body = fixture("firing-group.json");
    let alerts = serde_json::from_slice::<Value>(&body).unwrap()["alerts"]
        .as_array()
        .unwrap()
        .clone();
    let (status, accepted) = h
        .post("/api/v1/events/alertmanager", Some(TOKEN), body.clone())
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{accepted}");
    let events = accepted["events"].as_array().unwrap();
    assert_eq!(events.len(), alerts.len(), "one event per alert");

    for (event, alert) in events.iter().zip(&alerts) {
        let matched = alert["labels"]["severity"] == "page";
        let executions = event["executions"].as_array().unwrap();
        assert_eq!(executions.len(), usize::from(matched), "{event}");
        let Some(id) = executions.first() else {
            continue;
        };
        let execution = h.finished(id.as_str().unwrap()).await;
        assert_eq!(execution["status"], "succeeded", "{execution}");
        let service = alert["labels"]["service"].as_str().unwrap();
        assert_eq!(
            execution["params"],
            json!({
                "service": service,
                "error_rate_threshold": 0.1,
                "summary": format!("HighErrorRate on {service}"),
            })
        );
        assert!(execution["output"]["squelch"].is_boolean(), "{execution}");
        assert!(!execution["logs"].as_array().unwrap().is_empty());
    }

    // Alertmanager redelivers the same notification: nothing runs twice.
    let (status, again) = h
        .post("/api/v1/events/alertmanager", Some(TOKEN), body)
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert!(
        again["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["duplicate"] == true)
    );
    assert_eq!(again["event_ids"], accepted["event_ids"]);
    h.stop().await;
}

async fn bad_bodies_get_precise_errors_and_are_recorded(h: Harness) {
    let (status, error) = h
        .post(
            "/api/v1/events/alertmanager",
            Some(TOKEN),
            fixture("malformed-labels.json"),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"]["code"], "malformed_event");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("labels"),
        "{error}"
    );

    let (status, error) = h
        .post(
            "/api/v1/events/alertmanager",
            Some(TOKEN),
            b"{not json".to_vec(),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");

    let huge = format!("{{\"pad\": \"{}\"}}", "x".repeat(100 << 10)).into_bytes();
    let (status, error) = h
        .post("/api/v1/events/alertmanager", Some(TOKEN), huge)
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error["error"]["code"], "payload_too_large");

    let (status, error) = h
        .post(
            "/api/v1/events/alertmanager",
            Some("wrong"),
            fixture("firing-group.json"),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(!error.to_string().contains(TOKEN), "never echo the secret");
    let (status, _) = h
        .post(
            "/api/v1/events/alertmanager",
            None,
            fixture("firing-group.json"),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (status, error) = h
        .post("/api/v1/events/nagios", Some(TOKEN), b"{}".to_vec())
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error["error"]["code"], "not_found");

    let rejected = h.store.recent_events("rejected", 10).await.unwrap();
    assert_eq!(rejected.len(), 5, "every refused body is recorded");
    let malformed = rejected
        .iter()
        .find(|e| e.raw_body.as_deref() == Some(&b"{not json"[..]));
    assert!(malformed.is_some(), "the raw body is kept");
    assert_eq!(h.store.count_executions("queued").await.unwrap(), 0);
    h.stop().await;
}

async fn a_manual_run_executes_the_deployed_version(h: Harness) {
    let request = json!({
        "team": "payments", "runbook": "squelch-false-positive", "environment": "dev",
        "payload": {"status": "resolved", "labels": {"alertname": "HighErrorRate"}, "annotations": {},
                    "startsAt": "2026-11-26T00:00:00Z", "fingerprint": "f"},
    });
    let (status, created) = h
        .post(
            "/api/v1/runs",
            Some(&h.api_token),
            request.to_string().into_bytes(),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{created}");
    let execution = h.finished(created["execution_id"].as_str().unwrap()).await;
    assert_eq!(execution["status"], "succeeded", "{execution}");
    assert_eq!(
        execution["output"]["squelch"], true,
        "a resolved alert is squelched"
    );

    let (status, _) = h
        .post(
            "/api/v1/runs",
            Some("nope"),
            request.to_string().into_bytes(),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let mut prod = request.clone();
    prod["environment"] = "prod".into();
    let (status, error) = h
        .post(
            "/api/v1/runs",
            Some(&h.api_token),
            prod.to_string().into_bytes(),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error["error"]["code"], "not_deployed");
    h.stop().await;
}

async fn atlas_alerts_become_executions_with_mapped_params(h: Harness) {
    let path = wolfe_testkit::repo_root().join("ingest/tests/fixtures/atlas");
    for file in ["triggered.json", "triggered-sns.json"] {
        let body = std::fs::read(path.join(file)).unwrap();
        let (status, accepted) = h.post("/api/v1/events/atlas", Some(TOKEN), body).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{file}: {accepted}");
        let events = accepted["events"].as_array().unwrap();
        assert_eq!(events.len(), 1, "{file}");
        if events[0]["duplicate"] == true {
            // The SNS-wrapped copy is the same occurrence as the raw one.
            assert_eq!(file, "triggered-sns.json");
            continue;
        }
        let id = events[0]["executions"][0].as_str().unwrap();
        let execution = h.finished(id).await;
        assert_eq!(execution["status"], "succeeded", "{execution}");
        let expected = json!({"mode": "echo", "app": "nccp", "instance": "i-0a1b2c3d4e5f67890",
                              "cpu": 93.7, "state": "triggered"});
        assert_eq!(execution["params"], expected);
        assert_eq!(
            execution["output"],
            json!({"params": expected}),
            "the runbook saw them"
        );
    }
    let body = std::fs::read(path.join("cleared.json")).unwrap();
    let (status, accepted) = h.post("/api/v1/events/atlas", Some(TOKEN), body).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let cleared = &accepted["events"][0];
    let severity_matches = h
        .store
        .event(cleared["event_id"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap()
        .payload
        .unwrap()["severity"]
        == "critical";
    assert_eq!(
        cleared["executions"].as_array().unwrap().len(),
        usize::from(severity_matches)
    );
    h.stop().await;
}

async fn a_newly_deployed_version_runs_the_next_event(h: Harness) {
    let team = h.store.team_by_name("payments").await.unwrap().unwrap();
    let runbook = h
        .store
        .runbook_by_name(&team.id, "squelch-false-positive")
        .await
        .unwrap()
        .unwrap();
    // Version 2 of the runbook is the echo runbook: its output tells them apart.
    let bytes = hostile_py();
    let sha256 = h
        .store
        .deployment(&runbook.id, "dev")
        .await
        .unwrap()
        .unwrap()
        .artifact_sha256;
    let v2_sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&bytes))
    };
    assert_ne!(sha256, v2_sha);
    h.store.put_artifact(&v2_sha, &bytes).await.unwrap();
    let v2 = h
        .store
        .create_version(wolfe_store::NewVersion {
            runbook_id: runbook.id.clone(),
            artifact_sha256: v2_sha,
            language: "python".into(),
            source: None,
            author: "test".into(),
            message: "v2".into(),
            capabilities: None,
            build_log: None,
        })
        .await
        .unwrap();
    h.store
        .deploy(&runbook.id, "dev", &v2.id, "test")
        .await
        .unwrap();

    let deployed_at = Instant::now();
    let (status, accepted) = h
        .post(
            "/api/v1/events/alertmanager",
            Some(TOKEN),
            fixture("firing-group.json"),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let id = accepted["events"][0]["executions"][0]
        .as_str()
        .unwrap()
        .to_owned();
    let execution = h.finished(&id).await;
    assert_eq!(execution["version_id"], json!(v2.id), "picked up at once");
    // v2 is the hostile guest, which needs a `mode` this rule does not map:
    // its own KeyError proves v2 ran, not v1 (the squelch runbook).
    assert_eq!(
        execution["error"]["message"], "KeyError: 'mode'",
        "{execution}"
    );
    assert!(deployed_at.elapsed() < Duration::from_secs(30));
    h.stop().await;
}
