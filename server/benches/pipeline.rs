//! End-to-end pipeline benchmark: webhook accepted → execution finished, for
//! a trivial Python runbook, on SQLite and on PostgreSQL.
//!
//! `cargo bench -p wolfe-server --bench pipeline [-- sqlite|postgres]`
//! prints a markdown table. Requests go through `app(state)` (the real
//! router and handlers, no socket); runners, store and sandbox are the
//! production ones. Throughput is measured in several rounds (the machine is
//! shared: the best round is the one least disturbed), each with the CPU the
//! process used per event and how long its threads waited for a CPU. Latency
//! is the event's commit time to its execution's finish time as recorded in
//! the store (millisecond resolution).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::json;
use tokio::sync::Notify;
use tower::ServiceExt;
use wolfe_engine::{Runtime, RuntimeConfig};
use wolfe_ingest::{Auth, Format, SourceConfig};
use wolfe_pipeline::engine::start_engine;
use wolfe_pipeline::host::store_services;
use wolfe_pipeline::intake::{Intake, Source};
use wolfe_pipeline::runner::RunnerConfig;
use wolfe_server::{AppState, app};
use wolfe_store::Store;
use wolfe_testkit::seed::{RunbookSeed, deployed_runbook, rule};

const THROUGHPUT_EVENTS: usize = 3_000;
const ROUNDS: usize = 3;
const SENDERS: usize = 32;
const PACED_RATE: u64 = 100;
const PACED_SECONDS: u64 = 5;

struct Row {
    backend: &'static str,
    rounds: Vec<Round>,
    p50_ms: f64,
    p99_ms: f64,
}

/// One throughput round.
struct Round {
    events_per_s: f64,
    cpu_ms_per_event: f64,
    /// Time this process's threads were runnable but not running.
    waited_for_cpu: Duration,
}

impl Row {
    fn best(&self) -> &Round {
        self.rounds
            .iter()
            .max_by(|a, b| a.events_per_s.total_cmp(&b.events_per_s))
            .expect("at least one round")
    }
}

/// The default runtime sized for the runner's 32 executions in flight;
/// `WOLFE_BENCH_WARM_SLOTS` overrides the pool policy for comparisons.
fn runtime_config() -> RuntimeConfig {
    let defaults = RuntimeConfig::default();
    RuntimeConfig {
        max_concurrent_executions: 32,
        cache_dir: Some(wolfe_testkit::compiled_cache_dir()),
        warm_slots: std::env::var("WOLFE_BENCH_WARM_SLOTS").map_or(defaults.warm_slots, |n| {
            n.parse()
                .unwrap_or_else(|_| panic!("WOLFE_BENCH_WARM_SLOTS={n}"))
        }),
        ..defaults
    }
}

fn main() {
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let runtime = Arc::new(Runtime::new(runtime_config()).unwrap());
    let component = std::fs::read(wolfe_testkit::built(&wolfe_testkit::guest_dir(
        "hostile-py",
    )))
    .unwrap();
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wanted = |name: &str| only.is_empty() || only.iter().any(|o| o == name);
    let load_average = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let dir = tempfile::tempdir().unwrap();
    let mut rows = Vec::new();
    if wanted("sqlite") {
        let sqlite = format!("sqlite://{}", dir.path().join("bench.db").display());
        rows.push(tokio.block_on(measure("SQLite", &sqlite, &runtime, &component)));
    }
    if wanted("postgres") {
        let cluster = wolfe_testkit::postgres::PgCluster::start().unwrap();
        rows.push(tokio.block_on(measure(
            "PostgreSQL",
            &cluster.fresh_database(),
            &runtime,
            &component,
        )));
    }

    println!(
        "| store | sustained events/s (best of {ROUNDS} rounds of {THROUGHPUT_EVENTS} events, {SENDERS} senders) | CPU per event (that round) | p50 latency at {PACED_RATE} ev/s | p99 latency at {PACED_RATE} ev/s |"
    );
    println!("|---|---:|---:|---:|---:|");
    for row in &rows {
        let best = row.best();
        println!(
            "| {} | {:.0} | {:.2} ms | {:.1} ms | {:.1} ms |",
            row.backend, best.events_per_s, best.cpu_ms_per_event, row.p50_ms, row.p99_ms
        );
    }
    println!();
    println!(
        "Load average when the bench started: {}",
        load_average.trim()
    );
    let config = runtime_config();
    println!(
        "Runtime pools: {} slots, {} of them warm",
        config.max_concurrent_executions, config.warm_slots
    );
    for row in &rows {
        let rounds: Vec<String> = row
            .rounds
            .iter()
            .map(|r| {
                format!(
                    "{:.0}/s ({:.2} ms CPU per event, waited {:.1} s for a CPU)",
                    r.events_per_s,
                    r.cpu_ms_per_event,
                    r.waited_for_cpu.as_secs_f64()
                )
            })
            .collect();
        println!("{} rounds: {}", row.backend, rounds.join("; "));
    }
    println!();
    println!("targets: ≥ 1,000 events/s sustained and p50 ≤ 10 ms at 100 events/s with SQLite");
}

async fn measure(
    backend: &'static str,
    url: &str,
    runtime: &Arc<Runtime>,
    component: &[u8],
) -> Row {
    let store = Store::open(url).await.unwrap();
    runtime.load(component).unwrap();
    seed(&store, component).await;
    let source = Source {
        environment: "dev".into(),
        config: SourceConfig::new("bench", Format::Generic, Auth::Bearer { token: "t".into() }),
    };
    let wake = Arc::new(Notify::new());
    let intake = Arc::new(Intake::new(store.clone(), wake.clone()));
    let mut runner = RunnerConfig::new("dev", "bench-runner");
    runner.max_in_flight = 32;
    runner.poll_interval = Duration::from_millis(5);
    let engine = start_engine(
        store.clone(),
        runtime.clone(),
        wake,
        &["dev".to_owned()],
        &runner,
        Duration::from_secs(5),
        Arc::new(store_services(
            &store,
            intake.clone(),
            None,
            Default::default(),
        )),
    );
    let router = app(AppState::new(store.clone(), intake)
        .with_sources(HashMap::from([("bench".to_owned(), source)])));

    // Warm-up: the pool, the caches, the connections.
    send_many(&router, 200, 0).await;
    wait_until_finished(&store, 200).await;

    let mut rounds = Vec::new();
    let mut sent = 200;
    for round in 1..=ROUNDS {
        let (cpu, waited) = (cpu_time(), run_delay());
        let started = Instant::now();
        send_many(&router, THROUGHPUT_EVENTS, round).await;
        sent += THROUGHPUT_EVENTS as i64;
        wait_until_finished(&store, sent).await;
        let elapsed = started.elapsed();
        rounds.push(Round {
            events_per_s: THROUGHPUT_EVENTS as f64 / elapsed.as_secs_f64(),
            cpu_ms_per_event: (cpu_time() - cpu).as_secs_f64() * 1e3 / THROUGHPUT_EVENTS as f64,
            waited_for_cpu: run_delay() - waited,
        });
    }

    let mut ids = Vec::new();
    let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / PACED_RATE));
    for i in 0..PACED_RATE * PACED_SECONDS {
        tick.tick().await;
        ids.push(send(&router, &format!("paced-{i}")).await);
    }
    let total = sent + ids.len() as i64;
    wait_until_finished(&store, total).await;
    let mut latencies = Vec::new();
    for id in &ids {
        let event = store.event(id).await.unwrap().unwrap();
        let execution = &store.executions_for_event(id).await.unwrap()[0];
        latencies.push((execution.finished_at.unwrap() - event.received_at) as f64);
    }
    latencies.sort_by(f64::total_cmp);
    engine.shutdown().await;
    store.close().await;
    Row {
        backend,
        rounds,
        p50_ms: latencies[latencies.len() / 2],
        p99_ms: latencies[latencies.len() * 99 / 100],
    }
}

async fn send_many(router: &axum::Router, count: usize, round: usize) {
    let mut senders = Vec::new();
    for sender in 0..SENDERS {
        let router = router.clone();
        senders.push(tokio::spawn(async move {
            for i in (sender..count).step_by(SENDERS) {
                send(&router, &format!("r{round}-{i}")).await;
            }
        }));
    }
    for sender in senders {
        sender.await.unwrap();
    }
}

/// Posts one event and returns its id.
async fn send(router: &axum::Router, key: &str) -> String {
    let body = json!({"id": key, "type": "bench"}).to_string();
    let request = Request::post("/api/v1/events/bench")
        .header("authorization", "Bearer t")
        .body(Body::from(body))
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
        .await
        .unwrap();
    let accepted: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    accepted["event_ids"][0].as_str().unwrap().to_owned()
}

async fn wait_until_finished(store: &Store, expected: i64) {
    let deadline = Instant::now() + Duration::from_secs(300);
    while store.count_executions("succeeded").await.unwrap() < expected {
        assert!(Instant::now() < deadline, "executions did not finish");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn seed(store: &Store, component: &[u8]) {
    let deployed = deployed_runbook(
        store,
        RunbookSeed {
            team: "bench",
            name: "echo",
            component,
            max_attempts: 3,
            concurrency_limit: 64,
            environment: "dev",
        },
    )
    .await;
    let spec = json!({"source": "bench", "kind": "*", "params": {"mode": {"value": "echo"}}});
    rule(store, &deployed, "dev", "all", spec).await;
}

/// User + system CPU time of this process (`/proc/self/stat`, clock ticks
/// of 10 ms).
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("Linux /proc");
    // utime and stime are fields 14 and 15, i.e. 11 and 12 after the
    // command name (which may contain spaces).
    let ticks: u64 = stat[stat.rfind(')').unwrap() + 2..]
        .split(' ')
        .skip(11)
        .take(2)
        .map(|field| field.parse::<u64>().unwrap())
        .sum();
    Duration::from_millis(ticks * 10)
}

/// Time the threads of this process spent runnable but not running
/// (`/proc/self/task/*/schedstat`, second field, in ns).
fn run_delay() -> Duration {
    let nanos = std::fs::read_dir("/proc/self/task")
        .expect("Linux /proc")
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok())
        .filter_map(|stat| stat.split(' ').nth(1)?.parse::<u64>().ok())
        .sum();
    Duration::from_nanos(nanos)
}
