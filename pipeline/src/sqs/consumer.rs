//! The long-poll loop of one queue: receive, process the batch, back off
//! while the queue or the store is down, stop when told.

use std::sync::Arc;
use std::time::Duration;

use aws_sdk_sqs::Client;
use aws_sdk_sqs::error::SdkError;
use aws_sdk_sqs::operation::receive_message::ReceiveMessageError;
use aws_sdk_sqs::types::{Message, MessageSystemAttributeName};
use tokio::sync::watch;

use super::backoff::Backoff;
use super::report::{causes, millis};
use super::{SqsConfigError, SqsQueueConfig, batch};
use crate::intake::{Intake, Source};

/// First pause after a failure; doubled per consecutive failure.
const FIRST_RETRY: Duration = Duration::from_millis(200);
/// Longest pause: a queue that comes back is polled again within this.
const LONGEST_RETRY: Duration = Duration::from_secs(30);

/// Consumes one queue into intake; see the [module documentation](super)
/// for the contract.
pub struct SqsConsumer {
    pub(super) client: Client,
    pub(super) queue: SqsQueueConfig,
    pub(super) source: Source,
    pub(super) intake: Arc<Intake>,
}

impl SqsConsumer {
    /// `source` is the configured source `queue.source` names (anything else
    /// is an error): it decides how message bodies are read and the
    /// environment of their events.
    /// `client` comes from [`super::connect`] (or
    /// [`super::client_with_credentials`]).
    pub fn new(
        client: Client,
        queue: SqsQueueConfig,
        source: Source,
        intake: Arc<Intake>,
    ) -> Result<Self, SqsConfigError> {
        queue.validate()?;
        if source.config.name != queue.source {
            return Err(SqsConfigError::WrongSource {
                queue: queue.queue_url,
                configured: queue.source,
                given: source.config.name,
            });
        }
        Ok(Self {
            client,
            queue,
            source,
            intake,
        })
    }

    /// Polls until `shutdown` turns true (or its sender is dropped), then
    /// finishes the batch in progress, deletes what it committed and
    /// returns. A poll waiting for messages is abandoned at once.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let queue = self.queue.queue_url.as_str();
        let mut queue_down = Backoff::new(FIRST_RETRY, LONGEST_RETRY);
        let mut store_down = Backoff::new(FIRST_RETRY, LONGEST_RETRY);
        tracing::info!(%queue, source = %self.source.config.name, "consuming SQS queue");
        loop {
            let received = tokio::select! {
                biased;
                () = stop_requested(&mut shutdown) => break,
                received = self.receive() => received,
            };
            let pause = match received {
                Ok(messages) => {
                    if let Some(outage) = queue_down.succeeded() {
                        tracing::info!(
                            %queue,
                            "SQS queue {queue} is reachable again after {} of failed polls",
                            millis(outage)
                        );
                    }
                    self.process(messages, &mut store_down).await
                }
                Err(error) => {
                    let delay = queue_down.failed();
                    tracing::warn!(
                        %queue, failures = queue_down.failures(),
                        "cannot receive from SQS queue {queue}, retrying in {}: {}",
                        millis(delay), causes(&error)
                    );
                    Some(delay)
                }
            };
            if let Some(delay) = pause {
                tokio::select! {
                    biased;
                    () = stop_requested(&mut shutdown) => break,
                    () = tokio::time::sleep(delay) => {}
                }
            }
        }
        tracing::info!(%queue, "stopped consuming SQS queue");
    }

    /// Processes a batch; returns how long to pause before the next poll
    /// when the store failed.
    async fn process(&self, messages: Vec<Message>, store_down: &mut Backoff) -> Option<Duration> {
        if messages.is_empty() {
            return None;
        }
        let Err(error) = batch::process(self, messages).await else {
            store_down.succeeded();
            return None;
        };
        let delay = store_down.failed();
        let queue = &self.queue.queue_url;
        tracing::warn!(
            %queue, failures = store_down.failures(),
            "cannot store messages from SQS queue {queue}, leaving them on the queue and \
             polling again in {}: {error}",
            millis(delay)
        );
        Some(delay)
    }

    async fn receive(&self) -> Result<Vec<Message>, SdkError<ReceiveMessageError>> {
        let output = self
            .client
            .receive_message()
            .queue_url(&self.queue.queue_url)
            .max_number_of_messages(self.queue.max_messages as i32)
            .wait_time_seconds(self.queue.wait_time_seconds as i32)
            .visibility_timeout(self.queue.visibility_seconds())
            .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount)
            .send()
            .await?;
        Ok(output.messages.unwrap_or_default())
    }
}

/// Resolves once shutdown is requested. A dropped sender counts too: nobody
/// is left who could ask.
async fn stop_requested(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}
