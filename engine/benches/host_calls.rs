//! What host calls cost a runbook.
//!
//! `cargo bench -p wolfe-engine --bench host_calls` prints a markdown table
//! for BENCHMARKS.md:
//! - the overhead of one host call, guest → host → guest with no I/O: the
//!   probe runbooks (`testkit/guests/api-probe-*`) making N `kv.get` calls
//!   against the in-memory kv, minus the same run with one call, over N - 1;
//! - a Python (and Rust) runbook making 10 kv calls and one HTTP GET to a
//!   loopback server, per execution: p50, p99 and throughput on 2 threads.
//!
//! The kv here is the in-memory one (`MemoryKv`) so that what is measured
//! is the host-call path, not a database; the store-backed kv costs what
//! its SQL statement costs on top. Without `--bench` every scenario runs a
//! few times as a smoke test.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wolfe_engine::{
    ExecutionContext, ExecutionRequest, Grant, HostContext, LoadedRunbook, Outcome, Quotas,
    Runtime, RuntimeConfig, Services, caller_of,
};
use wolfe_host_apis::kv::MemoryKv;
use wolfe_host_apis::providers::http::{HttpConfig, HttpProvider};
use wolfe_testkit::peers::http_echo::HttpEcho;

const THREADS: usize = 2;
/// Host calls in the overhead runs.
const MANY: usize = 1_000;
const CALL_OVERHEAD_TARGET: Duration = Duration::from_micros(10);

struct Bench {
    runtime: Arc<Runtime>,
    services: Arc<Services>,
    grant: Arc<Grant>,
    tokio: tokio::runtime::Runtime,
}

impl Bench {
    fn execute(&self, runbook: &LoadedRunbook, calls: &Value) -> Duration {
        let request = ExecutionRequest {
            context: ExecutionContext {
                execution_id: "bench".into(),
                runbook: "probe".into(),
                team: "bench".into(),
                environment: "dev".into(),
                attempt: 1,
                dry_run: false,
                params: json!({"calls": calls}),
            },
            events: Vec::new(),
        };
        let host = HostContext::new(
            caller_of(&request, 0),
            self.grant.clone(),
            self.services.clone(),
        );
        let started = Instant::now();
        let result = self
            .tokio
            .block_on(
                self.runtime
                    .execute_with(runbook, &request, &Quotas::default(), host),
            )
            .expect("valid request");
        let elapsed = started.elapsed();
        assert_eq!(result.outcome, Outcome::Succeeded, "{:?}", result.failure);
        let results = result.output.expect("output")["results"].clone();
        assert!(
            results
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r.get("ok").is_some()),
            "every call succeeds: {results}"
        );
        elapsed
    }

    /// Median of `runs` executions of `calls`.
    fn median(&self, runbook: &LoadedRunbook, calls: &Value, runs: usize) -> Duration {
        let mut times: Vec<Duration> = (0..runs).map(|_| self.execute(runbook, calls)).collect();
        times.sort();
        times[times.len() / 2]
    }

    /// Sequential latencies, then throughput with THREADS concurrent loops.
    fn latency_and_throughput(
        self: &Arc<Self>,
        runbook: &LoadedRunbook,
        calls: &Value,
        runs: usize,
    ) -> (Duration, Duration, f64) {
        let mut times: Vec<Duration> = (0..runs).map(|_| self.execute(runbook, calls)).collect();
        times.sort();
        let p50 = times[times.len() / 2];
        let p99 = times[(times.len() * 99 / 100).min(times.len() - 1)];
        let started = Instant::now();
        std::thread::scope(|scope| {
            for _ in 0..THREADS {
                scope.spawn(|| {
                    for _ in 0..runs / THREADS {
                        self.execute(runbook, calls);
                    }
                });
            }
        });
        let per_second = (runs / THREADS * THREADS) as f64 / started.elapsed().as_secs_f64();
        (p50, p99, per_second)
    }
}

fn kv_get(n: usize) -> Value {
    let call = json!({"op": "kv.get", "args": {"scope": "runbook", "key": "broker/3"}});
    Value::Array(vec![call; n])
}

fn kv_and_http(url: &str) -> Value {
    let mut calls = Vec::new();
    for i in 0..5 {
        calls.push(json!({"op": "kv.set", "args": {"scope": "runbook", "key": format!("k{i}"), "value": "v", "ttl_seconds": null}}));
        calls.push(json!({"op": "kv.get", "args": {"scope": "runbook", "key": format!("k{i}")}}));
    }
    calls.push(json!({"op": "http.send", "args": {"method": "GET", "url": url, "headers": [], "body": null, "timeout_ms": 5000}}));
    Value::Array(calls)
}

fn micros(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

fn millis(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    let full = std::env::args().any(|arg| arg == "--bench");
    let (repeats, runs) = if full { (201, 2_000) } else { (3, 4) };
    let runtime = Arc::new(
        Runtime::new(RuntimeConfig {
            cache_dir: Some(wolfe_testkit::compiled_cache_dir()),
            ..RuntimeConfig::default()
        })
        .expect("runtime starts"),
    );
    let echo = HttpEcho::start();
    let services = Services {
        kv: Some(Arc::new(MemoryKv::default())),
        http: Some(Arc::new(HttpProvider::new(HttpConfig::default()).unwrap())),
        ..Services::offline()
    };
    let grant: Grant = serde_json::from_value(json!({
        "kv": "runbook",
        "http": [format!("http://127.0.0.1:{}", echo.port())],
    }))
    .unwrap();
    let bench = Arc::new(Bench {
        runtime: runtime.clone(),
        services: Arc::new(services),
        grant: Arc::new(grant),
        tokio: tokio::runtime::Builder::new_multi_thread()
            .worker_threads(THREADS)
            .enable_all()
            .build()
            .unwrap(),
    });
    let load = |guest: &str| {
        let path = wolfe_testkit::built(&wolfe_testkit::guest_dir(guest));
        runtime.load_file(&path).expect("probe loads")
    };
    let probes = [
        ("Python", load("api-probe-py")),
        ("Rust", load("api-probe-rust")),
    ];

    println!("| runbook | measure | result | target |");
    println!("|---|---|---|---|");
    for (language, probe) in &probes {
        bench.execute(probe, &kv_get(MANY)); // warm up
        let one = bench.median(probe, &kv_get(1), repeats);
        let many = bench.median(probe, &kv_get(MANY), repeats);
        let per_call = many.saturating_sub(one) / (MANY as u32 - 1);
        let verdict = if per_call <= CALL_OVERHEAD_TARGET {
            "met"
        } else {
            "MISSED"
        };
        println!(
            "| {language} probe | one host call (kv.get, no I/O), guest → host → guest | {} | ≤ {} ({verdict}) |",
            micros(per_call),
            micros(CALL_OVERHEAD_TARGET),
        );
    }
    let calls = kv_and_http(&echo.url("/"));
    for (language, probe) in &probes {
        bench.execute(probe, &calls);
        let (p50, p99, per_second) = bench.latency_and_throughput(probe, &calls, runs);
        println!(
            "| {language} probe | 10 kv calls + 1 HTTP GET to loopback: p50 / p99 / throughput (2 threads) | {} / {} / {per_second:.0}/s | – |",
            millis(p50),
            millis(p99),
        );
    }
    let load_average = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("\n_load average at the end: {}_", load_average.trim());
}
