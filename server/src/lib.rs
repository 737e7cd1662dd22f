//! Wolfe's HTTP surface. `app(state)` builds the router, so tests drive it
//! without a socket.
//!
//! - `/api/v1/...`: the management API of the Studio, one table in
//!   [`api::routes`]; every route but the webhooks takes a bearer token of
//!   a team and a role ([`auth::Caller`]).
//! - `POST /api/v1/events/{source}`: webhook sensor (per-source auth).
//! - `GET /api/openapi.json`: the OpenAPI document of all of it.
//! - `GET /healthz`.
//! - `GET /`: the Studio's browser UI (`studio.rs`).

pub mod api;
pub mod auth;
pub mod body;
pub mod builder;
mod cancel;
mod error;
mod events;
mod executions;
pub mod openapi;
mod runs;
mod state;
mod studio;

use axum::Router;

pub use error::ApiError;
pub use state::AppState;

pub fn app(state: AppState) -> Router {
    api::routes()
        .into_iter()
        .fold(Router::new(), |router, route| {
            router.route(route.path, route.handler)
        })
        .with_state(state)
        .merge(studio::router())
}
