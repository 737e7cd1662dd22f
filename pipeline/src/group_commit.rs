//! Group commit: concurrent writes of one kind share one transaction.
//!
//! Many writers of one kind (the webhook requests being answered, a
//! runner's executions finishing) write at about the same time; writing
//! each in its own transaction costs a `BEGIN`, a `COMMIT` and (SQLite) a
//! WAL write each, on the one writer connection. Instead, whoever submits
//! while no batch is being written becomes the writer: it takes everything
//! queued so far (up to `max_batch`) and writes it in one call; those that
//! submitted meanwhile find their answer waiting, or write the next batch.
//! Nobody waits for a timer, so a lone write costs what it did before.
//!
//! A batch is written on a task of its own: a submitter that goes away
//! mid-write (an HTTP client that hung up) neither rolls back the others'
//! items nor leaves them unanswered after a commit.
//!
//! If a batch fails, its items are written again one by one, so one bad
//! item fails alone and the others are not held up by it.

use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

pub(crate) struct GroupCommit<T, R, E> {
    queue: Mutex<Vec<Pending<T, R, E>>>,
    /// Held by the submitter writing a batch.
    writing: tokio::sync::Mutex<()>,
    max_batch: usize,
}

struct Pending<T, R, E> {
    item: T,
    reply: oneshot::Sender<Result<R, E>>,
}

impl<T, R, E> GroupCommit<T, R, E>
where
    T: Clone + Send + 'static,
    R: Send + 'static,
    E: Send + 'static,
{
    pub(crate) fn new(max_batch: usize) -> Self {
        Self {
            queue: Mutex::default(),
            writing: tokio::sync::Mutex::new(()),
            max_batch: max_batch.max(1),
        }
    }

    /// Writes `item`, batched with whatever else is submitted meanwhile;
    /// `write` writes a batch and answers for each item, in order, with
    /// exactly one answer per item. Returns this item's answer.
    pub(crate) async fn submit<F, Fut>(&self, item: T, write: F) -> Result<R, E>
    where
        F: Fn(Vec<T>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Vec<R>, E>> + Send + 'static,
    {
        let (reply, mut answer) = oneshot::channel();
        self.lock_queue().push(Pending { item, reply });
        let write = Arc::new(write);
        loop {
            let _writing = self.writing.lock().await;
            // A writer before us may have taken this item in its batch.
            if let Some(result) = answered(&mut answer) {
                return result;
            }
            let batch = {
                let mut queue = self.lock_queue();
                let take = queue.len().min(self.max_batch);
                queue.drain(..take).collect::<Vec<_>>()
            };
            // Waiting for the batch's task (not only its answer) keeps the
            // next writer from starting before this batch is written.
            if let Err(died) = tokio::spawn(write_batch(batch, write.clone())).await
                && died.is_panic()
            {
                std::panic::resume_unwind(died.into_panic());
            }
            // Our item was in the batch unless the queue held more than
            // `max_batch` before it: then go round for the next one.
            if let Some(result) = answered(&mut answer) {
                return result;
            }
        }
    }

    fn lock_queue(&self) -> std::sync::MutexGuard<'_, Vec<Pending<T, R, E>>> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The answer to an item, once its batch has been written. A batch whose
/// task died (a panic) may have been committed, so its items are never
/// written again: the panic is passed on.
fn answered<R, E>(answer: &mut oneshot::Receiver<Result<R, E>>) -> Option<Result<R, E>> {
    match answer.try_recv() {
        Ok(result) => Some(result),
        Err(oneshot::error::TryRecvError::Empty) => None,
        Err(oneshot::error::TryRecvError::Closed) => {
            panic!("the batch holding this item was lost to a panic in its writer")
        }
    }
}

async fn write_batch<T, R, E, F, Fut>(batch: Vec<Pending<T, R, E>>, write: Arc<F>)
where
    T: Clone,
    F: Fn(Vec<T>) -> Fut,
    Fut: Future<Output = Result<Vec<R>, E>>,
{
    if batch.is_empty() {
        return;
    }
    let items = batch.iter().map(|p| p.item.clone()).collect::<Vec<_>>();
    match write(items).await {
        Ok(answers) => {
            assert_eq!(answers.len(), batch.len(), "one answer per item");
            for (pending, answer) in batch.into_iter().zip(answers) {
                let _ = pending.reply.send(Ok(answer));
            }
        }
        // One item: its error is its own.
        Err(error) if batch.len() == 1 => {
            let pending = batch.into_iter().next().expect("one item");
            let _ = pending.reply.send(Err(error));
        }
        // The batch failed as a whole: write each alone, so only a bad
        // item fails.
        Err(_) => {
            for pending in batch {
                let answer = write(vec![pending.item]).await.map(|mut answers| {
                    assert_eq!(answers.len(), 1, "one answer per item");
                    answers.remove(0)
                });
                let _ = pending.reply.send(answer);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;

    /// A writer that records its batches, refuses any batch holding
    /// `poison`, and answers `item % 2 == 0`.
    #[derive(Clone, Default)]
    struct Recorder {
        batches: Arc<Mutex<Vec<Vec<u32>>>>,
    }

    impl Recorder {
        fn writer(&self, poison: u32) -> impl Fn(Vec<u32>) -> BoxFut + Send + Sync + 'static {
            let batches = self.batches.clone();
            move |items| {
                let batches = batches.clone();
                Box::pin(async move {
                    // Long enough for the other submitters to queue up.
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    batches.lock().unwrap().push(items.clone());
                    if items.contains(&poison) {
                        return Err(format!("cannot write {poison}"));
                    }
                    Ok(items.iter().map(|i| i % 2 == 0).collect())
                })
            }
        }

        fn batches(&self) -> Vec<Vec<u32>> {
            self.batches.lock().unwrap().clone()
        }
    }

    type BoxFut = std::pin::Pin<Box<dyn Future<Output = Result<Vec<bool>, String>> + Send>>;

    /// Submits items 0..10 from ten tasks at once.
    async fn submit_all(
        max_batch: usize,
        recorder: &Recorder,
        poison: u32,
    ) -> Vec<Result<bool, String>> {
        let group = Arc::new(GroupCommit::new(max_batch));
        let tasks: Vec<_> = (0..10)
            .map(|i| {
                let group = group.clone();
                let write = recorder.writer(poison);
                tokio::spawn(async move { group.submit(i, write).await })
            })
            .collect();
        let mut answers = Vec::new();
        for task in tasks {
            answers.push(task.await.unwrap());
        }
        answers
    }

    #[tokio::test]
    async fn concurrent_submissions_share_a_batch_and_each_gets_its_answer() {
        let recorder = Recorder::default();
        let answers = submit_all(64, &recorder, u32::MAX).await;
        let expected: Vec<Result<bool, String>> = (0..10).map(|i| Ok(i % 2 == 0)).collect();
        assert_eq!(answers, expected);
        let batches = recorder.batches();
        assert!(
            batches.len() < 10,
            "some items must share a write: {batches:?}"
        );
        let mut written: Vec<u32> = batches.concat();
        written.sort();
        assert_eq!(
            written,
            (0..10).collect::<Vec<_>>(),
            "each item written once"
        );
    }

    #[tokio::test]
    async fn a_bad_item_fails_alone() {
        let recorder = Recorder::default();
        let answers = submit_all(64, &recorder, 3).await;
        for (i, answer) in answers.iter().enumerate() {
            if i == 3 {
                assert_eq!(answer, &Err("cannot write 3".to_owned()));
            } else {
                assert_eq!(answer, &Ok(i % 2 == 0), "item {i}");
            }
        }
        // The item was retried alone after its batch failed.
        assert!(recorder.batches().contains(&vec![3]));
    }

    #[tokio::test]
    async fn a_submitter_that_goes_away_mid_write_leaves_its_batch_written() {
        let recorder = Recorder::default();
        let group = Arc::new(GroupCommit::new(64));
        // On this single-threaded runtime the first task becomes the writer
        // of a batch of its own item before the others queue theirs.
        let tasks: Vec<_> = (0..10)
            .map(|i| {
                let group = group.clone();
                let write = recorder.writer(u32::MAX);
                tokio::spawn(async move { group.submit(i, write).await })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(5)).await;
        tasks[0].abort();
        for (i, task) in tasks.into_iter().enumerate().skip(1) {
            assert_eq!(task.await.unwrap(), Ok(i % 2 == 0), "item {i}");
        }
        let batches = recorder.batches();
        assert_eq!(batches[0], vec![0], "the abandoned writer's batch");
        let mut written = batches.concat();
        written.sort();
        assert_eq!(
            written,
            (0..10).collect::<Vec<_>>(),
            "each item written once"
        );
    }

    #[tokio::test]
    async fn batches_are_capped() {
        let recorder = Recorder::default();
        let answers = submit_all(3, &recorder, u32::MAX).await;
        assert!(answers.iter().all(Result::is_ok));
        let batches = recorder.batches();
        assert!(batches.iter().all(|b| b.len() <= 3), "{batches:?}");
        assert_eq!(batches.concat().len(), 10);
    }
}
