//! SQS sensor: long-poll consumers that turn queue messages into events.
//!
//! # Contract
//!
//! - **At least once, acknowledged after commit.** A message is deleted
//!   only after intake has committed its events together with the
//!   executions they cause, or has recorded it as rejected. Until then it
//!   stays on the queue, so a consumer that dies mid-batch loses nothing:
//!   the message becomes visible again and another poll (any instance)
//!   gets it.
//! - **Deduplicated by message id.** SQS redelivers with the same message
//!   id. Intake keys every event whose format has no identity of its own
//!   (generic JSON without `id_path`) by that id and its position in the
//!   body; Alertmanager and Atlas events carry their own key. A redelivered
//!   message therefore creates no second event and no second execution;
//!   it is simply deleted.
//! - **Malformed messages are recorded and deleted.** Retrying a body that
//!   cannot be parsed would fail forever; its raw body and the reason are
//!   kept as a rejected event instead.
//! - **Store down: nothing is deleted.** The rest of the batch is left
//!   alone and the consumer pauses (exponential backoff); the messages
//!   come back after their visibility timeout.
//! - **Visibility is extended while a batch is in progress**, every half
//!   timeout, so a slow store does not hand the same message to a second
//!   consumer meanwhile. Duplicates would be harmless, but they cost work
//!   and log noise.
//! - **An unreachable queue is retried** with exponential backoff (200 ms
//!   doubling to 30 s, with jitter so many engines do not return in
//!   lockstep), one `warn` line per failed poll naming the queue and the
//!   error, and an `info` line when it answers again. The consumer never
//!   gives up on its own.
//! - **Graceful shutdown** abandons a poll that is waiting for messages (a
//!   message received but not yet processed just reappears later) and
//!   finishes the batch in progress, deletion included.
//!
//! # Not handled here
//!
//! - FIFO queues: messages are processed in order within a batch, but no
//!   message-group ordering is promised across batches or consumers, and
//!   FIFO's own deduplication id is not used (the message id is enough).
//! - Dead-letter redrive: a message that keeps failing is the queue's
//!   business (its redrive policy and `maxReceiveCount`). A malformed
//!   message never fails here, it is recorded and deleted, so only store
//!   outages can push messages towards a dead-letter queue.
//! - Message attributes and SNS signature checks: the body is all intake
//!   reads (an SNS envelope is unwrapped by the Atlas format).
//! - The source's `auth` (bearer token, HMAC) is a webhook setting and is
//!   not applied to queue messages: who may send to the queue is the
//!   queue's IAM policy.
//!
//! # Use
//!
//! ```no_run
//! # async fn start(intake: std::sync::Arc<wolfe_pipeline::intake::Intake>,
//! #                source: wolfe_pipeline::intake::Source) {
//! use wolfe_pipeline::sqs::{SqsConsumer, SqsQueueConfig, connect};
//!
//! let queue = SqsQueueConfig::new("https://sqs.us-east-1.amazonaws.com/123456789012/atlas", "atlas");
//! let client = connect(&queue).await;
//! let consumer = SqsConsumer::new(client, queue, source, intake).unwrap();
//! let (stop, stopped) = tokio::sync::watch::channel(false);
//! let task = tokio::spawn(consumer.run(stopped));
//! // ...
//! stop.send(true).unwrap();
//! task.await.unwrap();
//! # }
//! ```

mod backoff;
mod batch;
mod client;
mod config;
mod consumer;
mod report;
mod visibility;

pub use client::{client_with_credentials, connect};
pub use config::{SqsConfigError, SqsQueueConfig};
pub use consumer::SqsConsumer;
