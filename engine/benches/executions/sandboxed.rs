use super::*;

/// One runbook run in the sandbox, over and over.
pub(crate) struct Sandboxed {
    pub(crate) runtime: Arc<Runtime>,
    pub(crate) runbook: LoadedRunbook,
    pub(crate) request: Arc<ExecutionRequest>,
    pub(crate) quotas: Arc<Quotas>,
}

/// The timings of one sandboxed execution.
pub(crate) struct Run {
    /// Caller-side.
    pub(crate) elapsed: Duration,
    /// The runtime's own, from `ExecutionResult`.
    pub(crate) wall_time: Duration,
    pub(crate) instantiation_time: Duration,
}

impl Sandboxed {
    pub(crate) async fn execute(&self) -> ExecutionResult {
        let result = self
            .runtime
            .execute(&self.runbook, &self.request, &self.quotas)
            .await
            .expect("valid request");
        assert_eq!(result.outcome, Outcome::Succeeded, "{:?}", result.failure);
        result
    }

    /// Runs `count` executions one after another on a worker thread.
    pub(crate) async fn sequential(&self, count: usize) -> Vec<Run> {
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

    pub(crate) fn clone_handle(&self) -> Self {
        Self {
            runtime: self.runtime.clone(),
            runbook: self.runbook.clone(),
            request: self.request.clone(),
            quotas: self.quotas.clone(),
        }
    }

    /// One execution, checked by `check`, whose result is kept for the report.
    pub(crate) fn check(
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

    pub(crate) fn measure(
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
    pub(crate) fn concurrent(&self, tokio: &tokio::runtime::Runtime, total: usize) -> Throughput {
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
