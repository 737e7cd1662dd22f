//! The EC2 client: rustls on ring, the configured endpoint and timeouts.

use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_sdk_ec2::Client;
use aws_sdk_ec2::config::timeout::TimeoutConfig;
use aws_sdk_ec2::config::{Builder, Credentials, Region, SharedHttpClient};
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};

use super::config::InstancesConfig;

/// Connecting longer than this means the endpoint is not there.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

pub(super) async fn connect(config: &InstancesConfig) -> Client {
    let builder = match &config.credentials {
        Some(credentials) => Builder::new()
            .behavior_version(BehaviorVersion::latest())
            .credentials_provider(Credentials::new(
                &credentials.access_key_id,
                &credentials.secret_access_key.0,
                credentials.session_token.as_ref().map(|t| t.0.clone()),
                None,
                "wolfe-instances-config",
            )),
        None => {
            // The endpoint override applies to EC2 only, so credential
            // providers (STS for web identity) keep their real endpoints.
            let shared = aws_config::defaults(BehaviorVersion::latest())
                .http_client(https_client())
                .region(Region::new(config.region.clone()))
                .load()
                .await;
            Builder::from(&shared)
        }
    };
    Client::from_conf(configure(builder, config).build())
}

fn configure(builder: Builder, config: &InstancesConfig) -> Builder {
    let operation = Duration::from_secs(config.timeout_seconds);
    let mut builder = builder
        .region(Region::new(config.region.clone()))
        .http_client(https_client())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(CONNECT_TIMEOUT.min(operation))
                .operation_timeout(operation)
                .build(),
        );
    if let Some(endpoint) = &config.endpoint_url {
        builder = builder.endpoint_url(endpoint);
    }
    builder
}

/// HTTPS with rustls on ring: the SDK's default TLS stack is aws-lc, a long
/// C build, for no gain here. Plain `http://` endpoints (moto) work too.
fn https_client() -> SharedHttpClient {
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
        .build_https()
}
