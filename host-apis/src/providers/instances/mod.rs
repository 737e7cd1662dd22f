//! Cloud instances (EC2): describe, find, reboot and terminate, within the
//! runbook's [`InstanceScope`].
//!
//! An instance is in scope when the value of its application tag is one of
//! the scope's `applications`, or when its tags include every pair of the
//! scope's (non-empty) `tags`. Describing instances in scope needs no action;
//! reboot and terminate also need their name in the scope's `actions`.
//! Asking for an instance outside the scope by id is `denied` (without its
//! details); an id EC2 does not know is `not-found`.
//!
//! Configured from `[providers.instances]`:
//!
//! ```toml
//! [providers.instances]
//! region = "eu-west-1"
//! # Optional: another EC2 endpoint (a VPC endpoint; moto in tests).
//! endpoint_url = "https://ec2.eu-west-1.amazonaws.com"
//! # Optional, default "app": the tag naming an instance's application.
//! application_tag = "app"
//! # Optional, default 10: bound on one EC2 call, retries included.
//! timeout_seconds = 10
//!
//! # Optional: fixed credentials; without them, the default AWS chain
//! # (environment, profile, web identity, ECS task role, instance metadata).
//! [providers.instances.credentials]
//! access_key_id = "AKIA..."
//! secret_access_key = "..."
//! # session_token = "..."
//! ```

mod client;
mod config;
mod ec2;
mod errors;
mod scope;
mod types;

use std::collections::BTreeMap;

pub use config::{InstancesConfig, Redacted, StaticCredentials};
pub use types::{ActionTaken, Instance, InstanceAction};

use self::ec2::Ec2;
use crate::ApiError;
use crate::grant::InstanceScope;

/// The EC2 instances a runbook may see and act on.
pub struct InstancesProvider {
    ec2: Ec2,
    application_tag: String,
}

impl InstancesProvider {
    /// A provider for `config`. Reaches EC2 only when called; with no fixed
    /// credentials it resolves the default AWS chain's settings first.
    pub async fn new(config: InstancesConfig) -> Result<Self, ApiError> {
        validate(&config)?;
        let endpoint = config
            .endpoint_url
            .clone()
            .unwrap_or_else(|| format!("https://ec2.{}.amazonaws.com", config.region));
        Ok(Self {
            ec2: Ec2 {
                client: client::connect(&config).await,
                endpoint,
            },
            application_tag: config.application_tag,
        })
    }

    /// The instances with these ids, in the order asked; with no ids, every
    /// instance in scope. Any id outside the scope makes the whole call
    /// `denied`, naming the ids but nothing else about them.
    pub async fn describe(
        &self,
        scope: &InstanceScope,
        ids: &[String],
    ) -> Result<Vec<Instance>, ApiError> {
        if ids.is_empty() {
            return self.find(scope, &[]).await;
        }
        let mut unique: Vec<String> = Vec::new();
        for id in ids {
            check_instance_id(id)?;
            if !unique.contains(id) {
                unique.push(id.clone());
            }
        }
        let mut found: BTreeMap<String, Instance> = self
            .ec2
            .describe_ids(&unique)
            .await?
            .into_iter()
            .map(|instance| (instance.id.clone(), instance))
            .collect();
        let missing: Vec<&str> = unique
            .iter()
            .filter(|id| !found.contains_key(*id))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            return Err(ApiError::NotFound(format!(
                "no EC2 instance {}",
                missing.join(", ")
            )));
        }
        let outside: Vec<&str> = unique
            .iter()
            .filter(|id| !self.in_scope(scope, &found[*id]))
            .map(String::as_str)
            .collect();
        if !outside.is_empty() {
            return Err(ApiError::Denied(format!(
                "instance {} outside the runbook's instance scope",
                outside.join(", ")
            )));
        }
        Ok(unique.iter().filter_map(|id| found.remove(id)).collect())
    }

    /// The instances in scope whose tags include every pair of `tags`,
    /// sorted by id.
    pub async fn find(
        &self,
        scope: &InstanceScope,
        tags: &[(String, String)],
    ) -> Result<Vec<Instance>, ApiError> {
        let mut found = BTreeMap::new();
        for filters in scope::filter_sets(scope, &self.application_tag, tags) {
            for instance in self.ec2.describe_filtered(filters).await? {
                if self.in_scope(scope, &instance) && scope::has_all_tags(&instance.tags, tags) {
                    found.insert(instance.id.clone(), instance);
                }
            }
        }
        Ok(found.into_values().collect())
    }

    /// Every check [`Self::reboot`] or [`Self::terminate`] makes (the action
    /// is granted, the instance exists and is in scope), without acting:
    /// for dry runs. Returns the instance as it is now.
    pub async fn authorize(
        &self,
        scope: &InstanceScope,
        id: &str,
        action: InstanceAction,
    ) -> Result<Instance, ApiError> {
        check_instance_id(id)?;
        if !scope.actions.iter().any(|a| a == action.as_str()) {
            return Err(ApiError::Denied(format!(
                "action {action} on instance {id} not granted (granted actions: {})",
                if scope.actions.is_empty() {
                    "none".to_owned()
                } else {
                    scope.actions.join(", ")
                }
            )));
        }
        let mut described = self.describe(scope, &[id.to_owned()]).await?;
        described
            .pop()
            .ok_or_else(|| ApiError::NotFound(format!("no EC2 instance {id}")))
    }

    /// Reboots an instance in scope, if `reboot` is a granted action.
    pub async fn reboot(&self, scope: &InstanceScope, id: &str) -> Result<ActionTaken, ApiError> {
        let instance = self.authorize(scope, id, InstanceAction::Reboot).await?;
        self.ec2.reboot(id).await?;
        Ok(ActionTaken {
            instance_id: instance.id,
            action: InstanceAction::Reboot,
            previous_state: instance.state,
            current_state: None,
        })
    }

    /// Terminates an instance in scope, if `terminate` is a granted action.
    pub async fn terminate(
        &self,
        scope: &InstanceScope,
        id: &str,
    ) -> Result<ActionTaken, ApiError> {
        let instance = self.authorize(scope, id, InstanceAction::Terminate).await?;
        let current_state = self.ec2.terminate(id).await?;
        Ok(ActionTaken {
            instance_id: instance.id,
            action: InstanceAction::Terminate,
            previous_state: instance.state,
            current_state,
        })
    }

    fn in_scope(&self, scope: &InstanceScope, instance: &Instance) -> bool {
        scope::in_scope(scope, &self.application_tag, &instance.tags)
    }
}

fn validate(config: &InstancesConfig) -> Result<(), ApiError> {
    let problem = if config.region.trim().is_empty() {
        "region is empty"
    } else if config.application_tag.is_empty() {
        "application_tag is empty"
    } else if config.timeout_seconds == 0 {
        "timeout_seconds is 0"
    } else {
        return Ok(());
    };
    Err(ApiError::Invalid(format!(
        "[providers.instances]: {problem}"
    )))
}

/// EC2 instance ids are `i-` and 8 or 17 lowercase hex digits; anything else
/// is rejected before a call.
fn check_instance_id(id: &str) -> Result<(), ApiError> {
    let valid = id.strip_prefix("i-").is_some_and(|hex| {
        matches!(hex.len(), 8 | 17)
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    });
    if valid {
        Ok(())
    } else {
        Err(ApiError::Invalid(format!(
            "{id:?} is not an EC2 instance id (i- and 8 or 17 hex digits)"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_ids_are_checked_before_any_call() {
        assert!(check_instance_id("i-0123456789abcdef0").is_ok());
        assert!(check_instance_id("i-12345678").is_ok());
        for bad in [
            "",
            "i-",
            "i-XYZ",
            "i-0123456789ABCDEF0",
            "vol-12345678",
            "i-123",
        ] {
            assert!(
                matches!(check_instance_id(bad), Err(ApiError::Invalid(_))),
                "{bad}"
            );
        }
    }
}
