//! The real systems behind the host interfaces. Each provider is plain async
//! Rust (no wasmtime types): it takes the relevant part of the runbook's
//! grant where the check needs the provider's knowledge (a DNS answer, an
//! instance's tags) and returns [`ApiError`](crate::ApiError). Grant checks
//! that need no I/O, the audit trail, dry-run and idempotency live in the
//! interface glue beside `bindings`, the same for every provider.

pub mod discovery;
pub mod http;
pub mod instances;
pub mod metrics;
pub mod notify;
mod remote_http;
