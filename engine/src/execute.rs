//! One execution: fresh store, quotas, call, and a precise outcome.

use std::time::{Duration, Instant};

use std::sync::Arc;
use tokio_util::sync::CancellationToken;
use wasmtime::{Store, Trap, UpdateDeadline};

use wolfe_host_apis::bindings::{Context, Event, Failure as WitFailure};
use wolfe_host_apis::log::{LogBuffer, LogLimits};
use wolfe_host_apis::{CallerIdentity, Grant, HostContext};

use crate::limiter::MemoryLimiter;
use crate::live_log::LiveLog;
use crate::outcome::{ExecutionResult, Failure, Outcome};
use crate::quotas::Quotas;
use crate::request::ExecutionRequest;
use crate::runtime::{LoadedRunbook, Runtime};
use crate::state::ExecState;

/// A request the runtime refuses before running anything.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    #[error("memory quota of {quota} exceeds the runtime's per-execution ceiling of {ceiling}")]
    MemoryAboveCeiling {
        quota: bytesize::ByteSize,
        ceiling: bytesize::ByteSize,
    },
    #[error("{0} quota must be greater than zero")]
    Zero(&'static str),
}

/// Marks the trap raised by the epoch callback when the deadline passed.
#[derive(Debug, thiserror::Error)]
#[error("wall-clock deadline exceeded")]
struct DeadlineExceeded;

/// What the guest call produced, before classification.
type CallResult = wasmtime::Result<Result<String, WitFailure>>;

impl Runtime {
    /// Runs `runbook` once with no host services: every interface but `log`
    /// is denied (nothing is granted). See [`Runtime::execute_with`].
    pub async fn execute(
        &self,
        runbook: &LoadedRunbook,
        request: &ExecutionRequest,
        quotas: &Quotas,
    ) -> Result<ExecutionResult, RequestError> {
        let host = HostContext::new(
            caller_of(request, 0),
            Arc::new(Grant::default()),
            self.offline.clone(),
        );
        self.execute_with(runbook, request, quotas, host).await
    }

    /// Runs `runbook` once, its host calls served by `host`. Whatever the
    /// guest does, this returns a result record; only an invalid request is
    /// an error.
    pub async fn execute_with(
        &self,
        runbook: &LoadedRunbook,
        request: &ExecutionRequest,
        quotas: &Quotas,
        host: HostContext,
    ) -> Result<ExecutionResult, RequestError> {
        let never = CancellationToken::new();
        self.execute_cancellable(runbook, request, quotas, host, &never)
            .await
    }

    /// Like [`Runtime::execute_with`], stopped early when `cancel` fires:
    /// the guest is dropped at its next yield (every epoch tick while wasm
    /// runs, at once while it waits in the host) and the result says
    /// [`Outcome::Cancelled`], with the logs written until then.
    pub async fn execute_cancellable(
        &self,
        runbook: &LoadedRunbook,
        request: &ExecutionRequest,
        quotas: &Quotas,
        host: HostContext,
        cancel: &CancellationToken,
    ) -> Result<ExecutionResult, RequestError> {
        self.execute_live(runbook, request, quotas, host, cancel, &LiveLog::new())
            .await
    }

    /// Like [`Runtime::execute_cancellable`], with the log watched through
    /// `live` while the execution runs: the records the caller takes from
    /// `live` are not in the result's `logs`, which hold the rest (and the
    /// drop counts of the whole log). Whatever way the execution ends, every
    /// record kept is in exactly one of the two.
    pub async fn execute_live(
        &self,
        runbook: &LoadedRunbook,
        request: &ExecutionRequest,
        quotas: &Quotas,
        host: HostContext,
        cancel: &CancellationToken,
        live: &LiveLog,
    ) -> Result<ExecutionResult, RequestError> {
        self.check_quotas(quotas)?;
        let started = Instant::now();
        // A warm slot if one is free (see pools.rs); waiting here is the
        // back-pressure.
        let slot = tokio::select! {
            biased;
            () = cancel.cancelled() => return Ok(cancelled_before_start(started)),
            slot = self.pools.acquire() => slot,
        };

        let deadline = started + quotas.timeout;
        let redactor = host.redactor.clone();
        let limits = LogLimits {
            max_lines: quotas.max_log_lines,
            max_bytes: quotas.max_log_bytes,
        };
        let log = LogBuffer::with_redactor(limits, redactor.clone());
        live.attach(&log);
        let limiter = MemoryLimiter::new(quotas.memory_bytes, self.config.max_table_elements);
        let (state, io) = ExecState::new(log.clone(), host, limiter);
        let mut store = Store::new(self.pools.engine(slot.pool), state);
        store.limiter(|state| &mut state.limiter);
        store
            .set_fuel(quotas.fuel)
            .expect("fuel is enabled in the engine config");
        // Every tick: trap past the deadline, otherwise let other tasks run.
        store.set_epoch_deadline(1);
        store.epoch_deadline_callback(move |_| {
            if Instant::now() >= deadline {
                Err(DeadlineExceeded.into())
            } else {
                Ok(UpdateDeadline::Yield(1))
            }
        });

        let context = wit_context(request);
        let events = wit_events(request);
        let mut instantiation_time = Duration::ZERO;
        let call = async {
            let instantiating = Instant::now();
            let instance = runbook.pre(slot.pool).instantiate_async(&mut store).await?;
            instantiation_time = instantiating.elapsed();
            instance
                .wolfe_runbook_handler()
                .call_handle(&mut store, &context, &events)
                .await
        };
        // The epoch callback only fires while wasm runs; a guest blocked in
        // a host wait (e.g. a WASI sleep) is cut off here instead. Dropping
        // the call future (deadline or cancel) unwinds the guest's fiber.
        let called = tokio::select! {
            biased;
            () = cancel.cancelled() => None,
            called = tokio::time::timeout_at(deadline.into(), call) => Some(called),
        };
        io.stdout.finish();
        io.stderr.finish();

        let fuel_left = store.get_fuel().unwrap_or(0);
        let limiter = &store.data().limiter;
        let (outcome, mut output, mut failure) = match called {
            None => cancelled(),
            Some(Err(_elapsed)) => timed_out(quotas),
            Some(Ok(result)) => classify(result, limiter, quotas),
        };
        // Secrets the runbook read never leave in what it returns.
        if let Some(output) = output.as_mut() {
            redactor.redact_json(output);
        }
        if let Some(failure) = failure.as_mut() {
            redactor.redact_in_place(&mut failure.message);
            if let Some(detail) = failure.detail.as_mut() {
                redactor.redact_in_place(detail);
            }
        }
        Ok(ExecutionResult {
            outcome,
            output,
            failure,
            logs: log.take_rest(),
            fuel_consumed: quotas.fuel - fuel_left,
            peak_memory_bytes: limiter.peak(),
            wall_time: started.elapsed(),
            instantiation_time,
        })
    }

    fn check_quotas(&self, quotas: &Quotas) -> Result<(), RequestError> {
        let ceiling = self.config.max_memory_per_execution;
        if quotas.memory_bytes > ceiling {
            return Err(RequestError::MemoryAboveCeiling {
                quota: bytesize::ByteSize(quotas.memory_bytes),
                ceiling: bytesize::ByteSize(ceiling),
            });
        }
        for (name, value) in [
            ("fuel", quotas.fuel),
            ("memory", quotas.memory_bytes),
            ("timeout", quotas.timeout.as_millis() as u64),
            ("output", quotas.max_output_bytes as u64),
        ] {
            if value == 0 {
                return Err(RequestError::Zero(name));
            }
        }
        Ok(())
    }
}

type Classified = (Outcome, Option<serde_json::Value>, Option<Failure>);

fn cancelled() -> Classified {
    let message = "cancelled while running".to_owned();
    (Outcome::Cancelled, None, Some(failure(message, None)))
}

/// Cancelled while waiting for a free execution slot: nothing ran.
fn cancelled_before_start(started: Instant) -> ExecutionResult {
    let (outcome, output, failure) = cancelled();
    ExecutionResult {
        outcome,
        output,
        failure,
        logs: Default::default(),
        fuel_consumed: 0,
        peak_memory_bytes: 0,
        wall_time: started.elapsed(),
        instantiation_time: Duration::ZERO,
    }
}

fn timed_out(quotas: &Quotas) -> Classified {
    let message = format!(
        "wall-clock deadline of {} exceeded",
        humantime::format_duration(quotas.timeout)
    );
    (Outcome::TimedOut, None, Some(failure(message, None)))
}

fn classify(result: CallResult, limiter: &MemoryLimiter, quotas: &Quotas) -> Classified {
    // A refused growth explains whatever followed it: an `unreachable` trap
    // in CPython's allocator, a MemoryError, a failed instantiation.
    let memory_exceeded = limiter.refused().map(|requested| {
        failure(
            format!(
                "memory quota of {} exceeded (runbook asked for {})",
                bytesize::ByteSize(quotas.memory_bytes),
                bytesize::ByteSize(requested)
            ),
            None,
        )
    });
    match result {
        Ok(Ok(output)) => classify_output(output, quotas),
        Ok(Err(_)) | Err(_) if memory_exceeded.is_some() => {
            (Outcome::MemoryExceeded, None, memory_exceeded)
        }
        Ok(Err(guest)) => (
            Outcome::Failed,
            None,
            Some(failure(guest.message, guest.detail)),
        ),
        Err(error) => classify_trap(error, quotas),
    }
}

fn classify_output(output: String, quotas: &Quotas) -> Classified {
    if output.len() > quotas.max_output_bytes {
        let message = format!(
            "output of {} exceeds the limit of {}",
            bytesize::ByteSize(output.len() as u64),
            bytesize::ByteSize(quotas.max_output_bytes as u64)
        );
        return (Outcome::OutputTooLarge, None, Some(failure(message, None)));
    }
    match serde_json::from_str(&output) {
        Ok(value) => (Outcome::Succeeded, Some(value), None),
        Err(error) => {
            let message = format!("runbook returned output that is not JSON: {error}");
            (Outcome::Failed, None, Some(failure(message, None)))
        }
    }
}

fn classify_trap(error: wasmtime::Error, quotas: &Quotas) -> Classified {
    if error.downcast_ref::<DeadlineExceeded>().is_some() {
        return timed_out(quotas);
    }
    if error.downcast_ref::<Trap>() == Some(&Trap::OutOfFuel) {
        let message = format!("fuel quota of {} exhausted", quotas.fuel);
        return (Outcome::FuelExhausted, None, Some(failure(message, None)));
    }
    // `{:?}` of a trap carries the wasm backtrace attached as context.
    let message = match error.downcast_ref::<Trap>() {
        Some(trap) => format!("runbook crashed: {trap}"),
        None => format!("runbook crashed: {error}"),
    };
    (
        Outcome::Crashed,
        None,
        Some(failure(message, Some(format!("{error:?}")))),
    )
}

/// Caps runbook-supplied failure text so a hostile failure cannot flood the record.
const MAX_FAILURE_BYTES: usize = 64 << 10;

fn failure(message: String, detail: Option<String>) -> Failure {
    Failure {
        message: truncate(message),
        detail: detail.map(truncate),
    }
}

fn truncate(mut text: String) -> String {
    if text.len() > MAX_FAILURE_BYTES {
        let mut cut = MAX_FAILURE_BYTES;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push_str(" …[truncated]");
    }
    text
}

fn wit_context(request: &ExecutionRequest) -> Context {
    let ctx = &request.context;
    Context {
        execution_id: ctx.execution_id.clone(),
        runbook: ctx.runbook.clone(),
        team: ctx.team.clone(),
        environment: ctx.environment.clone(),
        attempt: ctx.attempt,
        dry_run: ctx.dry_run,
        params_json: ctx.params.to_string(),
    }
}

fn wit_events(request: &ExecutionRequest) -> Vec<Event> {
    request
        .events
        .iter()
        .map(|event| Event {
            id: event.id.clone(),
            source: event.source.clone(),
            kind: event.kind.clone(),
            received_at: event.received_at.clone(),
            payload_json: event.payload.to_string(),
        })
        .collect()
}

/// The identity host calls are made under for `request`.
pub fn caller_of(request: &ExecutionRequest, event_depth: u32) -> CallerIdentity {
    let ctx = &request.context;
    CallerIdentity {
        execution_id: ctx.execution_id.clone(),
        team: ctx.team.clone(),
        runbook: ctx.runbook.clone(),
        environment: ctx.environment.clone(),
        attempt: ctx.attempt,
        dry_run: ctx.dry_run,
        event_depth,
    }
}
