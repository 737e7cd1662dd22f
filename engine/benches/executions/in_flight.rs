use super::*;

/// Host memory while `IN_FLIGHT` Python executions are instantiated at once.
pub(crate) struct InFlight {
    pub(crate) idle: Memory,
    /// Highest sample while every execution was instantiated and none had
    /// finished its call.
    pub(crate) all_in_flight: Memory,
    /// How long that lasted, and how many samples fell in it.
    pub(crate) window: Duration,
    pub(crate) window_samples: usize,
    /// Highest sample over the whole burst, teardown included.
    pub(crate) burst_peak: Memory,
    /// Once every execution has finished: what the pool keeps resident.
    pub(crate) after: Memory,
    /// What the runtime's pools keep in idle slots after the burst, by
    /// wasmtime's own accounting.
    pub(crate) pools_idle_after: u64,
    pub(crate) hwm_kib: u64,
    pub(crate) elapsed: Duration,
    pub(crate) guest_peak_memory: u64,
}

/// Resident memory of this process, from `/proc/self/status`, and its
/// proportional set size from `/proc/self/smaps_rollup` when taken.
#[derive(Default, Clone, Copy)]
pub(crate) struct Memory {
    pub(crate) rss_kib: u64,
    pub(crate) anon_kib: u64,
    pub(crate) file_kib: u64,
    pub(crate) shmem_kib: u64,
    /// Shared pages count once, split between their sharers.
    pub(crate) pss_kib: Option<u64>,
}

impl Memory {
    pub(crate) fn now(with_pss: bool) -> Self {
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
    pub(crate) fn peak<'a>(samples: impl IntoIterator<Item = &'a Memory>) -> Self {
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

    pub(crate) fn describe(&self) -> String {
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

pub(crate) fn in_flight(
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
    let pools_idle_after = runtime.idle_resident_bytes();

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
        pools_idle_after,
        hwm_kib: proc_status_kib("VmHWM"),
        elapsed,
        guest_peak_memory: runs.iter().map(|(_, r)| r.peak_memory_bytes).max().unwrap(),
    }
}

/// A `kB` field of `/proc/self/status`.
pub(crate) fn proc_status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux /proc");
    kib_field(&status, field)
}

/// A `Name:  123 kB` line of a /proc file.
pub(crate) fn kib_field(text: &str, field: &str) -> u64 {
    text.lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().strip_suffix("kB"))
        .and_then(|kib| kib.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc"))
}
