//! The EC2 calls the provider makes, with their results converted.

use aws_sdk_ec2::Client;
use aws_sdk_ec2::operation::describe_instances::DescribeInstancesOutput;
use aws_sdk_ec2::types::{self as ec2, Filter};

use super::errors::from_sdk;
use super::types::Instance;
use crate::ApiError;

/// An EC2 client and the endpoint it talks to, for error messages.
pub(super) struct Ec2 {
    pub client: Client,
    pub endpoint: String,
}

impl Ec2 {
    /// The instances with these ids; EC2 fails with
    /// `InvalidInstanceID.NotFound` naming any that does not exist.
    pub async fn describe_ids(&self, ids: &[String]) -> Result<Vec<Instance>, ApiError> {
        let output = self
            .client
            .describe_instances()
            .set_instance_ids(Some(ids.to_vec()))
            .send()
            .await
            .map_err(|e| from_sdk("DescribeInstances", &self.endpoint, e))?;
        // Ids need no pagination: EC2 answers them in one page.
        Ok(instances(&output))
    }

    /// Every instance matching all `filters`, across pages.
    pub async fn describe_filtered(&self, filters: Vec<Filter>) -> Result<Vec<Instance>, ApiError> {
        let mut found = Vec::new();
        let mut next_token = None;
        loop {
            let output = self
                .client
                .describe_instances()
                .set_filters(Some(filters.clone()))
                .set_next_token(next_token)
                .max_results(1000)
                .send()
                .await
                .map_err(|e| from_sdk("DescribeInstances", &self.endpoint, e))?;
            found.extend(instances(&output));
            next_token = output
                .next_token()
                .filter(|t| !t.is_empty())
                .map(str::to_owned);
            if next_token.is_none() {
                return Ok(found);
            }
        }
    }

    pub async fn reboot(&self, id: &str) -> Result<(), ApiError> {
        self.client
            .reboot_instances()
            .instance_ids(id)
            .send()
            .await
            .map_err(|e| from_sdk("RebootInstances", &self.endpoint, e))?;
        Ok(())
    }

    /// Returns the state EC2 reports for the instance after the call.
    pub async fn terminate(&self, id: &str) -> Result<Option<String>, ApiError> {
        let output = self
            .client
            .terminate_instances()
            .instance_ids(id)
            .send()
            .await
            .map_err(|e| from_sdk("TerminateInstances", &self.endpoint, e))?;
        Ok(output
            .terminating_instances()
            .iter()
            .find(|change| change.instance_id() == Some(id))
            .and_then(|change| change.current_state())
            .and_then(|state| state.name())
            .map(|name| name.as_str().to_owned()))
    }
}

fn instances(output: &DescribeInstancesOutput) -> Vec<Instance> {
    output
        .reservations()
        .iter()
        .flat_map(|reservation| reservation.instances())
        .filter_map(convert)
        .collect()
}

/// None for an instance without an id, which EC2 never returns.
fn convert(instance: &ec2::Instance) -> Option<Instance> {
    let mut tags: Vec<(String, String)> = instance
        .tags()
        .iter()
        .filter_map(|tag| {
            Some((
                tag.key()?.to_owned(),
                tag.value().unwrap_or_default().to_owned(),
            ))
        })
        .collect();
    tags.sort();
    Some(Instance {
        id: instance.instance_id()?.to_owned(),
        state: instance
            .state()
            .and_then(|state| state.name())
            .map_or("unknown", |name| name.as_str())
            .to_owned(),
        instance_type: instance
            .instance_type()
            .map_or("unknown", |t| t.as_str())
            .to_owned(),
        private_ip: instance.private_ip_address().map(str::to_owned),
        tags,
    })
}
