//! The host side of the `wolfe:runbook` WIT world.
//!
//! One glue module per WIT interface, each with the same shape: its `Host`
//! trait implementation over the execution's [`HostContext`] and one
//! `add_to_linker`. The real systems live in [`providers`]. The runtime
//! (`wolfe-engine`) links the interfaces; this crate knows nothing of wasmtime
//! stores, quotas or SQL (the store-backed parts are traits the pipeline
//! implements).

pub mod bindings;
mod error;
pub mod grant;
pub mod log;
pub mod providers;

pub use error::ApiError;
pub use grant::Grant;
