use serde::{Deserialize, Serialize};

use crate::bindings::wolfe::runbook::common::Effect as WitEffect;

/// The receipt of a side-effecting call that returns nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Effect {
    /// True in dry-run mode: the host recorded the call but did not perform it.
    pub simulated: bool,
}

impl From<WitEffect> for Effect {
    fn from(effect: WitEffect) -> Self {
        Self {
            simulated: effect.simulated,
        }
    }
}
