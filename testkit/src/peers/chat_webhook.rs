//! A Slack-compatible incoming webhook on loopback. Like Slack it takes a
//! JSON body with a non-empty `text`, answers `200 ok`, and refuses other
//! bodies with `400 invalid_payload` or `400 no_text`; it records what it
//! accepted and can be told to fail every request with a given status.

use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::routing::post;
use serde_json::Value;

use super::background::BackgroundServer;

/// The webhook's path, shaped like Slack's (the token is the path).
pub const HOOK_PATH: &str = "/services/T0000TEST/B0000TEST/webhooktesttoken0000";

/// One message the webhook accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatMessage {
    pub path: String,
    pub content_type: Option<String>,
    /// The whole JSON body.
    pub body: Value,
}

impl ChatMessage {
    /// The body's `text`.
    pub fn text(&self) -> &str {
        self.body["text"].as_str().unwrap_or_default()
    }
}

#[derive(Default)]
struct Recorded {
    messages: Vec<ChatMessage>,
    failing_with: Option<u16>,
}

/// A running webhook; dropping it stops it.
pub struct ChatWebhook {
    server: BackgroundServer,
    state: Arc<Mutex<Recorded>>,
}

impl ChatWebhook {
    pub fn start() -> Result<Self, String> {
        let state = Arc::new(Mutex::new(Recorded::default()));
        let router = Router::new()
            .route(HOOK_PATH, post(receive))
            .with_state(state.clone());
        Ok(Self {
            server: BackgroundServer::start(router)?,
            state,
        })
    }

    /// The webhook URL to configure a chat target with.
    pub fn url(&self) -> String {
        format!("{}{HOOK_PATH}", self.server.base_url())
    }

    /// The messages accepted so far, oldest first.
    pub fn messages(&self) -> Vec<ChatMessage> {
        lock(&self.state).messages.clone()
    }

    /// Answers every request with `status` (and records nothing) until
    /// [`ChatWebhook::answer_normally`].
    pub fn fail_with(&self, status: u16) {
        lock(&self.state).failing_with = Some(status);
    }

    pub fn answer_normally(&self) {
        lock(&self.state).failing_with = None;
    }
}

async fn receive(
    State(state): State<Arc<Mutex<Recorded>>>,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> (StatusCode, &'static str) {
    let mut state = lock(&state);
    if let Some(status) = state.failing_with {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return (status, "peer told to fail");
    }
    let Ok(body) = serde_json::from_str::<Value>(&body) else {
        return (StatusCode::BAD_REQUEST, "invalid_payload");
    };
    if body["text"].as_str().is_none_or(str::is_empty) {
        return (StatusCode::BAD_REQUEST, "no_text");
    }
    state.messages.push(ChatMessage {
        path: uri.path().to_owned(),
        content_type: headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        body,
    });
    (StatusCode::OK, "ok")
}

fn lock(state: &Mutex<Recorded>) -> MutexGuard<'_, Recorded> {
    state.lock().unwrap_or_else(|e| e.into_inner())
}
