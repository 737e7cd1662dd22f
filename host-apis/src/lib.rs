//! The host side of the `wolfe:runbook` WIT world.
//!
//! One glue module per WIT interface, each with the same shape: its `Host`
//! trait implementation over the execution's [`HostContext`] and one
//! `add_to_linker` (`effect_keys` is the glue of the WIT `effects`
//! interface, whose name the gate took). Every call goes through the same
//! rules (`effects`): grant checks, the audit trail, dry-run, idempotent
//! replay. The real systems live in [`providers`]; the store-backed
//! services (kv, secrets, events, the audit trail and key claims) are
//! traits the pipeline implements. This crate knows nothing of wasmtime
//! stores, quotas or SQL.

pub mod bindings;
mod context;
pub mod discovery;
pub mod effect_keys;
mod effects;
mod error;
pub mod events;
pub mod grant;
pub mod http;
pub mod instances;
pub mod kv;
pub mod ledger;
pub mod log;
pub mod metrics;
pub mod notify;
pub mod providers;
pub mod redact;
pub mod secrets;

pub use context::{CallerIdentity, HostContext, HostLimits, Services};
pub use error::ApiError;
pub use grant::Grant;

/// Links every host interface but `log` (and WASI); `get` finds the
/// execution's [`HostContext`] in the store data.
pub fn add_to_linker<T: Send + 'static>(
    linker: &mut wasmtime::component::Linker<T>,
    get: fn(&mut T) -> &mut HostContext,
) -> wasmtime::Result<()> {
    kv::add_to_linker(linker, get)?;
    secrets::add_to_linker(linker, get)?;
    events::add_to_linker(linker, get)?;
    http::add_to_linker(linker, get)?;
    metrics::add_to_linker(linker, get)?;
    discovery::add_to_linker(linker, get)?;
    notify::add_to_linker(linker, get)?;
    instances::add_to_linker(linker, get)?;
    effect_keys::add_to_linker(linker, get)?;
    Ok(())
}
