use std::sync::{Arc, OnceLock};
use std::time::Duration;

use serde_json::{Value, json};
use wolfe_engine::{
    EventInput, ExecutionContext, ExecutionRequest, ExecutionResult, Grant, HostContext,
    LoadedRunbook, Outcome, Quotas, Runtime, RuntimeConfig, Services, caller_of,
};

/// The process-wide runtime, as one Wolfe process has.
pub fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        Runtime::new(RuntimeConfig {
            max_concurrent_executions: 16,
            cache_dir: Some(wolfe_testkit::compiled_cache_dir()),
            ..RuntimeConfig::default()
        })
        .expect("runtime starts")
    })
}

fn load_guest(dir: std::path::PathBuf) -> LoadedRunbook {
    let component = wolfe_testkit::built(&dir);
    runtime().load_file(&component).expect("guest loads")
}

pub fn hostile_python() -> LoadedRunbook {
    static GUEST: OnceLock<LoadedRunbook> = OnceLock::new();
    GUEST
        .get_or_init(|| load_guest(wolfe_testkit::guest_dir("hostile-py")))
        .clone()
}

pub fn hostile_rust() -> LoadedRunbook {
    static GUEST: OnceLock<LoadedRunbook> = OnceLock::new();
    GUEST
        .get_or_init(|| load_guest(wolfe_testkit::guest_dir("hostile-rust")))
        .clone()
}

pub fn kafka_example() -> LoadedRunbook {
    static GUEST: OnceLock<LoadedRunbook> = OnceLock::new();
    GUEST
        .get_or_init(|| load_guest(wolfe_testkit::example_dir("kafka-broker-offline")))
        .clone()
}

pub fn request(params: Value, events: Vec<EventInput>) -> ExecutionRequest {
    ExecutionRequest {
        context: ExecutionContext {
            execution_id: "exec-1".into(),
            runbook: "test".into(),
            team: "sre".into(),
            environment: "dev".into(),
            attempt: 1,
            dry_run: false,
            params,
        },
        events,
    }
}

/// The example's own sample event, as the CLI would read it.
pub fn sample_event(example: &str, file: &str) -> EventInput {
    let path = wolfe_testkit::example_dir(example)
        .join("events")
        .join(file);
    let value: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    EventInput {
        id: "evt-1".into(),
        source: value["source"].as_str().unwrap().into(),
        kind: value["kind"].as_str().unwrap().into(),
        received_at: "2026-11-26T04:00:00Z".into(),
        payload: value["payload"].clone(),
    }
}

/// Quotas generous in everything but what a test is about.
pub fn quotas() -> Quotas {
    Quotas {
        fuel: 100_000_000_000,
        timeout: Duration::from_secs(30),
        ..Quotas::default()
    }
}

pub async fn run(guest: &LoadedRunbook, params: Value, quotas: &Quotas) -> ExecutionResult {
    runtime()
        .execute(guest, &request(params, vec![]), quotas)
        .await
        .expect("valid request")
}

/// After a hostile execution the same runtime still runs a healthy one.
pub async fn assert_engine_healthy(guest: &LoadedRunbook) {
    let result = run(guest, json!({"mode": "echo", "n": 7}), &quotas()).await;
    assert_eq!(result.outcome, Outcome::Succeeded, "{:?}", result.failure);
    assert_eq!(
        result.output,
        Some(json!({"params": {"mode": "echo", "n": 7}}))
    );
}

/// Host services for an execution with nothing granted and no providers.
pub fn offline_host(request: &ExecutionRequest) -> HostContext {
    HostContext::new(
        caller_of(request, 0),
        Arc::new(Grant::default()),
        Arc::new(Services::offline()),
    )
}
