//! An execution's logs as server-sent events, live while it runs.
//!
//! Events: `status` (`{"status"}`, on every change), `log` (one log record,
//! id `<attempt>:<seq>`), and a final `end` (`{"status"}`) after which the
//! stream closes. The store is polled every 250 ms for the lines after the
//! last one sent, so this works whichever engine instance runs the
//! execution. Runners write a running attempt's new lines every 250 ms
//! (see `wolfe_pipeline::runner`), so a line arrives about half a second
//! after it was logged, and the lines of an attempt that ends sooner
//! arrive with its result.
//!
//! The stream ends once the execution has ended and its log is complete: a
//! result is recorded together with the last lines; an attempt cancelled
//! while it ran gets its last lines from its runner once the sandbox has
//! stopped, so the stream waits for that (at most `STOPPING_GRACE`, for a
//! runner that died meanwhile).

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use serde_json::json;
use wolfe_store::ExecutionStatus;

use crate::api::views;
use crate::auth::Caller;
use crate::{ApiError, AppState};

const POLL: Duration = Duration::from_millis(250);

/// How long after a cancel the stream waits for the runner to write the
/// cancelled attempt's last lines. Runners notice a cancel within
/// `runner.cancel_check` (500 ms by default).
const STOPPING_GRACE: Duration = Duration::from_secs(10);

struct Progress {
    state: AppState,
    id: String,
    status: Option<String>,
    /// (attempt, seq) of the last log record sent.
    sent: Option<(i64, i64)>,
    pending: std::collections::VecDeque<Event>,
    finished: bool,
}

pub async fn stream(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    state
        .store
        .team_execution(&caller.team.id, &id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("execution {id:?}")))?;
    let mut progress = Progress {
        state,
        id,
        status: None,
        sent: None,
        pending: Default::default(),
        finished: false,
    };
    // The state at subscription time is read now, not when the client
    // first polls the body.
    poll(&mut progress).await;
    let events = futures_util::stream::unfold(progress, |mut p| async move {
        loop {
            if let Some(event) = p.pending.pop_front() {
                return Some((Ok(event), p));
            }
            if p.finished {
                return None;
            }
            if p.status.is_some() {
                tokio::time::sleep(POLL).await;
            }
            poll(&mut p).await;
        }
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}

/// Queues what changed since the last poll. A store error ends the stream
/// with an `error` event; the client may reconnect.
async fn poll(p: &mut Progress) {
    let execution = match p.state.store.execution(&p.id).await {
        Ok(Some(execution)) => execution,
        Ok(None) | Err(_) => {
            p.pending.push_back(
                Event::default()
                    .event("error")
                    .data("the store is unavailable; reconnect to resume"),
            );
            p.finished = true;
            return;
        }
    };
    // The log is complete when the execution has ended and no runner is
    // still writing its last lines. Both are read before the logs, so a
    // complete log seen here is all in the store already.
    let complete = execution.status.is_terminal()
        && !(execution.status == ExecutionStatus::Cancelled
            && p.state
                .store
                .cancelled_attempt_stopping(
                    &p.id,
                    execution.attempt,
                    STOPPING_GRACE.as_millis() as i64,
                )
                .await
                .unwrap_or(false));
    let logs = p
        .state
        .store
        .execution_logs_after(&p.id, p.sent)
        .await
        .unwrap_or_default();
    let status = execution.status.as_str().to_owned();
    if p.status.as_deref() != Some(&status) {
        p.pending
            .push_back(json_event("status", &json!({"status": status})));
        p.status = Some(status.clone());
    }
    for line in logs {
        let key = (line.attempt, line.seq);
        if p.sent.is_some_and(|sent| key <= sent) {
            continue;
        }
        p.sent = Some(key);
        p.pending.push_back(
            json_event("log", &views::log_line(&line)).id(format!("{}:{}", key.0, key.1)),
        );
    }
    if complete {
        p.pending
            .push_back(json_event("end", &json!({"status": status})));
        p.finished = true;
    }
}

fn json_event(name: &str, data: &impl serde::Serialize) -> Event {
    let data = serde_json::to_string(data).expect("views serialize to JSON");
    Event::default().event(name).data(data)
}
