//! The Wolfe sandbox runtime.
//!
//! Runs one runbook execution at a time per call, each in a fresh wasmtime
//! `Store` with its own quotas, and reports precisely how it ended. The
//! runtime knows nothing of HTTP, SQL or the event pipeline: callers hand it
//! component bytes, a context and events, and get an [`ExecutionResult`].

mod cache;
mod config;
mod duration_serde;
mod epoch;
mod execute;
mod inspect;
mod limiter;
mod live_log;
mod outcome;
mod pools;
mod quotas;
mod request;
mod runtime;
mod state;
mod stdio;
mod wasmtime_config;

pub use config::RuntimeConfig;
pub use execute::{RequestError, caller_of};
pub use inspect::{ComponentShape, check_component};
pub use live_log::LiveLog;
pub use outcome::{ExecutionResult, Failure, Outcome};
pub use quotas::Quotas;
pub use request::{EventInput, ExecutionContext, ExecutionRequest};
pub use runtime::{LoadError, LoadedRunbook, Runtime};
/// Stops an execution from outside; see [`Runtime::execute_cancellable`].
pub use tokio_util::sync::CancellationToken;
pub use wolfe_host_apis::log::{CapturedLog, LogLevel, LogRecord, LogStream};
pub use wolfe_host_apis::{CallerIdentity, Grant, HostContext, Services};
