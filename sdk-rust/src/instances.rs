//! Cloud instances (EC2), within the applications or tags the grant names.
//!
//! ```ignore
//! use wolfe_sdk::instances;
//!
//! for instance in instances::find(&[("app", "kafka"), ("cluster", "events")])? {
//!     if instance.state == "stopped" {
//!         instances::reboot(&instance.id)?;
//!     }
//! }
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::bindings::wolfe::runbook::instances as wit;
use crate::error::call;
use crate::{Effect, HostError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instance {
    pub id: String,
    /// As EC2 reports it, e.g. `running`, `stopped`.
    pub state: String,
    pub instance_type: String,
    pub private_ip: Option<String>,
    pub tags: BTreeMap<String, String>,
}

impl From<wit::Instance> for Instance {
    fn from(i: wit::Instance) -> Self {
        Self {
            id: i.id,
            state: i.state,
            instance_type: i.instance_type,
            private_ip: i.private_ip,
            tags: i.tags.into_iter().collect(),
        }
    }
}

/// The instances with these ids.
pub fn describe<S: AsRef<str>>(ids: &[S]) -> Result<Vec<Instance>, HostError> {
    let ids: Vec<String> = ids.iter().map(|id| id.as_ref().to_owned()).collect();
    let found = call(|| wit::describe(&ids))?;
    Ok(found.into_iter().map(Instance::from).collect())
}

/// Instances whose tags include every given `(key, value)` pair.
pub fn find<K: AsRef<str>, V: AsRef<str>>(tags: &[(K, V)]) -> Result<Vec<Instance>, HostError> {
    let tags: Vec<(String, String)> = tags
        .iter()
        .map(|(k, v)| (k.as_ref().to_owned(), v.as_ref().to_owned()))
        .collect();
    let found = call(|| wit::find(&tags))?;
    Ok(found.into_iter().map(Instance::from).collect())
}

pub fn reboot(id: &str) -> Result<Effect, HostError> {
    call(|| wit::reboot(id)).map(Effect::from)
}

pub fn terminate(id: &str) -> Result<Effect, HostError> {
    call(|| wit::terminate(id)).map(Effect::from)
}
