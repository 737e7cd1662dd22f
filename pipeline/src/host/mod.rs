//! The store-backed services behind the host interfaces: the audit trail
//! (and idempotency record), kv, secrets and emitted events. Providers that
//! talk to outside systems come from `wolfe-host-apis` and are added by the
//! process that configures them.

mod events;
mod kv;
mod ledger;
mod secrets;

use std::sync::Arc;

use wolfe_engine::Services;
use wolfe_host_apis::HostLimits;
use wolfe_store::{SecretCipher, Store};

use crate::intake::Intake;

pub use events::IntakeEvents;
pub use kv::StoreKv;
pub use ledger::StoreLedger;
pub use secrets::StoreSecrets;

/// Host services over `store`: kv, the audit trail, events emitted into
/// `intake`, and secrets when a master key is configured.
pub fn store_services(
    store: &Store,
    intake: Arc<Intake>,
    cipher: Option<SecretCipher>,
    limits: HostLimits,
) -> Services {
    Services {
        ledger: Arc::new(StoreLedger::new(store.clone())),
        kv: Some(Arc::new(StoreKv::new(store.clone()))),
        secrets: cipher.map(|cipher| {
            Arc::new(StoreSecrets::new(store.clone(), cipher))
                as Arc<dyn wolfe_host_apis::secrets::SecretSource>
        }),
        events: Some(Arc::new(IntakeEvents::new(intake))),
        limits,
        ..Services::offline()
    }
}

/// The guest-facing error for a store failure: the store's own message
/// stays in the host's log, the runbook learns it may retry.
fn store_unavailable(what: &str, error: &wolfe_store::StoreError) -> wolfe_host_apis::ApiError {
    tracing::warn!("{what}: {error}");
    wolfe_host_apis::ApiError::Unavailable(format!("{what}: the store is unavailable, try again"))
}
