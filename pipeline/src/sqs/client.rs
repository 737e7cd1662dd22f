//! The SQS client of a queue.

use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_sdk_sqs::Client;
use aws_sdk_sqs::config::timeout::TimeoutConfig;
use aws_sdk_sqs::config::{Builder, Credentials, Region, SharedHttpClient};
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};

use super::SqsQueueConfig;

/// A client for `queue` with credentials from the standard AWS chain:
/// environment, profile files, web identity, ECS task role, EC2 instance
/// metadata.
pub async fn connect(queue: &SqsQueueConfig) -> Client {
    // The endpoint override applies to SQS only, so credential providers
    // (STS for web identity) keep their real endpoints.
    let shared = aws_config::defaults(BehaviorVersion::latest())
        .http_client(https_client())
        .region(Region::new(queue.region.clone()))
        .load()
        .await;
    Client::from_conf(configure(Builder::from(&shared), queue).build())
}

/// A client for `queue` with fixed credentials, for queues whose
/// credentials do not come from the environment (moto in tests takes any).
pub fn client_with_credentials(queue: &SqsQueueConfig, credentials: Credentials) -> Client {
    let builder = Builder::new()
        .behavior_version(BehaviorVersion::latest())
        .credentials_provider(credentials);
    Client::from_conf(configure(builder, queue).build())
}

fn configure(builder: Builder, queue: &SqsQueueConfig) -> Builder {
    // A connection that hangs (a silent network partition) must surface as
    // an error the consumer retries, not as a poll that never returns: give
    // every attempt the long-poll time plus a margin.
    let attempt = Duration::from_secs(u64::from(queue.wait_time_seconds) + 10);
    let mut builder = builder
        .region(Region::new(queue.region.clone()))
        .http_client(https_client())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(3))
                .operation_attempt_timeout(attempt)
                .build(),
        );
    if let Some(endpoint) = &queue.endpoint_url {
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
