use super::*;

pub(crate) struct Report {
    pub(crate) full: bool,
    pub(crate) load_average: String,
    pub(crate) python: Measured,
    pub(crate) rust: Measured,
    pub(crate) baseline: Measured,
    pub(crate) memory: InFlight,
    pub(crate) python_check: ExecutionResult,
    pub(crate) config: RuntimeConfig,
}

impl Report {
    pub(crate) fn print(&self) {
        let speedup =
            self.baseline.latency.p50().as_secs_f64() / self.python.latency.p50().as_secs_f64();
        let memory = &self.memory;
        let rss_mb = mb(memory.all_in_flight.rss_kib);
        let pss = |m: &Memory| mb(m.pss_kib.unwrap_or(0));
        let (pss_in_flight, pss_after) = (pss(&memory.all_in_flight), pss(&memory.after));

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
            "| Host memory, {IN_FLIGHT} Python executions in flight (hostile-py sleeping {IN_FLIGHT_SLEEP_SECONDS} s) | {IN_FLIGHT} at once | | | **PSS {pss_in_flight:.0} MB** (VmRSS {rss_mb:.0} MB) |",
        );
        println!(
            "| Host memory once they have finished | | | | **PSS {pss_after:.0} MB** (VmRSS {:.0} MB; just before the burst: PSS {:.0} MB, VmRSS {:.0} MB) |",
            mb(memory.after.rss_kib),
            pss(&memory.idle),
            mb(memory.idle.rss_kib),
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
        println!(
            "  - Per execution in flight, over just before: {:.1} MB VmRSS, {:.1} MB PSS.",
            (rss_mb - mb(memory.idle.rss_kib)) / IN_FLIGHT as f64,
            (pss(&memory.all_in_flight) - pss(&memory.idle)) / IN_FLIGHT as f64,
        );
        println!(
            "  - VmHWM {:.0} MB. Pools: {} warm slots keeping up to {} MiB resident, {} cold ones keeping nothing; after the burst wasmtime counts {:.1} MB resident in idle slots.",
            mb(memory.hwm_kib),
            self.config
                .warm_slots
                .min(self.config.max_concurrent_executions),
            self.config.keep_resident_bytes >> 20,
            self.config
                .max_concurrent_executions
                .saturating_sub(self.config.warm_slots),
            memory.pools_idle_after as f64 / (1u64 << 20) as f64,
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
            "Host memory (PSS) ≤ 200 MB with 64 Python executions in flight",
            pss_in_flight <= MEMORY_TARGET_MB,
            &format!("PSS {pss_in_flight:.0} MB; VmRSS {rss_mb:.0} MB"),
        );
        target(
            "Host memory (PSS) ≤ 200 MB once they have finished",
            pss_after <= MEMORY_TARGET_MB,
            &format!(
                "PSS {pss_after:.0} MB; VmRSS {:.0} MB",
                mb(memory.after.rss_kib)
            ),
        );
    }
}

pub(crate) fn row(scenario: &str, m: &Measured) {
    println!(
        "| {scenario} | {} / {} | {} | {} | {}/s |",
        thousands(m.latency.len() as f64),
        thousands(m.throughput.executions as f64),
        fmt(m.latency.p50()),
        fmt(m.latency.p99()),
        thousands(m.throughput.per_second()),
    );
}

pub(crate) fn target(name: &str, met: bool, measured: &str) {
    let verdict = if met { "met" } else { "**MISSED**" };
    println!("- {name}: {verdict} ({measured})");
}

pub(crate) fn mb(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

pub(crate) fn fmt(d: Duration) -> String {
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
pub(crate) fn thousands(n: f64) -> String {
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
