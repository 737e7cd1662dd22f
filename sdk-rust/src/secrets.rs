//! Secrets granted to the runbook. The host redacts their values from logs,
//! outputs and the audit trail.
//!
//! ```ignore
//! let token = wolfe_sdk::secrets::get("kafka-admin-token")?;
//! ```

use crate::HostError;
use crate::bindings::wolfe::runbook::secrets as wit;
use crate::error::call;

/// The value of the secret `name`: [`HostError::NotFound`] for an unknown
/// name, [`HostError::Denied`] for one not granted.
pub fn get(name: &str) -> Result<String, HostError> {
    call(|| wit::get(name))
}
