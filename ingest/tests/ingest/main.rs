//! `wolfe-ingest` against realistic bodies (`tests/fixtures/`) and every
//! way a body or a credential can be wrong.

mod alertmanager;
mod atlas;
mod auth;
mod config;
mod generic;
mod limits;
mod support;
