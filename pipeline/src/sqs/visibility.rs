//! Keeps the messages of a batch hidden from other consumers while this one
//! is still working on them.

use std::convert::Infallible;
use std::sync::Mutex;

use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::ChangeMessageVisibilityBatchRequestEntry;

use super::SqsQueueConfig;
use super::report::causes;

/// Receipt handles of the messages this consumer still holds: received, not
/// yet deleted and not given up.
#[derive(Debug)]
pub(super) struct Held(Mutex<Vec<String>>);

impl Held {
    pub(super) fn new(receipt_handles: impl IntoIterator<Item = String>) -> Self {
        Self(Mutex::new(receipt_handles.into_iter().collect()))
    }

    /// Stops extending a message: it becomes visible again when its current
    /// timeout runs out.
    pub(super) fn release(&self, receipt_handle: &str) {
        self.lock().retain(|held| held != receipt_handle);
    }

    fn snapshot(&self) -> Vec<String> {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<String>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Every half visibility timeout, pushes the timeout of every held message
/// out by a full one, so a slow batch (a store under load, a large
/// Alertmanager group) is not redelivered to another consumer while it is
/// in progress. Never returns: drop it when the batch is done.
pub(super) async fn keep_hidden(
    client: &Client,
    queue: &SqsQueueConfig,
    held: &Held,
) -> Infallible {
    let every = queue.visibility_timeout / 2;
    loop {
        tokio::time::sleep(every).await;
        let entries: Vec<_> = held
            .snapshot()
            .into_iter()
            .enumerate()
            .filter_map(|(index, receipt_handle)| {
                ChangeMessageVisibilityBatchRequestEntry::builder()
                    .id(index.to_string())
                    .receipt_handle(receipt_handle)
                    .visibility_timeout(queue.visibility_seconds())
                    .build()
                    .ok()
            })
            .collect();
        if entries.is_empty() {
            continue;
        }
        let extended = client
            .change_message_visibility_batch()
            .queue_url(&queue.queue_url)
            .set_entries(Some(entries))
            .send()
            .await;
        // A failed extension is not fatal: at worst the message is
        // redelivered while still in progress, and the second delivery is
        // recognised as a duplicate by its message id.
        match extended {
            Ok(output) => {
                for failed in output.failed() {
                    tracing::warn!(
                        queue = %queue.queue_url,
                        "cannot extend the visibility of a message in progress: {} {}",
                        failed.code(),
                        failed.message().unwrap_or_default()
                    );
                }
            }
            Err(error) => tracing::warn!(
                queue = %queue.queue_url,
                "cannot extend the visibility of messages in progress: {}",
                causes(&error)
            ),
        }
    }
}
