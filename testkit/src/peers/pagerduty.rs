//! PagerDuty's Events API v2 on loopback (`POST /v2/enqueue`), validating
//! events as the documented API does: `routing_key` (the 32-character
//! integration key) and `event_action` always; for `trigger` a `payload`
//! with `summary` (at most 1024 characters), `source` and `severity`
//! (critical, error, warning, info); for `acknowledge` and `resolve` a
//! `dedup_key`; a `dedup_key` has at most 255 characters. An accepted event
//! is answered 202 `{"status":"success","message":"Event processed",
//! "dedup_key":...}` (a generated key when the event had none), a rejected
//! one 400 `{"status":"invalid event","message":"Event object is invalid",
//! "errors":[...]}`. It can be told to answer every request with a status
//! of choice (429, 500, ...) instead, or to take its time (so that calls
//! racing each other overlap).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, body::Bytes};
use serde_json::{Value, json};

use super::background::BackgroundServer;

pub const ENQUEUE_PATH: &str = "/v2/enqueue";

#[derive(Default)]
struct Recorded {
    events: Vec<Value>,
    failing_with: Option<u16>,
    delay: Duration,
}

/// A running Events API; dropping it stops it.
pub struct PagerDuty {
    server: BackgroundServer,
    state: Arc<Mutex<Recorded>>,
}

impl PagerDuty {
    pub fn start() -> Result<Self, String> {
        let state = Arc::new(Mutex::new(Recorded::default()));
        let router = Router::new()
            .route(ENQUEUE_PATH, post(enqueue))
            .with_state(state.clone());
        Ok(Self {
            server: BackgroundServer::start(router)?,
            state,
        })
    }

    /// The URL to configure a pagerduty target with.
    pub fn url(&self) -> String {
        format!("{}{ENQUEUE_PATH}", self.server.base_url())
    }

    /// The events accepted so far (the JSON bodies as sent), oldest first.
    pub fn events(&self) -> Vec<Value> {
        lock(&self.state).events.clone()
    }

    /// Answers every request with `status` (and records nothing) until
    /// [`PagerDuty::answer_normally`].
    pub fn fail_with(&self, status: u16) {
        lock(&self.state).failing_with = Some(status);
    }

    pub fn answer_normally(&self) {
        lock(&self.state).failing_with = None;
    }

    /// Waits `delay` before handling each request.
    pub fn answer_after(&self, delay: Duration) {
        lock(&self.state).delay = delay;
    }
}

async fn enqueue(State(state): State<Arc<Mutex<Recorded>>>, body: Bytes) -> Response {
    let delay = lock(&state).delay;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let mut state = lock(&state);
    if let Some(status) = state.failing_with {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let message = if status == StatusCode::TOO_MANY_REQUESTS {
            "Rate limit reached"
        } else {
            "Internal server error"
        };
        return (
            status,
            Json(json!({ "status": "error", "message": message })),
        )
            .into_response();
    }
    let event = match serde_json::from_slice::<Value>(&body) {
        Ok(event) if event.is_object() => event,
        _ => return invalid(vec!["Event object is not valid JSON".into()]),
    };
    let errors = validate(&event);
    if !errors.is_empty() {
        return invalid(errors);
    }
    let dedup_key = event["dedup_key"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(generated_key);
    state.events.push(event);
    (
        StatusCode::ACCEPTED,
        Json(json!({
            "status": "success",
            "message": "Event processed",
            "dedup_key": dedup_key,
        })),
    )
        .into_response()
}

/// What the API would reject in `event`, in its words where known.
fn validate(event: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    match event["routing_key"].as_str() {
        None => errors.push("'routing_key' is missing or not a string".into()),
        Some(key) if key.len() != 32 => {
            errors.push("Length of 'routing_key' is incorrect (should be 32 characters)".into())
        }
        Some(_) => {}
    }
    match &event["dedup_key"] {
        Value::Null => {}
        Value::String(key) if key.chars().count() <= 255 => {}
        Value::String(_) => errors.push("'dedup_key' is longer than 255 characters".into()),
        _ => errors.push("'dedup_key' must be a string".into()),
    }
    match event["event_action"].as_str() {
        Some("trigger") => validate_payload(&event["payload"], &mut errors),
        Some("acknowledge" | "resolve") => {
            if !event["dedup_key"].is_string() {
                errors.push("'dedup_key' is required for this event_action".into());
            }
        }
        _ => errors
            .push("'event_action' is missing or not one of trigger, acknowledge, resolve".into()),
    }
    errors
}

fn validate_payload(payload: &Value, errors: &mut Vec<String>) {
    if !payload.is_object() {
        errors.push("'payload' is missing or not an object".into());
        return;
    }
    match payload["summary"].as_str() {
        Some(s) if s.trim().is_empty() => errors.push("'payload.summary' is blank".into()),
        Some(s) if s.chars().count() > 1024 => {
            errors.push("'payload.summary' is longer than 1024 characters".into())
        }
        Some(_) => {}
        None => errors.push("'payload.summary' is missing".into()),
    }
    if payload["source"]
        .as_str()
        .is_none_or(|s| s.trim().is_empty())
    {
        errors.push("'payload.source' is missing or blank".into());
    }
    if !matches!(
        payload["severity"].as_str(),
        Some("critical" | "error" | "warning" | "info")
    ) {
        errors.push(
            "'payload.severity' is missing or not one of critical, error, warning, info".into(),
        );
    }
}

fn invalid(errors: Vec<String>) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({
            "status": "invalid event",
            "message": "Event object is invalid",
            "errors": errors,
        })),
    )
        .into_response()
}

/// A 32-hex-digit key, unique within the process, like PagerDuty's.
fn generated_key() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!(
        "{:016x}{:016x}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

fn lock(state: &Mutex<Recorded>) -> MutexGuard<'_, Recorded> {
    state.lock().unwrap_or_else(|e| e.into_inner())
}
