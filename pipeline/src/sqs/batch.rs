//! One received batch: each message to intake in order while the batch is
//! kept hidden, then one delete for everything that was committed.

use aws_sdk_sqs::types::{DeleteMessageBatchRequestEntry, Message, MessageSystemAttributeName};
use wolfe_store::StoreError;

use super::consumer::SqsConsumer;
use super::report::causes;
use super::visibility::{Held, keep_hidden};
use crate::intake::IntakeError;

/// Processes `messages` and deletes those whose events are committed (or
/// whose rejection is recorded). On the first store failure the rest of the
/// batch is left alone: the store is most likely down for all of them, and
/// each would wait for its own timeout. What is not deleted becomes visible
/// again after its visibility timeout and is retried.
pub(super) async fn process(
    consumer: &SqsConsumer,
    messages: Vec<Message>,
) -> Result<(), StoreError> {
    let held = Held::new(messages.iter().filter_map(|m| m.receipt_handle.clone()));
    let work = async {
        let mut committed = 0;
        let mut outcome = Ok(());
        for message in &messages {
            if let Err(error) = deliver(consumer, message).await {
                outcome = Err(error);
                break;
            }
            committed += 1;
        }
        let (done, left) = messages.split_at(committed);
        for handle in left.iter().filter_map(Message::receipt_handle) {
            held.release(handle);
        }
        delete(consumer, done).await;
        outcome
    };
    // The extension timer runs until the batch is deleted, deletion
    // included, and stops with it.
    tokio::select! {
        outcome = work => outcome,
        never = keep_hidden(&consumer.client, &consumer.queue, &held) => match never {},
    }
}

/// Hands one message to intake. `Ok` means it may be deleted: its events
/// are committed, or it was malformed and its raw body is recorded as
/// rejected (retrying a malformed body would only fail again).
async fn deliver(consumer: &SqsConsumer, message: &Message) -> Result<(), StoreError> {
    let queue = &consumer.queue.queue_url;
    let message_id = message.message_id();
    let body = message.body().unwrap_or_default().as_bytes();
    let receive_count = message
        .attributes()
        .and_then(|a| a.get(&MessageSystemAttributeName::ApproximateReceiveCount))
        .map(String::as_str)
        .unwrap_or("1");
    // The message id keys events whose format has no identity of their
    // own, so a redelivery (same id) creates nothing twice.
    match consumer
        .intake
        .receive_delivery(&consumer.source, body, message_id)
        .await
    {
        Ok(accepted) => {
            tracing::debug!(
                %queue, message = message_id.unwrap_or("?"), receive_count,
                events = accepted.len(), "SQS message committed"
            );
            Ok(())
        }
        Err(IntakeError::Rejected { error, event_id }) => {
            tracing::warn!(
                %queue, message = message_id.unwrap_or("?"), event = %event_id,
                "SQS message rejected (recorded with its body, deleting it): {error}"
            );
            Ok(())
        }
        Err(IntakeError::Store(error)) => Err(error),
    }
}

async fn delete(consumer: &SqsConsumer, committed: &[Message]) {
    let entries: Vec<_> = committed
        .iter()
        .enumerate()
        .filter_map(|(index, message)| {
            DeleteMessageBatchRequestEntry::builder()
                .id(index.to_string())
                .receipt_handle(message.receipt_handle()?)
                .build()
                .ok()
        })
        .collect();
    if entries.is_empty() {
        return;
    }
    let queue = &consumer.queue.queue_url;
    // A message that cannot be deleted is only redelivered later, and its
    // events are then recognised as duplicates: warn and carry on.
    match consumer
        .client
        .delete_message_batch()
        .queue_url(queue)
        .set_entries(Some(entries))
        .send()
        .await
    {
        Ok(output) => {
            for failed in output.failed() {
                tracing::warn!(
                    %queue,
                    "cannot delete a committed SQS message; it will be redelivered and deduplicated: {} {}",
                    failed.code(),
                    failed.message().unwrap_or_default()
                );
            }
        }
        Err(error) => tracing::warn!(
            %queue,
            "cannot delete committed SQS messages; they will be redelivered and deduplicated: {}",
            causes(&error)
        ),
    }
}
