//! How fast the sandbox runs a runbook, against the process-per-event
//! baseline it replaces, and what 64 Python executions in flight cost.
//!
//! `cargo bench -p wolfe-engine --bench executions` prints a markdown table
//! for BENCHMARKS.md. Without `--bench` (e.g. `cargo test --all-targets`)
//! every scenario runs a handful of times as a smoke test and no target is
//! judged.
//!
//! What is timed is `Runtime::execute` from the caller's side: a fresh store,
//! instantiation from the pooling allocator, the call, and the outcome. The
//! components come from the testkit's compiled cache and are loaded before
//! anything is timed, so compilation is never measured.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wolfe_engine::{
    EventInput, ExecutionContext, ExecutionRequest, ExecutionResult, LoadedRunbook, Outcome,
    Quotas, Runtime, RuntimeConfig,
};

mod in_flight;
mod measure;
mod report;
mod sandboxed;
mod subprocess;

use in_flight::*;
use measure::*;
use report::*;
use sandboxed::*;
use subprocess::*;

/// Worker threads of the tokio runtime, and concurrent tasks or spawners in
/// the throughput runs: one per core of the reference machine.
const THREADS: usize = 2;
/// Python executions in flight at once for the memory scenario.
const IN_FLIGHT: usize = 64;
/// How long each of those sleeps, so that all of them overlap.
const IN_FLIGHT_SLEEP_SECONDS: f64 = 0.5;

/// Iteration counts of one scenario.
#[derive(Clone, Copy)]
struct Counts {
    warm_up: usize,
    latency: usize,
    throughput: usize,
}

struct Plan {
    python: Counts,
    rust: Counts,
    subprocess: Counts,
}

impl Plan {
    fn full() -> Self {
        Self {
            python: Counts {
                warm_up: 200,
                latency: 10_000,
                throughput: 20_000,
            },
            rust: Counts {
                warm_up: 2_000,
                latency: 50_000,
                throughput: 100_000,
            },
            subprocess: Counts {
                warm_up: 10,
                latency: 1_000,
                throughput: 600,
            },
        }
    }

    fn smoke() -> Self {
        let counts = Counts {
            warm_up: 1,
            latency: 4,
            throughput: 4,
        };
        Self {
            python: counts,
            rust: counts,
            subprocess: counts,
        }
    }
}

/// Targets the runtime is held to; printed with the table.
const PYTHON_P50_TARGET: Duration = Duration::from_micros(1_500);
const PYTHON_THROUGHPUT_TARGET: f64 = 1_500.0;
const RUST_P50_TARGET: Duration = Duration::from_micros(50);
const SPEEDUP_TARGET: f64 = 10.0;
/// Judged on PSS: see BENCHMARKS.md, "Which memory figure".
const MEMORY_TARGET_MB: f64 = 200.0;

fn main() {
    let full = std::env::args().any(|arg| arg == "--bench");
    let load_average = std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split(' ').take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    let plan = if full { Plan::full() } else { Plan::smoke() };
    let started = Instant::now();

    let tokio = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(THREADS)
        .enable_all()
        .build()
        .expect("tokio runtime starts");
    let config = runtime_config();
    let runtime = Arc::new(Runtime::new(config.clone()).expect("runtime starts"));
    let cached_before = compiled_cache();
    let kafka = load(&runtime, wolfe_testkit::example_dir("kafka-broker-offline"));
    let disk = load(&runtime, wolfe_testkit::example_dir("disk-pressure-rust"));
    let hostile = load(&runtime, wolfe_testkit::guest_dir("hostile-py"));
    if compiled_cache() != cached_before && std::env::var_os(RESTARTED).is_none() {
        // Compiling left Cranelift's garbage in this process's heap and the
        // code in anonymous memory, where the cache would have mapped a file:
        // start over, now that the cache holds everything.
        eprintln!("compiled components into the cache; restarting the bench");
        drop(runtime);
        let status = Command::new(std::env::current_exe().unwrap())
            .args(std::env::args_os().skip(1))
            .env(RESTARTED, "1")
            .status()
            .expect("bench restarts");
        std::process::exit(status.code().unwrap_or(1));
    }

    let kafka_event = "broker-down-healthy-host.json";
    let kafka_request = Arc::new(request(
        json!({}),
        vec![sample_event("kafka-broker-offline", kafka_event)],
    ));
    let disk_request = Arc::new(request(
        json!({}),
        vec![sample_event("disk-pressure-rust", "disk-filling-fast.json")],
    ));
    let quotas = Arc::new(Quotas::default());

    let python = Sandboxed {
        runtime: runtime.clone(),
        runbook: kafka,
        request: kafka_request.clone(),
        quotas: quotas.clone(),
    };
    let python_check = python.check(&tokio, |result| {
        assert!(
            !result.logs.records.is_empty(),
            "the Kafka runbook logs through wolfe.log"
        );
    });
    let python_run = python.measure(&tokio, plan.python, &python_check);

    let rust = Sandboxed {
        runtime: runtime.clone(),
        runbook: disk,
        request: disk_request,
        quotas: quotas.clone(),
    };
    let rust_check = rust.check(&tokio, |_| {});
    let rust_run = rust.measure(&tokio, plan.rust, &rust_check);

    let baseline = Subprocess::new(&kafka_request.events[0]);
    assert_eq!(
        baseline.run_once(),
        python_check.output.clone().expect("succeeded"),
        "the baseline decides exactly what the sandboxed runbook decides"
    );
    let baseline_run = baseline.measure(plan.subprocess);

    let memory = in_flight(&tokio, &runtime, &hostile);

    let report = Report {
        full,
        load_average,
        python: python_run,
        rust: rust_run,
        baseline: baseline_run,
        memory,
        python_check,
        config,
    };
    report.print();
    println!(
        "\n_Bench wall time: {:.0} s._",
        started.elapsed().as_secs_f64()
    );
}

/// One runtime sized for `IN_FLIGHT` executions, as a Wolfe process would
/// be. `WOLFE_BENCH_WARM_SLOTS` and `WOLFE_BENCH_KEEP_RESIDENT` (bytes)
/// override the defaults, to compare pool policies back to back.
fn runtime_config() -> RuntimeConfig {
    let env = |name| {
        let value = std::env::var(name).ok()?;
        Some(
            value
                .parse::<u64>()
                .unwrap_or_else(|_| panic!("{name}={value}")),
        )
    };
    let defaults = RuntimeConfig::default();
    RuntimeConfig {
        max_concurrent_executions: IN_FLIGHT as u32,
        cache_dir: Some(wolfe_testkit::compiled_cache_dir()),
        warm_slots: env("WOLFE_BENCH_WARM_SLOTS").map_or(defaults.warm_slots, |n| n as u32),
        keep_resident_bytes: env("WOLFE_BENCH_KEEP_RESIDENT")
            .unwrap_or(defaults.keep_resident_bytes),
        ..defaults
    }
}

/// Set in the environment of a bench restarted after filling the cache.
const RESTARTED: &str = "WOLFE_BENCH_RESTARTED";

/// The files of the compiled-component cache.
fn compiled_cache() -> Vec<std::ffi::OsString> {
    let mut names: Vec<_> = std::fs::read_dir(wolfe_testkit::compiled_cache_dir())
        .map(|dir| dir.filter_map(|e| Some(e.ok()?.file_name())).collect())
        .unwrap_or_default();
    names.sort();
    names
}

fn load(runtime: &Runtime, dir: PathBuf) -> LoadedRunbook {
    let component = wolfe_testkit::built(&dir);
    runtime
        .load_file(&component)
        .unwrap_or_else(|e| panic!("loading {}: {e}", component.display()))
}

fn request(params: Value, events: Vec<EventInput>) -> ExecutionRequest {
    ExecutionRequest {
        context: ExecutionContext {
            execution_id: "bench-1".into(),
            runbook: "bench".into(),
            team: "sre".into(),
            environment: "prod".into(),
            attempt: 1,
            dry_run: false,
            params,
        },
        events,
    }
}

/// An example's own sample event, as the CLI would read it.
fn sample_event(example: &str, file: &str) -> EventInput {
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
