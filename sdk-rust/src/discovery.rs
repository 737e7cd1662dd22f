//! Service discovery (Eureka): an application's instances, and taking one
//! out of service or putting it back.
//!
//! ```ignore
//! use wolfe_sdk::discovery;
//!
//! for instance in discovery::instances("KAFKA-ADMIN")? {
//!     if instance.host_name == bad_host {
//!         discovery::mark_out_of_service("KAFKA-ADMIN", &instance.id)?;
//!     }
//! }
//! ```

use serde::{Deserialize, Serialize};

use crate::bindings::wolfe::runbook::discovery as wit;
use crate::error::call;
use crate::{Effect, HostError};

pub use wit::Status;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instance {
    pub id: String,
    pub app: String,
    pub host_name: String,
    pub ip_addr: String,
    /// As Eureka reports it, e.g. `UP`, `OUT_OF_SERVICE`, `DOWN`.
    pub status: String,
    pub port: Option<u16>,
}

/// The instances registered for `app`.
pub fn instances(app: &str) -> Result<Vec<Instance>, HostError> {
    let found = call(|| wit::instances(app))?;
    Ok(found
        .into_iter()
        .map(|i| Instance {
            id: i.id,
            app: i.app,
            host_name: i.host_name,
            ip_addr: i.ip_addr,
            status: i.status,
            port: i.port,
        })
        .collect())
}

/// Overrides the instance's status.
pub fn set_status(app: &str, instance_id: &str, status: Status) -> Result<Effect, HostError> {
    call(|| wit::set_status(app, instance_id, status)).map(Effect::from)
}

pub fn mark_out_of_service(app: &str, instance_id: &str) -> Result<Effect, HostError> {
    set_status(app, instance_id, Status::OutOfService)
}

pub fn mark_up(app: &str, instance_id: &str) -> Result<Effect, HostError> {
    set_status(app, instance_id, Status::Up)
}
