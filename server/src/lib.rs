//! Wolfe's HTTP surface. `app(state)` builds the router, so tests drive it
//! without a socket.
//!
//! - `POST /api/v1/events/{source}`: webhook sensor (per-source auth).
//! - `POST /api/v1/runs`: run a runbook by hand (API token).
//! - `GET  /api/v1/executions/{id}`: an execution with its events and logs (API token).
//! - `POST /api/v1/executions/{id}/cancel`: cancel a queued or running execution (API token).
//! - `GET  /healthz`.

mod cancel;
mod error;
mod events;
mod executions;
mod runs;
mod state;

use axum::Router;
use axum::routing::{get, post};

pub use error::ApiError;
pub use state::AppState;

pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/api/v1/events/{source}", post(events::receive))
        .route("/api/v1/runs", post(runs::create))
        .route("/api/v1/executions/{id}", get(executions::show))
        .route("/api/v1/executions/{id}/cancel", post(cancel::cancel))
        .route("/healthz", get(|| async { "ok" }))
        .with_state(state)
}
