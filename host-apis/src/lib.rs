//! The host side of the `wolfe:runbook` WIT world.
//!
//! One module per WIT interface, each with the same shape: the state it
//! needs, its `Host` trait implementation, and one `add_to_linker`. The
//! runtime (`wolfe-engine`) decides which interfaces to link; this crate knows
//! nothing of wasmtime stores, quotas, HTTP servers or SQL.

pub mod bindings;
pub mod log;
