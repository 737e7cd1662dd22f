//! A store, host services and the two probe runbooks, ready to run calls.

use std::sync::{Arc, OnceLock};

use serde_json::{Value, json};
use tokio::sync::Notify;
use wolfe_engine::{
    ExecutionContext, ExecutionRequest, ExecutionResult, Grant, HostContext, Quotas, Runtime,
    RuntimeConfig, Services, caller_of,
};
use wolfe_host_apis::HostLimits;
use wolfe_host_apis::providers::Providers;
use wolfe_pipeline::host::store_services;
use wolfe_pipeline::intake::Intake;
use wolfe_store::{HostCall, Store};
use wolfe_testkit::seed::{RunbookSeed, deployed_runbook};

pub const TEAM: &str = "ops";
pub const ENV: &str = "dev";

/// The two probe runbooks: same calls, same answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    Python,
    Rust,
}

pub const PROBES: [Probe; 2] = [Probe::Python, Probe::Rust];

impl Probe {
    pub fn runbook(self) -> &'static str {
        match self {
            Probe::Python => "probe-py",
            Probe::Rust => "probe-rust",
        }
    }

    fn guest(self) -> &'static str {
        match self {
            Probe::Python => "api-probe-py",
            Probe::Rust => "api-probe-rust",
        }
    }

    fn component(self) -> &'static [u8] {
        static PY: OnceLock<Vec<u8>> = OnceLock::new();
        static RUST: OnceLock<Vec<u8>> = OnceLock::new();
        let cell = match self {
            Probe::Python => &PY,
            Probe::Rust => &RUST,
        };
        cell.get_or_init(|| {
            let path = wolfe_testkit::built(&wolfe_testkit::guest_dir(self.guest()));
            std::fs::read(path).unwrap()
        })
    }
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

pub struct Harness {
    pub store: Store,
    pub intake: Arc<Intake>,
    pub services: Arc<Services>,
    pub team_id: String,
    runbook_ids: [String; 2],
    _dir: tempfile::TempDir,
}

/// One attempt of one execution.
pub struct Run {
    pub execution_id: String,
    pub result: ExecutionResult,
}

impl Run {
    /// The probe's per-call results; panics with the failure if it failed.
    pub fn results(&self) -> Vec<Value> {
        let output = self.result.output.as_ref().unwrap_or_else(|| {
            panic!(
                "probe did not succeed: {:?} {:?}",
                self.result.outcome, self.result.failure
            )
        });
        output["results"].as_array().unwrap().clone()
    }

    /// The only result of a one-call run.
    pub fn only(&self) -> Value {
        let results = self.results();
        assert_eq!(results.len(), 1, "{results:?}");
        results[0].clone()
    }
}

/// `{"ok": ...}` of a result, or a panic naming the error.
pub fn ok(result: &Value) -> Value {
    match result.get("ok") {
        Some(value) => value.clone(),
        None => panic!("expected ok, got {result}"),
    }
}

/// The error kind of a result, or a panic naming the value.
pub fn error_kind(result: &Value) -> String {
    match result.get("error") {
        Some(error) => error["kind"].as_str().unwrap().to_owned(),
        None => panic!("expected an error, got {result}"),
    }
}

pub fn call(op: &str, args: Value) -> Value {
    json!({"op": op, "args": args})
}

impl Harness {
    /// SQLite in a temp dir (`url` none) or the given database, with the
    /// store-backed services, a secrets key and `providers`.
    pub async fn start(url: Option<String>, providers: Providers) -> Self {
        Self::start_with(url, providers, HostLimits::default()).await
    }

    /// [`Harness::start`] with host limits of choice.
    pub async fn start_with(url: Option<String>, providers: Providers, limits: HostLimits) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url =
            url.unwrap_or_else(|| format!("sqlite://{}", dir.path().join("wolfe.db").display()));
        let store = Store::open(&url).await.unwrap();
        let intake = Arc::new(Intake::new(store.clone(), Arc::new(Notify::new())));
        let cipher = wolfe_store::SecretCipher::from_hex(&"11".repeat(32)).unwrap();
        let services =
            store_services(&store, intake.clone(), Some(cipher), limits).with_providers(providers);
        let mut runbook_ids = Vec::new();
        let mut team_id = String::new();
        for probe in PROBES {
            let deployed = deployed_runbook(
                &store,
                RunbookSeed {
                    team: TEAM,
                    name: probe.runbook(),
                    component: probe.component(),
                    max_attempts: 3,
                    concurrency_limit: 4,
                    environment: ENV,
                },
            )
            .await;
            team_id = deployed.team_id;
            runbook_ids.push(deployed.runbook_id);
        }
        Self {
            store,
            intake,
            services: Arc::new(services),
            team_id,
            runbook_ids: runbook_ids.try_into().unwrap(),
            _dir: dir,
        }
    }

    pub fn runbook_id(&self, probe: Probe) -> &str {
        &self.runbook_ids[probe as usize]
    }

    /// Queues an execution of `probe` performing `calls` (the row the audit
    /// trail hangs off) and returns its id.
    pub async fn queue(&self, probe: Probe, calls: &[Value], dry_run: bool) -> String {
        self.intake
            .run_manually(
                ENV,
                self.runbook_id(probe),
                json!({}),
                json!({"calls": calls}),
                dry_run,
            )
            .await
            .unwrap()
            .expect("an execution was created")
    }

    /// Runs one attempt of a queued execution in the sandbox with `grant`.
    #[allow(clippy::too_many_arguments)]
    pub async fn attempt(
        &self,
        probe: Probe,
        execution_id: &str,
        calls: &[Value],
        grant: &Grant,
        dry_run: bool,
        attempt: u32,
        event_depth: u32,
    ) -> Run {
        let runtime = runtime();
        let runbook = runtime.load(probe.component()).unwrap();
        let request = ExecutionRequest {
            context: ExecutionContext {
                execution_id: execution_id.into(),
                runbook: probe.runbook().into(),
                team: TEAM.into(),
                environment: ENV.into(),
                attempt,
                dry_run,
                params: json!({"calls": calls}),
            },
            events: Vec::new(),
        };
        let host = HostContext::new(
            caller_of(&request, event_depth),
            Arc::new(grant.clone()),
            self.services.clone(),
        );
        let result = runtime
            .execute_with(&runbook, &request, &Quotas::default(), host)
            .await
            .unwrap();
        Run {
            execution_id: execution_id.into(),
            result,
        }
    }

    /// Queues and runs the first attempt of `calls`.
    pub async fn run(&self, probe: Probe, grant: &Grant, calls: &[Value]) -> Run {
        let id = self.queue(probe, calls, false).await;
        self.attempt(probe, &id, calls, grant, false, 1, 0).await
    }

    /// Like [`Harness::run`] in dry-run mode.
    pub async fn dry_run(&self, probe: Probe, grant: &Grant, calls: &[Value]) -> Run {
        let id = self.queue(probe, calls, true).await;
        self.attempt(probe, &id, calls, grant, true, 1, 0).await
    }

    /// The execution's audit trail of host calls.
    pub async fn audit(&self, execution_id: &str) -> Vec<HostCall> {
        self.store.host_calls(execution_id).await.unwrap()
    }
}

/// A grant parsed from JSON (the shape operators write).
pub fn grant(value: Value) -> Grant {
    serde_json::from_value(value).unwrap()
}
