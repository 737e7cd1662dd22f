//! Wolfe's HTTP surface. `app(state)` builds the router, so tests drive it
//! without a socket.
//!
//! - `POST /api/v1/events/{source}`: webhook sensor (per-source auth).
//! - `POST /api/v1/runs`: run a runbook by hand (API token).
//! - `GET  /api/v1/executions/{id}`: an execution with its events and logs (API token).
//! - `GET  /healthz`.
//! - `GET  /`: the Studio's browser UI (`studio.rs`).

mod error;
mod events;
mod executions;
mod runs;
mod state;
mod studio;

use axum::Router;
use axum::routing::{get, post};

pub use error::ApiError;
pub use state::AppState;

pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/api/v1/events/{source}", post(events::receive))
        .route("/api/v1/runs", post(runs::create))
        .route("/api/v1/executions/{id}", get(executions::show))
        .route("/healthz", get(|| async { "ok" }))
        .with_state(state)
        .merge(studio::router())
}
