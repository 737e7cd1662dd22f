//! The runtime against real guests built from source: well-behaved examples,
//! hostile runbooks in Python and Rust, isolation and the compiled cache.
//!
//! One test binary so every test shares one `Runtime` (as a Wolfe process
//! does) and each guest is built and compiled once.

mod cache;
mod cancellation;
mod examples;
mod hostile_python;
mod hostile_rust;
mod isolation;
mod live_log;
mod loading;
mod pools;
mod support;
