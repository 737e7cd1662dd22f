//! `POST /api/v1/executions/{id}/cancel` on SQLite and PostgreSQL: a queued
//! execution is cancelled at once; a running one is interrupted in its
//! sandbox by the runner holding it, though the cancel arrives through
//! another instance; an ended one answers 409, an unknown one 404.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};
use tokio::sync::Notify;
use tower::ServiceExt;
use wolfe_engine::{Runtime, RuntimeConfig};
use wolfe_pipeline::engine::{EngineHandle, start_engine};
use wolfe_pipeline::host::store_services;
use wolfe_pipeline::intake::Intake;
use wolfe_pipeline::runner::RunnerConfig;
use wolfe_server::{AppState, app};
use wolfe_store::{Role, Store};
use wolfe_testkit::seed::{RunbookSeed, deployed_runbook};

/// Who the audit log and the cancelled execution name.
const ACTOR: &str = "sre/canceller";

fn runtime() -> Arc<Runtime> {
    static RUNTIME: OnceLock<Arc<Runtime>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            Arc::new(
                Runtime::new(RuntimeConfig {
                    max_concurrent_executions: 4,
                    cache_dir: Some(wolfe_testkit::compiled_cache_dir()),
                    ..RuntimeConfig::default()
                })
                .unwrap(),
            )
        })
        .clone()
}

/// One instance that runs executions (one at a time), and the API of a
/// second instance on the same database, as `wolfe engine` processes are.
struct Harness {
    /// An author token of team `sre`.
    token: String,
    runner_api: axum::Router,
    other_api: axum::Router,
    store: Store,
    engine: Option<EngineHandle>,
    _dir: tempfile::TempDir,
}

fn router(store: &Store) -> axum::Router {
    let intake = Arc::new(Intake::new(store.clone(), Arc::new(Notify::new())));
    app(AppState::new(store.clone(), intake))
}

impl Harness {
    async fn start(url: Option<String>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url =
            url.unwrap_or_else(|| format!("sqlite://{}", dir.path().join("wolfe.db").display()));
        let store = Store::open(&url).await.unwrap();
        let component = std::fs::read(wolfe_testkit::built(&wolfe_testkit::guest_dir(
            "hostile-py",
        )))
        .unwrap();
        let deployed = deployed_runbook(
            &store,
            RunbookSeed {
                team: "sre",
                name: "hostile",
                component: &component,
                max_attempts: 3,
                concurrency_limit: 4,
                environment: "dev",
            },
        )
        .await;
        let token = store
            .create_token(&deployed.team_id, "canceller", Role::Author, "test")
            .await
            .unwrap()
            .secret;
        let wake = Arc::new(Notify::new());
        let intake = Arc::new(Intake::new(store.clone(), wake.clone()));
        let mut runner = RunnerConfig::new("dev", "runner-a");
        runner.max_in_flight = 1;
        runner.poll_interval = Duration::from_millis(20);
        runner.cancel_check = Duration::from_millis(100);
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
        let runner_api = app(AppState::new(store.clone(), intake));
        let other = Store::open(&url).await.unwrap();
        Self {
            token,
            runner_api,
            other_api: router(&other),
            store,
            engine: Some(engine),
            _dir: dir,
        }
    }

    async fn call(
        api: &axum::Router,
        method: &str,
        uri: &str,
        token: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        let body = if body.is_null() {
            Body::empty()
        } else {
            Body::from(body.to_string())
        };
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .header("authorization", format!("Bearer {token}"))
            .body(body)
            .unwrap();
        let response = api.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    /// Starts a manual run of the hostile runbook with `params`.
    async fn run(&self, params: Value) -> String {
        let request = json!({"team": "sre", "runbook": "hostile", "environment": "dev",
                             "payload": {}, "params": params});
        let (status, created) = Self::call(
            &self.runner_api,
            "POST",
            "/api/v1/runs",
            &self.token,
            request,
        )
        .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{created}");
        created["execution_id"].as_str().unwrap().to_owned()
    }

    async fn status(&self, id: &str) -> Value {
        let (status, execution) = Self::call(
            &self.runner_api,
            "GET",
            &format!("/api/v1/executions/{id}"),
            &self.token,
            Value::Null,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{execution}");
        execution
    }

    async fn wait_for(&self, id: &str, wanted: &str, within: Duration) -> Value {
        let deadline = Instant::now() + within;
        loop {
            let execution = self.status(id).await;
            if execution["status"] == wanted {
                return execution;
            }
            assert!(
                Instant::now() < deadline,
                "execution {id} not {wanted} within {within:?}: {execution}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Cancels through the other instance's API.
    async fn cancel(&self, id: &str, body: Value) -> (StatusCode, Value) {
        let uri = format!("/api/v1/executions/{id}/cancel");
        Self::call(&self.other_api, "POST", &uri, &self.token, body).await
    }

    async fn stop(mut self) {
        if let Some(engine) = self.engine.take() {
            engine.shutdown().await;
        }
    }
}

wolfe_testkit::on_both_backends!(
    super::Harness::start;
    a_queued_execution_is_cancelled_at_once,
    a_running_execution_is_interrupted_by_its_runner,
    ended_or_unknown_executions_cannot_be_cancelled,
);

async fn a_queued_execution_is_cancelled_at_once(h: Harness) {
    // The runner runs one execution at a time: the sleeper holds it.
    let sleeper = h.run(json!({"mode": "sleep", "seconds": 60})).await;
    h.wait_for(&sleeper, "running", Duration::from_secs(60))
        .await;
    let queued = h.run(json!({"mode": "echo"})).await;
    assert_eq!(h.status(&queued).await["status"], "queued");

    let (status, body) = h.cancel(&queued, json!({"reason": "duplicate page"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["previous_status"], "queued");
    let execution = h.status(&queued).await;
    assert_eq!(execution["status"], "cancelled");
    assert_eq!(
        execution["error"]["message"],
        format!("cancelled by {ACTOR}: duplicate page")
    );

    let entry = h
        .store
        .audit_log(10)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.action == "execution.cancel")
        .expect("the cancel is audited");
    assert_eq!(entry.actor, ACTOR);
    assert_eq!(entry.target, queued);
    assert_eq!(entry.detail.unwrap()["reason"], "duplicate page");

    h.cancel(&sleeper, Value::Null).await;
    h.stop().await;
}

async fn a_running_execution_is_interrupted_by_its_runner(h: Harness) {
    let sleeper = h.run(json!({"mode": "sleep", "seconds": 60})).await;
    h.wait_for(&sleeper, "running", Duration::from_secs(60))
        .await;
    let next = h.run(json!({"mode": "echo", "n": 1})).await;

    let cancelled_at = Instant::now();
    let (status, body) = h.cancel(&sleeper, Value::Null).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["previous_status"], "running");
    assert_eq!(h.status(&sleeper).await["status"], "cancelled", "at once");

    // The runner's only slot is freed by stopping the sleeper's sandbox,
    // not by its sleep ending (60 s, cut at the default 10 s deadline):
    // the next execution runs right away.
    let done = h.wait_for(&next, "succeeded", Duration::from_secs(5)).await;
    assert!(
        cancelled_at.elapsed() < Duration::from_secs(5),
        "{:?}",
        cancelled_at.elapsed()
    );
    assert_eq!(done["output"], json!({"params": {"mode": "echo", "n": 1}}));
    let sleeper = h.status(&sleeper).await;
    assert_eq!(
        sleeper["status"], "cancelled",
        "the late result is not recorded"
    );
    assert_eq!(sleeper["output"], Value::Null);

    h.stop().await;
}

async fn ended_or_unknown_executions_cannot_be_cancelled(h: Harness) {
    let quick = h.run(json!({"mode": "echo"})).await;
    h.wait_for(&quick, "succeeded", Duration::from_secs(60))
        .await;
    let (status, body) = h.cancel(&quick, Value::Null).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "already_finished");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("succeeded")
    );
    assert_eq!(h.status(&quick).await["status"], "succeeded", "unchanged");

    let (status, body) = h.cancel("no-such-execution", Value::Null).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");

    let uri = format!("/api/v1/executions/{quick}/cancel");
    let (status, _) = Harness::call(&h.other_api, "POST", &uri, "wrong", Value::Null).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = h.cancel(&quick, json!({"why": "unknown field"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        h.store
            .audit_log(10)
            .await
            .unwrap()
            .iter()
            .all(|a| a.action != "execution.cancel"),
        "nothing cancelled, nothing audited"
    );
    h.stop().await;
}
