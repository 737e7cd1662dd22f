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
const RSS_TARGET_MB: f64 = 200.0;

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
    let runtime = Arc::new(
        Runtime::new(RuntimeConfig {
            max_concurrent_executions: IN_FLIGHT as u32,
            cache_dir: Some(wolfe_testkit::compiled_cache_dir()),
            ..RuntimeConfig::default()
        })
        .expect("runtime starts"),
    );
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
    };
    report.print();
    println!(
        "\n_Bench wall time: {:.0} s._",
        started.elapsed().as_secs_f64()
    );
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

/// Latencies of one sequential run plus the throughput of a concurrent one.
struct Measured {
    latency: Samples,
    throughput: Throughput,
    /// Per-execution breakdown reported by the runtime (sandboxed runs only).
    breakdown: Option<Breakdown>,
}

struct Throughput {
    executions: usize,
    elapsed: Duration,
    /// CPU time spent meanwhile, by this process and its reaped children.
    cpu: Duration,
    /// Time this process's threads were ready to run but waiting for a CPU.
    run_delay: Duration,
}

impl Throughput {
    /// Runs `work`, which returns how many executions it did, and times it.
    fn time(work: impl FnOnce() -> usize) -> Self {
        let (start, cpu_before, delay_before) = (Instant::now(), cpu_time(), run_delay());
        let executions = work();
        Self {
            executions,
            elapsed: start.elapsed(),
            cpu: cpu_time() - cpu_before,
            run_delay: run_delay().saturating_sub(delay_before),
        }
    }

    fn per_second(&self) -> f64 {
        self.executions as f64 / self.elapsed.as_secs_f64()
    }

    /// Cores kept busy on average: below `THREADS` means the workers waited
    /// (or other processes on the machine took the CPU).
    fn cores_busy(&self) -> f64 {
        self.cpu.as_secs_f64() / self.elapsed.as_secs_f64()
    }

    /// CPU time per execution.
    fn cpu_per_execution(&self) -> Duration {
        self.cpu / self.executions as u32
    }
}

/// Time the threads of this process spent runnable but not running, summed
/// over its threads (`/proc/self/task/*/schedstat`, second field, in ns).
fn run_delay() -> Duration {
    let tasks = std::fs::read_dir("/proc/self/task").expect("Linux /proc");
    let nanos = tasks
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok())
        .filter_map(|stat| stat.split(' ').nth(1)?.parse::<u64>().ok())
        .sum();
    Duration::from_nanos(nanos)
}

/// User + system CPU time of this process and of its children it waited for
/// (`/proc/self/stat`, in clock ticks of 10 ms).
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("Linux /proc");
    // Fields after the command name, which may contain spaces: utime, stime,
    // cutime and cstime are fields 14 to 17, so 11 to 14 from here.
    let fields: Vec<u64> = stat[stat.rfind(')').unwrap() + 2..]
        .split(' ')
        .skip(11)
        .take(4)
        .map(|field| field.parse().unwrap())
        .collect();
    Duration::from_millis(fields.iter().sum::<u64>() * 10)
}

/// Where the time of a sandboxed execution goes, as `ExecutionResult` says.
struct Breakdown {
    instantiation: Samples,
    /// The guest call and classifying its result.
    call: Samples,
    /// Caller-side time outside the runtime's own `wall_time`: building the
    /// store before it, and dropping it after (which returns the instance's
    /// pool slot and resets its memory).
    outside: Samples,
    fuel: u64,
    peak_memory: u64,
}

struct Samples(Vec<Duration>);

impl Samples {
    fn new(mut samples: Vec<Duration>) -> Self {
        samples.sort_unstable();
        Self(samples)
    }

    /// Nearest-rank percentile.
    fn percentile(&self, p: f64) -> Duration {
        let rank = ((p / 100.0) * self.0.len() as f64).ceil() as usize;
        self.0[rank.clamp(1, self.0.len()) - 1]
    }

    fn p50(&self) -> Duration {
        self.percentile(50.0)
    }

    fn p99(&self) -> Duration {
        self.percentile(99.0)
    }

    fn len(&self) -> usize {
        self.0.len()
    }
}

/// One runbook run in the sandbox, over and over.
struct Sandboxed {
    runtime: Arc<Runtime>,
    runbook: LoadedRunbook,
    request: Arc<ExecutionRequest>,
    quotas: Arc<Quotas>,
}

/// The timings of one sandboxed execution.
struct Run {
    /// Caller-side.
    elapsed: Duration,
    /// The runtime's own, from `ExecutionResult`.
    wall_time: Duration,
    instantiation_time: Duration,
}

impl Sandboxed {
    async fn execute(&self) -> ExecutionResult {
        let result = self
            .runtime
            .execute(&self.runbook, &self.request, &self.quotas)
            .await
            .expect("valid request");
        assert_eq!(result.outcome, Outcome::Succeeded, "{:?}", result.failure);
        result
    }

    /// Runs `count` executions one after another on a worker thread.
    async fn sequential(&self, count: usize) -> Vec<Run> {
        let mut runs = Vec::with_capacity(count);
        for _ in 0..count {
            let start = Instant::now();
            let result = self.execute().await;
            let elapsed = start.elapsed();
            runs.push(Run {
                elapsed,
                wall_time: result.wall_time,
                instantiation_time: result.instantiation_time,
            });
        }
        runs
    }

    fn clone_handle(&self) -> Self {
        Self {
            runtime: self.runtime.clone(),
            runbook: self.runbook.clone(),
            request: self.request.clone(),
            quotas: self.quotas.clone(),
        }
    }

    /// One execution, checked by `check`, whose result is kept for the report.
    fn check(
        &self,
        tokio: &tokio::runtime::Runtime,
        check: impl FnOnce(&ExecutionResult),
    ) -> ExecutionResult {
        let this = self.clone_handle();
        let result = tokio
            .block_on(tokio.spawn(async move { this.execute().await }))
            .unwrap();
        check(&result);
        result
    }

    fn measure(
        &self,
        tokio: &tokio::runtime::Runtime,
        counts: Counts,
        checked: &ExecutionResult,
    ) -> Measured {
        // Warm up with the same concurrency as the throughput run, so every
        // pool slot and worker thread it will use has been touched.
        self.concurrent(tokio, counts.warm_up * THREADS);

        let this = self.clone_handle();
        let runs = tokio
            .block_on(tokio.spawn(async move { this.sequential(counts.latency).await }))
            .unwrap();
        let breakdown = Breakdown {
            instantiation: Samples::new(runs.iter().map(|r| r.instantiation_time).collect()),
            call: Samples::new(
                runs.iter()
                    .map(|r| r.wall_time - r.instantiation_time)
                    .collect(),
            ),
            outside: Samples::new(
                runs.iter()
                    .map(|r| r.elapsed.saturating_sub(r.wall_time))
                    .collect(),
            ),
            fuel: checked.fuel_consumed,
            peak_memory: checked.peak_memory_bytes,
        };
        let latency = Samples::new(runs.iter().map(|r| r.elapsed).collect());

        let throughput = self.concurrent(tokio, counts.throughput);
        Measured {
            latency,
            throughput,
            breakdown: Some(breakdown),
        }
    }

    /// `total` executions split over `THREADS` concurrent tasks.
    fn concurrent(&self, tokio: &tokio::runtime::Runtime, total: usize) -> Throughput {
        let per_task = total.div_ceil(THREADS);
        Throughput::time(|| {
            let tasks: Vec<_> = (0..THREADS)
                .map(|_| {
                    let this = self.clone_handle();
                    tokio.spawn(async move { this.sequential(per_task).await.len() })
                })
                .collect();
            tokio.block_on(async {
                let mut done = 0;
                for task in tasks {
                    done += task.await.unwrap();
                }
                done
            })
        })
    }
}

/// The runbook run StackStorm-style: one Python process per event, importing
/// the runbook's source and running its handler with the SDK's test runner.
struct Subprocess {
    python: PathBuf,
    runbook: PathBuf,
    pycache: PathBuf,
    stdin: Vec<u8>,
}

/// Reads one event from stdin, runs the runbook on it, prints the output
/// document; log records go to stderr, as a process-per-event runner would
/// collect them.
const DRIVER: &str = r#"
import json, sys
from wolfe.testing import event, load_runbook, run

sample = json.load(sys.stdin)
runbook = load_runbook(sys.argv[1])
result = run(
    runbook.handle,
    [event(sample["payload"], source=sample["source"], kind=sample["kind"],
           id=sample["id"], received_at=sample["received_at"])],
    params=sample["params"],
)
for record in result.logs:
    print(json.dumps({"level": str(record.level), "message": record.message,
                      "fields": record.fields}), file=sys.stderr)
if not result.succeeded:
    print(result.failure, file=sys.stderr)
    sys.exit(1)
print(result.output_json)
"#;

impl Subprocess {
    fn new(event: &EventInput) -> Self {
        let root = wolfe_testkit::repo_root();
        let python = root.join(".venv/bin/python");
        assert!(
            python.is_file(),
            "{} is missing: run ./scripts/setup.sh",
            python.display()
        );
        let stdin = serde_json::to_vec(&json!({
            "id": event.id,
            "source": event.source,
            "kind": event.kind,
            "received_at": event.received_at,
            "payload": event.payload,
            "params": {},
        }))
        .unwrap();
        Self {
            python,
            runbook: wolfe_testkit::example_dir("kafka-broker-offline").join("main.py"),
            // Bytecode is cached (stdlib, SDK and runbook alike), as it
            // would be on a real runner, but outside the source tree.
            pycache: wolfe_testkit::target_dir().join("wolfe-bench-pycache"),
            stdin,
        }
    }

    /// Spawns one process for one event and returns its output document.
    fn run_once(&self) -> Value {
        let mut child = Command::new(&self.python)
            .arg("-c")
            .arg(DRIVER)
            .arg(&self.runbook)
            .env("PYTHONPYCACHEPREFIX", &self.pycache)
            // Otherwise every process compiles every module it imports.
            .env_remove("PYTHONDONTWRITEBYTECODE")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python starts");
        child.stdin.take().unwrap().write_all(&self.stdin).unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "driver failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).expect("driver prints JSON")
    }

    fn sequential(&self, count: usize) -> Vec<Duration> {
        (0..count)
            .map(|_| {
                let start = Instant::now();
                self.run_once();
                start.elapsed()
            })
            .collect()
    }

    fn concurrent(&self, total: usize) -> Throughput {
        let per_thread = total.div_ceil(THREADS);
        Throughput::time(|| {
            std::thread::scope(|scope| {
                let spawners: Vec<_> = (0..THREADS)
                    .map(|_| scope.spawn(|| self.sequential(per_thread).len()))
                    .collect();
                spawners.into_iter().map(|s| s.join().unwrap()).sum()
            })
        })
    }

    fn measure(&self, counts: Counts) -> Measured {
        self.sequential(counts.warm_up);
        let latency = Samples::new(self.sequential(counts.latency));
        let throughput = self.concurrent(counts.throughput);
        Measured {
            latency,
            throughput,
            breakdown: None,
        }
    }
}

/// Host memory while `IN_FLIGHT` Python executions are instantiated at once.
struct InFlight {
    idle: Memory,
    /// Highest sample while every execution was instantiated and none had
    /// finished its call.
    all_in_flight: Memory,
    /// How long that lasted, and how many samples fell in it.
    window: Duration,
    window_samples: usize,
    /// Highest sample over the whole burst, teardown included.
    burst_peak: Memory,
    /// Once every execution has finished: what the pool keeps resident.
    after: Memory,
    hwm_kib: u64,
    elapsed: Duration,
    guest_peak_memory: u64,
}

/// Resident memory of this process, from `/proc/self/status`, and its
/// proportional set size from `/proc/self/smaps_rollup` when taken.
#[derive(Default, Clone, Copy)]
struct Memory {
    rss_kib: u64,
    anon_kib: u64,
    file_kib: u64,
    shmem_kib: u64,
    /// Shared pages count once, split between their sharers.
    pss_kib: Option<u64>,
}

impl Memory {
    fn now(with_pss: bool) -> Self {
        let status = std::fs::read_to_string("/proc/self/status").expect("Linux /proc");
        let pss_kib = with_pss.then(|| {
            let rollup = std::fs::read_to_string("/proc/self/smaps_rollup").expect("Linux /proc");
            kib_field(&rollup, "Pss")
        });
        Self {
            rss_kib: kib_field(&status, "VmRSS"),
            anon_kib: kib_field(&status, "RssAnon"),
            file_kib: kib_field(&status, "RssFile"),
            shmem_kib: kib_field(&status, "RssShmem"),
            pss_kib,
        }
    }

    /// The sample with the highest VmRSS, keeping the highest PSS seen.
    fn peak<'a>(samples: impl IntoIterator<Item = &'a Memory>) -> Self {
        let mut peak = Self::default();
        for sample in samples {
            let pss_kib = peak.pss_kib.max(sample.pss_kib);
            if sample.rss_kib > peak.rss_kib {
                peak = *sample;
            }
            peak.pss_kib = pss_kib;
        }
        peak
    }

    fn describe(&self) -> String {
        let pss = self
            .pss_kib
            .map_or(String::new(), |kib| format!("; PSS {:.0} MB", mb(kib)));
        format!(
            "VmRSS {:.0} MB = anonymous {:.0} + file-backed {:.0} + shmem {:.0}{pss}",
            mb(self.rss_kib),
            mb(self.anon_kib),
            mb(self.file_kib),
            mb(self.shmem_kib),
        )
    }
}

fn in_flight(
    tokio: &tokio::runtime::Runtime,
    runtime: &Arc<Runtime>,
    hostile: &LoadedRunbook,
) -> InFlight {
    // The pool slots used by the scenarios before are part of it.
    let idle = Memory::now(true);
    let request = Arc::new(request(
        json!({"mode": "sleep", "seconds": IN_FLIGHT_SLEEP_SECONDS}),
        vec![],
    ));
    let quotas = Arc::new(Quotas::default());
    let done = Arc::new(AtomicBool::new(false));
    let sampler = std::thread::spawn({
        let done = done.clone();
        move || {
            let mut samples = Vec::new();
            for tick in 0.. {
                if done.load(Ordering::Relaxed) {
                    break;
                }
                // Every 5 ms; PSS walks the page tables, so every 25 ms.
                samples.push((Instant::now(), Memory::now(tick % 5 == 0)));
                std::thread::sleep(Duration::from_millis(5));
            }
            samples
        }
    });
    let start = Instant::now();
    let tasks: Vec<_> = (0..IN_FLIGHT)
        .map(|_| {
            let (runtime, runbook) = (runtime.clone(), hostile.clone());
            let (request, quotas) = (request.clone(), quotas.clone());
            tokio.spawn(async move {
                let started = Instant::now();
                let result = runtime.execute(&runbook, &request, &quotas).await;
                (started, result.expect("valid request"))
            })
        })
        .collect();
    let runs: Vec<(Instant, ExecutionResult)> = tokio.block_on(async {
        let mut runs = Vec::new();
        for task in tasks {
            runs.push(task.await.unwrap());
        }
        runs
    });
    let elapsed = start.elapsed();
    std::thread::sleep(Duration::from_millis(20));
    done.store(true, Ordering::Relaxed);
    let samples = sampler.join().unwrap();
    let after = Memory::now(true);

    for (_, result) in &runs {
        assert_eq!(result.outcome, Outcome::Succeeded, "{:?}", result.failure);
        assert_eq!(result.output, Some(json!("woke up")));
    }
    // From the last instantiation to the first call that returned, all of
    // them were instantiated at once (no slot waits: the pool holds 64).
    let all_instantiated = runs
        .iter()
        .map(|(started, r)| *started + r.instantiation_time)
        .max()
        .unwrap();
    let first_returned = runs
        .iter()
        .map(|(started, r)| *started + r.wall_time)
        .min()
        .unwrap();
    assert!(
        all_instantiated < first_returned,
        "the {IN_FLIGHT} executions were never all in flight at once"
    );
    let in_window: Vec<&Memory> = samples
        .iter()
        .filter(|(at, _)| (all_instantiated..first_returned).contains(at))
        .map(|(_, memory)| memory)
        .collect();
    assert!(
        in_window.iter().any(|m| m.pss_kib.is_some()),
        "no memory sample while all {IN_FLIGHT} executions were in flight"
    );
    InFlight {
        idle,
        all_in_flight: Memory::peak(in_window.iter().copied()),
        window: first_returned - all_instantiated,
        window_samples: in_window.len(),
        burst_peak: Memory::peak(samples.iter().map(|(_, memory)| memory)),
        after,
        hwm_kib: proc_status_kib("VmHWM"),
        elapsed,
        guest_peak_memory: runs.iter().map(|(_, r)| r.peak_memory_bytes).max().unwrap(),
    }
}

/// A `kB` field of `/proc/self/status`.
fn proc_status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux /proc");
    kib_field(&status, field)
}

/// A `Name:  123 kB` line of a /proc file.
fn kib_field(text: &str, field: &str) -> u64 {
    text.lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().strip_suffix("kB"))
        .and_then(|kib| kib.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc"))
}

struct Report {
    full: bool,
    load_average: String,
    python: Measured,
    rust: Measured,
    baseline: Measured,
    memory: InFlight,
    python_check: ExecutionResult,
}

impl Report {
    fn print(&self) {
        let speedup =
            self.baseline.latency.p50().as_secs_f64() / self.python.latency.p50().as_secs_f64();
        let memory = &self.memory;
        let rss_mb = mb(memory.all_in_flight.rss_kib);

        println!(
            "| Scenario | Executions (latency / throughput) | p50 | p99 | Throughput, {THREADS} concurrent |"
        );
        println!("|---|---|---:|---:|---:|");
        row(
            "Python in wasm: kafka-broker-offline, wolfe.log, default quotas",
            &self.python,
        );
        row(
            "Rust in wasm: disk-pressure-rust, default quotas",
            &self.rust,
        );
        row(
            "Baseline: one `python3` process per event (same Kafka runbook)",
            &self.baseline,
        );
        println!(
            "| **Python in wasm vs process per event** | | **{speedup:.0}× faster** | | **{:.0}× the throughput** |",
            self.python.throughput.per_second() / self.baseline.throughput.per_second()
        );
        println!(
            "| Host RSS, {IN_FLIGHT} Python executions in flight (hostile-py sleeping {IN_FLIGHT_SLEEP_SECONDS} s) | {IN_FLIGHT} at once | | | **{rss_mb:.0} MB** VmRSS, PSS {:.0} MB (VmHWM {:.0} MB; {:.0} MB just before, {:.0} MB after) |",
            mb(memory.all_in_flight.pss_kib.unwrap_or(0)),
            mb(memory.hwm_kib),
            mb(memory.idle.rss_kib),
            mb(memory.after.rss_kib),
        );

        println!("\nNotes:");
        println!(
            "- Latency: one task executing sequentially on a {THREADS}-worker tokio runtime, timed around `Runtime::execute` from the caller's side (baseline: around spawning the process, writing the event to its stdin and reading its output). Throughput: {THREADS} tasks (baseline: {THREADS} spawner threads) each running half of the executions back to back; executions / elapsed wall time."
        );
        println!(
            "- Load average when the bench started: {} (the machine has {} cores; anything else running competes with the bench for them).",
            self.load_average,
            std::thread::available_parallelism().map_or(0, |n| n.get()),
        );
        for (name, m) in [
            ("Python", &self.python),
            ("Rust", &self.rust),
            ("Baseline", &self.baseline),
        ] {
            let t = &m.throughput;
            let mut line = format!(
                "- {name}: throughput run kept {:.2} cores busy, {} CPU per execution",
                t.cores_busy(),
                fmt(t.cpu_per_execution()),
            );
            if let Some(b) = &m.breakdown {
                line += &format!(
                    "; its threads were ready to run but waiting for a CPU for {} in all. Sequential p50 split (runtime's own timings): instantiation {}, call {}, outside the runtime's `wall_time` (store setup and teardown, i.e. resetting the pool slot) {}; p99 {} / {} / {}. Fuel {}, guest peak memory {:.1} MB",
                    fmt(t.run_delay),
                    fmt(b.instantiation.p50()),
                    fmt(b.call.p50()),
                    fmt(b.outside.p50()),
                    fmt(b.instantiation.p99()),
                    fmt(b.call.p99()),
                    fmt(b.outside.p99()),
                    thousands(b.fuel as f64),
                    b.peak_memory as f64 / (1u64 << 20) as f64,
                );
            }
            println!("{line}.");
        }
        println!(
            "- The Python execution writes {} log records through `wolfe.log`; the baseline's driver prints the same records to stderr. Both produce the same output document.",
            self.python_check.logs.records.len()
        );
        println!(
            "- In flight: the {IN_FLIGHT} executions took {} in all (each sleeps {IN_FLIGHT_SLEEP_SECONDS} s); all of them were instantiated at once for {} ({} samples, every 5 ms), guest linear memory up to {:.1} MB each.",
            fmt(memory.elapsed),
            fmt(memory.window),
            memory.window_samples,
            memory.guest_peak_memory as f64 / (1u64 << 20) as f64,
        );
        for (when, m) in [
            ("just before", &memory.idle),
            ("all in flight (peak)", &memory.all_in_flight),
            ("whole burst, teardown included (peak)", &memory.burst_peak),
            ("after, all finished", &memory.after),
        ] {
            println!("  - {when}: {}", m.describe());
        }
        let pss = |m: &Memory| mb(m.pss_kib.unwrap_or(0));
        println!(
            "  - Per execution in flight, over just before: {:.1} MB VmRSS, {:.1} MB PSS.",
            (rss_mb - mb(memory.idle.rss_kib)) / IN_FLIGHT as f64,
            (pss(&memory.all_in_flight) - pss(&memory.idle)) / IN_FLIGHT as f64,
        );

        if !self.full {
            println!("\nSmoke run (no `--bench`): too few iterations to judge targets.");
            return;
        }
        println!("\nTargets:");
        target(
            "Python p50 ≤ 1.5 ms",
            self.python.latency.p50() <= PYTHON_P50_TARGET,
            &fmt(self.python.latency.p50()),
        );
        target(
            "Python ≥ 1,500 executions/s on 2 threads",
            self.python.throughput.per_second() >= PYTHON_THROUGHPUT_TARGET,
            &format!("{}/s", thousands(self.python.throughput.per_second())),
        );
        target(
            "Rust p50 ≤ 50 µs",
            self.rust.latency.p50() <= RUST_P50_TARGET,
            &fmt(self.rust.latency.p50()),
        );
        target(
            "Python ≥ 10× faster than the subprocess baseline (p50)",
            speedup >= SPEEDUP_TARGET,
            &format!("{speedup:.0}×"),
        );
        target(
            "RSS ≤ 200 MB with 64 Python executions in flight",
            rss_mb <= RSS_TARGET_MB,
            &format!("{rss_mb:.0} MB VmRSS"),
        );
    }
}

fn row(scenario: &str, m: &Measured) {
    println!(
        "| {scenario} | {} / {} | {} | {} | {}/s |",
        thousands(m.latency.len() as f64),
        thousands(m.throughput.executions as f64),
        fmt(m.latency.p50()),
        fmt(m.latency.p99()),
        thousands(m.throughput.per_second()),
    );
}

fn target(name: &str, met: bool, measured: &str) {
    let verdict = if met { "met" } else { "**MISSED**" };
    println!("- {name}: {verdict} ({measured})");
}

fn mb(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn fmt(d: Duration) -> String {
    let micros = d.as_secs_f64() * 1e6;
    if micros < 1_000.0 {
        format!("{micros:.1} µs")
    } else if micros < 1_000_000.0 {
        format!("{:.2} ms", micros / 1e3)
    } else {
        format!("{:.2} s", micros / 1e6)
    }
}

/// A count rounded to an integer, with thousands separators.
fn thousands(n: f64) -> String {
    let digits = format!("{:.0}", n);
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}
