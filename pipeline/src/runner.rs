//! Runners: claim queued executions, run them in the sandbox, record results.
//!
//! A runner holds a lease on every execution it runs and renews it while the
//! execution is in flight. If the process dies, the lease expires and the
//! sweeper (any instance) puts the execution back with attempt + 1. Results
//! are written only while the lease is held, so a late result of a lost
//! lease never overwrites a later attempt.
//!
//! An attempt's log reaches the store while it runs: every `log_flush` the
//! runner writes the lines logged since the last write, fenced by the lease
//! like the result, and the result carries only the rest. An execution that
//! ends before the first flush (most take a few milliseconds) writes its
//! log once, with its result. Lines are numbered per attempt as they are
//! taken from the sandbox, so the sequence stays contiguous across writes.
//! When the API cancels a running attempt, the runner still writes what it
//! logged until its sandbox stopped (`Store::close_cancelled_attempt`); a
//! lease lost any other way stops all writing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Notify, OnceCell, OwnedSemaphorePermit, Semaphore, watch};
use wolfe_engine::{
    CancellationToken, EventInput, ExecutionContext, ExecutionRequest, ExecutionResult, Grant,
    HostContext, LiveLog, LoadedRunbook, LogRecord, Outcome, Quotas, Runtime, Services, caller_of,
};
use wolfe_store::{Claimed, DroppedLog, Finished, LogLine, Store, StoreError};

use crate::failure_notices::send_failure_notices;
use crate::group_commit::GroupCommit;
use crate::leases::{InFlight, keep_leases};
use crate::retry::with_backoff;

/// How a runner behaves; the defaults suit one engine instance.
#[derive(Debug, Clone)]
pub struct RunnerConfig {
    pub environment: String,
    /// Unique per process: the lease owner.
    pub runner_id: String,
    pub lease: Duration,
    pub renew_every: Duration,
    /// How often to check, between renewals, whether an execution in
    /// flight was cancelled (or its lease lost), to stop it.
    pub cancel_check: Duration,
    /// Executions this runner runs at once.
    pub max_in_flight: usize,
    /// How often to look for work when nothing woke the runner.
    pub poll_interval: Duration,
    /// Base URL of the Studio, for links in failure notifications.
    pub public_url: String,
    /// How often a running execution's new log lines are written to the
    /// store (the first time this long after it started).
    pub log_flush: Duration,
}

impl RunnerConfig {
    pub fn new(environment: &str, runner_id: &str) -> Self {
        Self {
            environment: environment.into(),
            runner_id: runner_id.into(),
            lease: Duration::from_secs(30),
            renew_every: Duration::from_secs(10),
            cancel_check: Duration::from_millis(500),
            max_in_flight: 16,
            poll_interval: Duration::from_millis(200),
            public_url: "http://127.0.0.1:8080".into(),
            log_flush: Duration::from_millis(250),
        }
    }
}

pub struct Runner {
    pub(crate) store: Store,
    runtime: Arc<Runtime>,
    pub(crate) config: RunnerConfig,
    /// Rung by intake in the same process when it queues work.
    wake: Arc<Notify>,
    /// What runbooks' host calls are served by.
    services: Arc<Services>,
    /// Artifacts being fetched and compiled now: concurrent executions of
    /// a runbook not loaded yet share one fetch and one compilation. An
    /// entry leaves once its load is done; what is loaded is the runtime's
    /// to keep, and to evict.
    fetching: Mutex<HashMap<String, Arc<OnceCell<LoadedRunbook>>>>,
    /// The executions running now, with their leases and cancel tokens.
    pub(crate) in_flight: InFlight,
    /// Results finishing together are committed together.
    results: GroupCommit<Finished, bool, StoreError>,
}

/// Results per transaction at most.
const MAX_RESULTS_PER_COMMIT: usize = 64;

/// How long a runner with work queued waits to fill several slots with one
/// claim (see `Runner::gather_slots`).
const CLAIM_GATHER: Duration = Duration::from_millis(20);

/// Why a claimed execution did not run.
#[derive(Debug, Clone)]
enum NotRun {
    /// The runbook cannot run (missing artifact, bad quotas): a final result.
    Unusable(String),
    /// The store could not be read: transient, the attempt is left to expire.
    StoreUnavailable,
}

impl Runner {
    pub fn new(
        store: Store,
        runtime: Arc<Runtime>,
        config: RunnerConfig,
        wake: Arc<Notify>,
        services: Arc<Services>,
    ) -> Self {
        Self {
            store,
            runtime,
            config,
            wake,
            services,
            fetching: Mutex::default(),
            in_flight: InFlight::default(),
            results: GroupCommit::new(MAX_RESULTS_PER_COMMIT),
        }
    }

    /// Claims and runs executions until `shutdown` turns true, then waits
    /// for the executions in flight to finish and record their results.
    /// Free slots are filled by one batch claim; meanwhile one task keeps
    /// every lease of the runner and stops what was cancelled.
    pub async fn run(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        let slots = Arc::new(Semaphore::new(self.config.max_in_flight));
        let (stop_keeping, keeping) = watch::channel(false);
        let keeper = tokio::spawn(keep_leases(self.clone(), keeping));
        let mut failures = 0u32;
        // Whether the last claim found work for every free slot: then more
        // is queued, and the next claim waits to fill a few slots at once.
        let mut backlog = false;
        while !*shutdown.borrow() {
            let Ok(first) = slots.clone().acquire_owned().await else {
                break;
            };
            let mut free = vec![first];
            if backlog {
                self.gather_slots(&slots, &mut free).await;
            }
            while let Ok(slot) = slots.clone().try_acquire_owned() {
                free.push(slot);
            }
            // Listen before claiming: work queued while the claim runs
            // wakes the runner instead of waiting for the next poll.
            let woken = self.wake.notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            let lease_ms = self.config.lease.as_millis() as i64;
            let asked = free.len();
            match self
                .store
                .claim_batch(
                    &self.config.environment,
                    &self.config.runner_id,
                    lease_ms,
                    asked,
                )
                .await
            {
                Ok(claimed) => {
                    failures = 0;
                    let got = claimed.len();
                    for (claimed, slot) in claimed.into_iter().zip(free.drain(..)) {
                        let cancel = self.in_flight.insert(&claimed.id, claimed.attempt);
                        let runner = self.clone();
                        tokio::spawn(async move {
                            runner.execute(claimed, cancel).await;
                            drop(slot);
                        });
                    }
                    backlog = got == asked;
                    if backlog {
                        // Every slot found work: there may be more.
                        continue;
                    }
                }
                Err(error) => {
                    backlog = false;
                    failures += 1;
                    tracing::warn!(runner = %self.config.runner_id, "cannot claim work (store unavailable?), retrying: {error}");
                }
            }
            drop(free);
            let idle = self.config.poll_interval * (1 << failures.min(5));
            tokio::select! {
                _ = woken => {}
                _ = tokio::time::sleep(idle) => {}
                _ = shutdown.changed() => {}
            }
        }
        // Graceful shutdown: every slot back means nothing is in flight.
        let _ = slots.acquire_many(self.config.max_in_flight as u32).await;
        let _ = stop_keeping.send(true);
        let _ = keeper.await;
    }

    /// With work queued, a claim for one slot at a time would run as
    /// often as executions end, each a write transaction and two reads.
    /// Waits instead, for at most `CLAIM_GATHER`, until half the slots are
    /// free. The executions still in flight keep the CPU busy meanwhile;
    /// with nothing queued a runner claims at once, so latency at low load
    /// is not touched.
    async fn gather_slots(&self, slots: &Arc<Semaphore>, free: &mut Vec<OwnedSemaphorePermit>) {
        let wanted = (self.config.max_in_flight / 2).max(1);
        let deadline = tokio::time::Instant::now() + CLAIM_GATHER;
        while free.len() < wanted {
            match tokio::time::timeout_at(deadline, slots.clone().acquire_owned()).await {
                Ok(Ok(slot)) => free.push(slot),
                _ => return,
            }
        }
    }

    async fn execute(&self, claimed: Claimed, cancel: CancellationToken) {
        let live = LiveLog::new();
        let mut log = AttemptLog::new(claimed.attempt);
        let ended = CancellationToken::new();
        let run = async {
            let outcome = self.run_in_sandbox(&claimed, &cancel, &live).await;
            ended.cancel();
            outcome
        };
        // Both on this task: the sandbox keeps running while a flush
        // waits for the store, and a flush in progress when the sandbox
        // ends completes before the rest is written.
        let (outcome, ()) = tokio::join!(
            run,
            self.flush_while_running(&claimed, &live, &mut log, &ended)
        );
        self.in_flight.remove(&claimed.id, claimed.attempt);
        let outcome = outcome.map(|mut result| {
            log.number(std::mem::take(&mut result.logs.records));
            result
        });
        if matches!(&outcome, Ok(result) if result.outcome == Outcome::Cancelled) {
            // Stopped because the execution was cancelled or its lease was
            // lost: the row already says how it ended.
            self.keep_cancelled_logs(&claimed, log.pending).await;
            return;
        }
        let finished = match outcome {
            Ok(result) => finished_from(&claimed, &self.config.runner_id, &result, log.pending),
            Err(NotRun::Unusable(message)) => {
                crashed_before_running(&claimed, &self.config.runner_id, message)
            }
            Err(NotRun::StoreUnavailable) => {
                // Not the runbook's fault: record nothing, so the lease
                // expires and another attempt runs once the store is back.
                tracing::warn!(
                    execution = %claimed.id,
                    "the store was unavailable before the runbook could start; leaving it to be retried"
                );
                return;
            }
        };
        let recorded = with_backoff("record execution result", self.config.lease, || {
            let store = self.store.clone();
            self.results.submit(finished.clone(), move |batch| {
                let store = store.clone();
                async move { store.finish_batch(&batch).await }
            })
        })
        .await;
        match recorded {
            Some(true) => {
                send_failure_notices(&self.services, &claimed, &finished, &self.config.public_url)
            }
            Some(false) => {
                tracing::warn!(
                    execution = %claimed.id,
                    "result discarded: the lease was lost (cancelled or expired) before it was recorded"
                );
                // Cancelled just as it ended: its log is still its own.
                self.keep_cancelled_logs(&claimed, finished.logs).await;
            }
            None => tracing::error!(
                execution = %claimed.id,
                "could not record the result before the lease ran out; another attempt will run"
            ),
        }
    }

    /// Writes the attempt's new log lines every `log_flush` until `ended`
    /// fires. Lines not written (the store failed: retried at the next
    /// tick; the lease is gone: no more tries) stay in `log` for the end.
    async fn flush_while_running(
        &self,
        claimed: &Claimed,
        live: &LiveLog,
        log: &mut AttemptLog,
        ended: &CancellationToken,
    ) {
        loop {
            tokio::select! {
                biased;
                () = ended.cancelled() => return,
                () = tokio::time::sleep(self.config.log_flush) => {}
            }
            log.number(live.take_new());
            if log.pending.is_empty() {
                continue;
            }
            let written = self
                .store
                .append_logs(
                    &claimed.id,
                    &self.config.runner_id,
                    claimed.attempt,
                    &log.pending,
                )
                .await;
            match written {
                Ok(true) => log.pending.clear(),
                Ok(false) => {
                    tracing::info!(execution = %claimed.id, attempt = claimed.attempt, "lease lost: no more log lines are written while it runs");
                    return;
                }
                Err(error) => tracing::warn!(
                    execution = %claimed.id,
                    "cannot write log lines (store unavailable?), will retry: {error}"
                ),
            }
        }
    }

    /// After a stop: writes the attempt's last log lines if the API
    /// cancelled it while it ran; if its lease was lost any other way,
    /// writes nothing.
    async fn keep_cancelled_logs(&self, claimed: &Claimed, lines: Vec<LogLine>) {
        let kept = with_backoff(
            "record a cancelled attempt's log",
            self.config.lease,
            || {
                self.store.close_cancelled_attempt(
                    &claimed.id,
                    &self.config.runner_id,
                    claimed.attempt,
                    &lines,
                )
            },
        )
        .await;
        match kept {
            Some(true) => {
                tracing::info!(execution = %claimed.id, attempt = claimed.attempt, "stopped: cancelled")
            }
            Some(false) => {
                tracing::info!(execution = %claimed.id, attempt = claimed.attempt, "stopped: lease lost")
            }
            None => tracing::error!(
                execution = %claimed.id,
                "could not record the last log lines of a cancelled attempt"
            ),
        }
    }

    async fn run_in_sandbox(
        &self,
        claimed: &Claimed,
        cancel: &CancellationToken,
        live: &LiveLog,
    ) -> Result<ExecutionResult, NotRun> {
        let runbook = self.load(&claimed.artifact_sha256).await?;
        let quotas: Quotas = serde_json::from_value(claimed.quotas.clone())
            .map_err(|e| NotRun::Unusable(format!("the runbook's quotas are invalid: {e}")))?;
        // A grant that no longer parses grants nothing rather than failing
        // the execution: the runbook sees `denied` and can say so.
        let grant: Grant = match &claimed.grant {
            Some(value) => serde_json::from_value(value.clone()).unwrap_or_else(|error| {
                tracing::error!(execution = %claimed.id, "the runbook's grant is invalid, nothing is granted: {error}");
                Grant::default()
            }),
            None => Grant::default(),
        };
        let request = request_for(claimed);
        let depth = claimed.events.iter().map(|e| e.depth).max().unwrap_or(0);
        let host = HostContext::new(
            caller_of(&request, depth as u32),
            Arc::new(grant),
            self.services.clone(),
        );
        self.runtime
            .execute_live(&runbook, &request, &quotas, host, cancel, live)
            .await
            .map_err(|e| NotRun::Unusable(e.to_string()))
    }

    /// The compiled runbook for an artifact: from the runtime's memory,
    /// or fetched from the store and loaded (see `fetching`).
    async fn load(&self, sha256: &str) -> Result<LoadedRunbook, NotRun> {
        if let Some(loaded) = self.runtime.loaded(sha256) {
            return Ok(loaded);
        }
        let cell = self
            .lock_fetching()
            .entry(sha256.to_owned())
            .or_default()
            .clone();
        let loaded = cell
            .get_or_try_init(|| self.fetch_and_compile(sha256))
            .await
            .cloned();
        let mut fetching = self.lock_fetching();
        if fetching
            .get(sha256)
            .is_some_and(|current| Arc::ptr_eq(current, &cell))
        {
            fetching.remove(sha256);
        }
        loaded
    }

    async fn fetch_and_compile(&self, sha256: &str) -> Result<LoadedRunbook, NotRun> {
        let store = self.store.clone();
        let fetched = with_backoff("fetch artifact", self.config.lease / 2, || {
            let store = store.clone();
            let sha256 = sha256.to_owned();
            async move { store.artifact(&sha256).await }
        })
        .await
        .ok_or(NotRun::StoreUnavailable)?;
        let bytes = fetched.ok_or_else(|| {
            NotRun::Unusable(format!("artifact {sha256} is missing from the store"))
        })?;
        let runtime = self.runtime.clone();
        // Compiling (on a cache miss) takes seconds of CPU: keep it off the
        // async workers.
        tokio::task::spawn_blocking(move || runtime.load(&bytes))
            .await
            .map_err(|e| NotRun::Unusable(format!("loading artifact {sha256}: {e}")))?
            .map_err(|e| NotRun::Unusable(format!("cannot load artifact {sha256}: {e}")))
    }

    fn lock_fetching(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<String, Arc<OnceCell<LoadedRunbook>>>> {
        self.fetching.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn request_for(claimed: &Claimed) -> ExecutionRequest {
    ExecutionRequest {
        context: ExecutionContext {
            execution_id: claimed.id.clone(),
            runbook: claimed.runbook_name.clone(),
            team: claimed.team_name.clone(),
            environment: claimed.environment.clone(),
            attempt: claimed.attempt as u32,
            dry_run: claimed.dry_run,
            params: claimed.params.clone(),
        },
        events: claimed
            .events
            .iter()
            .map(|event| EventInput {
                id: event.id.clone(),
                source: event.source.clone(),
                kind: event.kind.clone(),
                received_at: crate::time::rfc3339(event.received_at),
                payload: event.payload.clone().unwrap_or_default(),
            })
            .collect(),
    }
}

/// An attempt's log lines taken from the sandbox and not written yet, and
/// the number the next one gets.
struct AttemptLog {
    attempt: i64,
    next_seq: i64,
    pending: Vec<LogLine>,
}

impl AttemptLog {
    fn new(attempt: i64) -> Self {
        Self {
            attempt,
            next_seq: 0,
            pending: Vec::new(),
        }
    }

    /// Numbers records in the order they were taken, after those before.
    fn number(&mut self, records: Vec<LogRecord>) {
        for record in records {
            self.pending.push(LogLine {
                attempt: self.attempt,
                seq: self.next_seq,
                at_ms: record.at_ms as i64,
                level: record.level.to_string(),
                stream: serde_json::to_value(record.stream)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                message: record.message,
                fields: (!record.fields.is_empty())
                    .then_some(serde_json::Value::Object(record.fields)),
            });
            self.next_seq += 1;
        }
    }
}

fn finished_from(
    claimed: &Claimed,
    runner: &str,
    result: &ExecutionResult,
    logs: Vec<LogLine>,
) -> Finished {
    Finished {
        id: claimed.id.clone(),
        runner: runner.into(),
        attempt: claimed.attempt,
        outcome: result.outcome.as_str().into(),
        output: result.output.clone(),
        error_message: result.failure.as_ref().map(|f| f.message.clone()),
        error_detail: result.failure.as_ref().and_then(|f| f.detail.clone()),
        fuel_consumed: result.fuel_consumed as i64,
        peak_memory_bytes: result.peak_memory_bytes as i64,
        wall_time_us: result.wall_time.as_micros() as i64,
        logs,
        log_dropped: DroppedLog {
            lines: result.logs.dropped_lines as i64,
            bytes: result.logs.dropped_bytes as i64,
        },
    }
}

/// The runbook never started: its artifact or quotas are unusable.
fn crashed_before_running(claimed: &Claimed, runner: &str, message: String) -> Finished {
    Finished {
        id: claimed.id.clone(),
        runner: runner.into(),
        attempt: claimed.attempt,
        outcome: wolfe_engine::Outcome::Crashed.as_str().into(),
        output: None,
        error_message: Some(message),
        error_detail: None,
        fuel_consumed: 0,
        peak_memory_bytes: 0,
        wall_time_us: 0,
        logs: Vec::new(),
        log_dropped: DroppedLog::default(),
    }
}
