//! `[providers.instances]`: where EC2 is and how to reach it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How the instances provider reaches EC2.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InstancesConfig {
    /// AWS region, e.g. `eu-west-1`.
    pub region: String,
    /// Overrides the EC2 endpoint (moto in tests, a VPC endpoint in
    /// production); none: the region's public endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_url: Option<String>,
    /// Fixed credentials; none: the default AWS chain (environment,
    /// profile, web identity, ECS task role, EC2 instance metadata).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<StaticCredentials>,
    /// The tag whose value names an instance's application, matched against
    /// a grant's `applications`.
    #[serde(default = "default_application_tag")]
    pub application_tag: String,
    /// Upper bound on one call to EC2, retries included.
    #[serde(default = "default_timeout_seconds")]
    pub timeout_seconds: u64,
}

/// An access key pair. `Debug` never shows the secret parts.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StaticCredentials {
    pub access_key_id: String,
    pub secret_access_key: Redacted,
    /// For temporary credentials (STS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_token: Option<Redacted>,
}

/// A secret string that `Debug` prints as `***`, so a logged config does not
/// leak it.
#[derive(Clone, Deserialize, Serialize)]
#[serde(transparent)]
pub struct Redacted(pub String);

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl InstancesConfig {
    /// A configuration for `region` with every default.
    pub fn new(region: impl Into<String>) -> Self {
        Self {
            region: region.into(),
            endpoint_url: None,
            credentials: None,
            application_tag: default_application_tag(),
            timeout_seconds: default_timeout_seconds(),
        }
    }
}

fn default_application_tag() -> String {
    "app".to_owned()
}

fn default_timeout_seconds() -> u64 {
    10
}
