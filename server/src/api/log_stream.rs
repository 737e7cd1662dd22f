//! An execution's logs as server-sent events, live while it runs.
//!
//! Events: `status` (`{"status"}`, on every change), `log` (one log record,
//! id `<attempt>:<seq>`), and a final `end` (`{"status"}`) after which the
//! stream closes. The store is polled, so this works whichever engine
//! instance runs the execution. Runners record an attempt's log records
//! when the attempt ends, so they arrive attempt by attempt.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use serde_json::json;

use crate::api::views;
use crate::auth::Caller;
use crate::{ApiError, AppState};

const POLL: Duration = Duration::from_millis(250);

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
    // Logs are read after the status, so a terminal status seen here has
    // all its attempts' logs in the store already.
    let logs = p
        .state
        .store
        .execution_logs(&p.id)
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
    if execution.status.is_terminal() {
        p.pending
            .push_back(json_event("end", &json!({"status": status})));
        p.finished = true;
    }
}

fn json_event(name: &str, data: &serde_json::Value) -> Event {
    Event::default().event(name).data(data.to_string())
}
