use super::*;

/// Latencies of one sequential run plus the throughput of a concurrent one.
pub(crate) struct Measured {
    pub(crate) latency: Samples,
    pub(crate) throughput: Throughput,
    /// Per-execution breakdown reported by the runtime (sandboxed runs only).
    pub(crate) breakdown: Option<Breakdown>,
}

pub(crate) struct Throughput {
    pub(crate) executions: usize,
    pub(crate) elapsed: Duration,
    /// CPU time spent meanwhile, by this process and its reaped children.
    pub(crate) cpu: Duration,
    /// Time this process's threads were ready to run but waiting for a CPU.
    pub(crate) run_delay: Duration,
}

impl Throughput {
    /// Runs `work`, which returns how many executions it did, and times it.
    pub(crate) fn time(work: impl FnOnce() -> usize) -> Self {
        let (start, cpu_before, delay_before) = (Instant::now(), cpu_time(), run_delay());
        let executions = work();
        Self {
            executions,
            elapsed: start.elapsed(),
            cpu: cpu_time() - cpu_before,
            run_delay: run_delay().saturating_sub(delay_before),
        }
    }

    pub(crate) fn per_second(&self) -> f64 {
        self.executions as f64 / self.elapsed.as_secs_f64()
    }

    /// Cores kept busy on average: below `THREADS` means the workers waited
    /// (or other processes on the machine took the CPU).
    pub(crate) fn cores_busy(&self) -> f64 {
        self.cpu.as_secs_f64() / self.elapsed.as_secs_f64()
    }

    /// CPU time per execution.
    pub(crate) fn cpu_per_execution(&self) -> Duration {
        self.cpu / self.executions as u32
    }
}

/// Time the threads of this process spent runnable but not running, summed
/// over its threads (`/proc/self/task/*/schedstat`, second field, in ns).
pub(crate) fn run_delay() -> Duration {
    let tasks = std::fs::read_dir("/proc/self/task").expect("Linux /proc");
    let nanos = tasks
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok())
        .filter_map(|stat| stat.split(' ').nth(1)?.parse::<u64>().ok())
        .sum();
    Duration::from_nanos(nanos)
}

/// User + system CPU time of this process and of its children it waited for
/// (`/proc/self/stat`, in clock ticks of 10 ms).
pub(crate) fn cpu_time() -> Duration {
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
pub(crate) struct Breakdown {
    pub(crate) instantiation: Samples,
    /// The guest call and classifying its result.
    pub(crate) call: Samples,
    /// Caller-side time outside the runtime's own `wall_time`: building the
    /// store before it, and dropping it after (which returns the instance's
    /// pool slot and resets its memory).
    pub(crate) outside: Samples,
    pub(crate) fuel: u64,
    pub(crate) peak_memory: u64,
}

pub(crate) struct Samples(pub(crate) Vec<Duration>);

impl Samples {
    pub(crate) fn new(mut samples: Vec<Duration>) -> Self {
        samples.sort_unstable();
        Self(samples)
    }

    /// Nearest-rank percentile.
    pub(crate) fn percentile(&self, p: f64) -> Duration {
        let rank = ((p / 100.0) * self.0.len() as f64).ceil() as usize;
        self.0[rank.clamp(1, self.0.len()) - 1]
    }

    pub(crate) fn p50(&self) -> Duration {
        self.percentile(50.0)
    }

    pub(crate) fn p99(&self) -> Duration {
        self.percentile(99.0)
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }
}
