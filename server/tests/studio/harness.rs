//! A Studio API over a real store: teams `alpha` and `beta`, a token of
//! every role in each, and alpha's runbook `checkout` with two versions,
//! a rule, a queued execution and a secret; webhook source `hooks`
//! (generic JSON into dev, dedupe key at `/id`). Requests go through
//! `app(state)`; an engine runs only when a scenario starts one.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{Value, json};
use tokio::sync::Notify;
use tower::ServiceExt;
use wolfe_engine::{Runtime, RuntimeConfig};
use wolfe_ingest::{Auth, Format, SourceConfig};
use wolfe_pipeline::engine::{EngineHandle, start_engine};
use wolfe_pipeline::host::store_services;
use wolfe_pipeline::intake::{Intake, Source};
use wolfe_pipeline::runner::RunnerConfig;
use wolfe_server::builder::Builder;
use wolfe_server::{AppState, app};
use wolfe_store::{NewVersion, Role, SecretCipher, Store};
use wolfe_testkit::seed::{RunbookSeed, deployed_runbook, rule};

use crate::contract;

pub const ENVIRONMENTS: [&str; 3] = ["dev", "test", "prod"];

/// The bearer token of webhook source `hooks`.
pub const HOOKS_TOKEN: &str = "hooks-secret";

pub struct Harness {
    pub router: axum::Router,
    pub store: Store,
    pub intake: Arc<Intake>,
    wake: Arc<Notify>,
    /// Secrets by team name and role.
    tokens: HashMap<(&'static str, Role), String>,
    pub checkout_id: String,
    pub rule_id: String,
    pub execution_id: String,
    /// Token id of alpha's spare viewer token (for revocation).
    pub spare_token_id: String,
    engine: Option<EngineHandle>,
    _dir: tempfile::TempDir,
}

pub fn runtime() -> Arc<Runtime> {
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

pub fn echo_component() -> Vec<u8> {
    std::fs::read(wolfe_testkit::built(&wolfe_testkit::guest_dir(
        "hostile-py",
    )))
    .unwrap()
}

/// The Rust example runbook, built for wasm32-wasip2.
pub fn rust_component() -> Vec<u8> {
    std::fs::read(wolfe_testkit::built(&wolfe_testkit::example_dir(
        "disk-pressure-rust",
    )))
    .unwrap()
}

impl Harness {
    pub async fn start(url: Option<String>) -> Self {
        // A 503 names its store error in the test's output.
        let _ = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::ERROR)
            .with_test_writer()
            .try_init();
        let dir = tempfile::tempdir().unwrap();
        let url =
            url.unwrap_or_else(|| format!("sqlite://{}", dir.path().join("wolfe.db").display()));
        let store = Store::open(&url).await.unwrap();
        let component = echo_component();
        let checkout = deployed_runbook(
            &store,
            RunbookSeed {
                team: "alpha",
                name: "checkout",
                component: &component,
                max_attempts: 3,
                concurrency_limit: 4,
                environment: "test",
            },
        )
        .await;
        // Version 2 (same artifact) runs in dev, version 1 ran there before.
        store
            .deploy(&checkout.runbook_id, "dev", &checkout.version_id, "test")
            .await
            .unwrap();
        let v2 = store
            .create_version(NewVersion {
                runbook_id: checkout.runbook_id.clone(),
                artifact_sha256: checkout.sha256.clone(),
                language: "python".into(),
                source: None,
                author: "test".into(),
                message: "v2".into(),
                capabilities: None,
                build_log: None,
            })
            .await
            .unwrap();
        store
            .deploy(&checkout.runbook_id, "dev", &v2.id, "test")
            .await
            .unwrap();
        let spec = json!({"source": "alertmanager", "kind": "alert.*",
                          "params": {"mode": {"value": "echo"}}});
        let rule_id = rule(&store, &checkout, "dev", "on-alert", spec).await;
        deployed_runbook(
            &store,
            RunbookSeed {
                team: "beta",
                name: "billing",
                component: &component,
                max_attempts: 3,
                concurrency_limit: 4,
                environment: "dev",
            },
        )
        .await;

        let mut tokens = HashMap::new();
        for team_name in ["alpha", "beta"] {
            let team = store.team_by_name(team_name).await.unwrap().unwrap();
            for role in Role::ALL {
                let issued = store
                    .create_token(&team.id, role.as_str(), role, "test")
                    .await
                    .unwrap();
                tokens.insert((team_name, role), issued.secret);
            }
        }
        let alpha = store.team_by_name("alpha").await.unwrap().unwrap();
        let spare_token_id = store
            .create_token(&alpha.id, "spare", Role::Viewer, "test")
            .await
            .unwrap()
            .record
            .id;
        let cipher = SecretCipher::from_hex(&SecretCipher::generate_hex()).unwrap();
        store
            .put_secret(&cipher, &alpha.id, "dev", "db-password", "hunter2", "test")
            .await
            .unwrap();

        let wake = Arc::new(Notify::new());
        let intake = Arc::new(Intake::new(store.clone(), wake.clone()));
        let execution_id = intake
            .run_manually(
                "dev",
                &checkout.runbook_id,
                json!({}),
                json!({"mode": "echo"}),
                false,
            )
            .await
            .unwrap()
            .unwrap();
        let builder = Builder::new(wolfe_testkit::toolchain(), 2);
        let state = AppState::new(store.clone(), intake.clone())
            .with_environments(ENVIRONMENTS.map(String::from).to_vec())
            .with_secrets(Some(cipher))
            .with_builder(builder)
            .with_sources(HashMap::from([("hooks".to_owned(), hooks())]))
            .with_runtime(runtime());
        Self {
            router: app(state),
            store,
            intake,
            wake,
            tokens,
            checkout_id: checkout.runbook_id,
            rule_id,
            execution_id,
            spare_token_id,
            engine: None,
            _dir: dir,
        }
    }

    pub fn token(&self, team: &'static str, role: Role) -> &str {
        &self.tokens[&(team, role)]
    }

    /// Runners for every environment, polling often.
    pub fn start_engine(&mut self) {
        let mut runner = RunnerConfig::new("dev", "studio-test-runner");
        runner.poll_interval = Duration::from_millis(20);
        self.engine = Some(start_engine(
            self.store.clone(),
            runtime(),
            self.wake.clone(),
            &ENVIRONMENTS.map(String::from),
            &runner,
            Duration::from_secs(1),
            Arc::new(store_services(
                &self.store,
                self.intake.clone(),
                None,
                Default::default(),
            )),
        ));
    }

    pub async fn stop(mut self) {
        if let Some(engine) = self.engine.take() {
            engine.shutdown().await;
        }
    }

    /// Sends a request with `token` (none: no Authorization header) and
    /// a JSON body (none: empty body). A successful answer must be what
    /// the OpenAPI document says (`contract.rs`).
    pub async fn call(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> (StatusCode, Value) {
        let raw = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        self.call_raw(method, uri, token, raw).await
    }

    pub async fn call_raw(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: Vec<u8>,
    ) -> (StatusCode, Value) {
        let mut request = Request::builder()
            .method(method.clone())
            .uri(uri)
            .header("content-type", "application/json");
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let response = self
            .router
            .clone()
            .oneshot(request.body(Body::from(body)).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        // A live event stream does not end; its status is the answer.
        if content_type
            .as_deref()
            .is_some_and(|t| t.starts_with("text/event-stream"))
        {
            if status.is_success() {
                contract::check_success(&method, uri, status, content_type.as_deref(), None);
            }
            return (status, Value::Null);
        }
        let bytes = axum::body::to_bytes(response.into_body(), 16 << 20)
            .await
            .unwrap();
        if status.is_success() {
            contract::check_success(&method, uri, status, content_type.as_deref(), Some(&bytes));
        }
        let value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        (status, value)
    }

    /// As alpha's token of `role`.
    pub async fn alpha(
        &self,
        role: Role,
        method: Method,
        uri: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        self.call(method, uri, Some(self.token("alpha", role)), body.as_ref())
            .await
    }

    /// Polls an execution through the API until it has ended.
    pub async fn finished(&self, id: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let (status, execution) = self
                .alpha(
                    Role::Viewer,
                    Method::GET,
                    &format!("/api/v1/executions/{id}"),
                    None,
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{execution}");
            if !["queued", "running"].contains(&execution["status"].as_str().unwrap()) {
                return execution;
            }
            assert!(Instant::now() < deadline, "execution {id} never finished");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

fn hooks() -> Source {
    let mut config = SourceConfig::new(
        "hooks",
        Format::Generic,
        Auth::Bearer {
            token: HOOKS_TOKEN.into(),
        },
    );
    config.id_path = Some("/id".into());
    Source {
        environment: "dev".into(),
        config,
    }
}

/// The error code of an error response.
pub fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("<none>")
}

/// The error message of an error response.
pub fn message(body: &Value) -> &str {
    body["error"]["message"].as_str().unwrap_or("<none>")
}
