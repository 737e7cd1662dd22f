//! EC2 on a [`MotoServer`]: launch tagged instances and read their state
//! back, with the real AWS SDK. moto accepts any credentials.

use aws_sdk_ec2::Client;
use aws_sdk_ec2::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_ec2::types::{InstanceType, ResourceType, Tag, TagSpecification};
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};

use crate::moto::MotoServer;

/// The region tests use; moto keeps one EC2 backend per region.
pub const REGION: &str = "us-east-1";

/// An Amazon Linux AMI in moto's default image list.
pub const AMI: &str = "ami-12c6146b";

/// An EC2 client for a moto server, seeding and inspecting its instances.
pub struct Ec2Peer {
    client: Client,
    endpoint_url: String,
}

impl Ec2Peer {
    pub fn new(moto: &MotoServer) -> Self {
        let endpoint_url = moto.endpoint_url();
        let http_client = aws_smithy_http_client::Builder::new()
            .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
            .build_https();
        let config = aws_sdk_ec2::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .credentials_provider(Credentials::new("test", "test", None, None, "moto"))
            .region(Region::new(REGION))
            .endpoint_url(&endpoint_url)
            .http_client(http_client)
            .build();
        Self {
            client: Client::from_conf(config),
            endpoint_url,
        }
    }

    /// The endpoint URL to configure a provider with.
    pub fn endpoint_url(&self) -> &str {
        &self.endpoint_url
    }

    /// The underlying client, for anything not wrapped here.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Launches one running `t3.micro` instance with `tags`; returns its id.
    pub async fn launch(&self, tags: &[(&str, &str)]) -> String {
        let tags = TagSpecification::builder()
            .resource_type(ResourceType::Instance)
            .set_tags(Some(
                tags.iter()
                    .map(|(key, value)| Tag::builder().key(*key).value(*value).build())
                    .collect(),
            ))
            .build();
        let output = self
            .client
            .run_instances()
            .image_id(AMI)
            .instance_type(InstanceType::T3Micro)
            .min_count(1)
            .max_count(1)
            .tag_specifications(tags)
            .send()
            .await
            .expect("moto RunInstances");
        output.instances()[0]
            .instance_id()
            .expect("launched instance has an id")
            .to_owned()
    }

    /// The instance's state name as moto reports it, e.g. `running`.
    pub async fn state(&self, id: &str) -> String {
        let output = self
            .client
            .describe_instances()
            .instance_ids(id)
            .send()
            .await
            .expect("moto DescribeInstances");
        output.reservations()[0].instances()[0]
            .state()
            .and_then(|s| s.name())
            .expect("instance has a state")
            .as_str()
            .to_owned()
    }

    /// Stops a running instance (moto does it at once).
    pub async fn stop(&self, id: &str) {
        self.client
            .stop_instances()
            .instance_ids(id)
            .send()
            .await
            .expect("moto StopInstances");
    }
}
