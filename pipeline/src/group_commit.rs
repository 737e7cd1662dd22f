//! Group commit: concurrent writes of one kind share one transaction.
//!
//! A runner with 32 executions in flight finishes them at about the same
//! time; writing each result in its own transaction costs a `BEGIN`, a
//! `COMMIT` and (SQLite) a WAL write each, on the one writer connection.
//! Instead, whoever submits while no batch is being written becomes the
//! writer: it takes everything queued so far (up to `max_batch`) and writes
//! it in one call; those that submitted meanwhile find their result
//! waiting, or write the next batch. Nobody waits for a timer, so a lone
//! write costs what it did before.
//!
//! If a batch fails, its items are written again one by one, so one bad
//! item fails alone and the others are not held up by it.

use std::future::Future;
use std::sync::Mutex;

use tokio::sync::oneshot;

pub(crate) struct GroupCommit<T, E> {
    queue: Mutex<Vec<Pending<T, E>>>,
    /// Held by the submitter writing a batch.
    writing: tokio::sync::Mutex<()>,
    max_batch: usize,
}

struct Pending<T, E> {
    item: T,
    reply: oneshot::Sender<Result<bool, E>>,
}

impl<T: Clone, E> GroupCommit<T, E> {
    pub(crate) fn new(max_batch: usize) -> Self {
        Self {
            queue: Mutex::default(),
            writing: tokio::sync::Mutex::new(()),
            max_batch: max_batch.max(1),
        }
    }

    /// Writes `item`, batched with whatever else is submitted meanwhile;
    /// `write` writes a batch and says, per item in order, what became of
    /// it. Returns this item's answer.
    pub(crate) async fn submit<F, Fut>(&self, item: T, write: F) -> Result<bool, E>
    where
        F: Fn(Vec<T>) -> Fut,
        Fut: Future<Output = Result<Vec<bool>, E>>,
    {
        let (reply, mut answer) = oneshot::channel();
        self.lock_queue().push(Pending {
            item: item.clone(),
            reply,
        });
        loop {
            let _writing = self.writing.lock().await;
            // A writer before us may have taken this item in its batch.
            match answer.try_recv() {
                Ok(result) => return result,
                Err(oneshot::error::TryRecvError::Empty) => {}
                // That writer was dropped mid-batch (its task cancelled):
                // queue the item again.
                Err(oneshot::error::TryRecvError::Closed) => {
                    let (reply, again) = oneshot::channel();
                    answer = again;
                    self.lock_queue().push(Pending {
                        item: item.clone(),
                        reply,
                    });
                }
            }
            let batch = {
                let mut queue = self.lock_queue();
                let take = queue.len().min(self.max_batch);
                queue.drain(..take).collect::<Vec<_>>()
            };
            write_batch(batch, &write).await;
            // Our item was in the batch unless the queue held more than
            // `max_batch` before it: then go round for the next one.
            if let Ok(result) = answer.try_recv() {
                return result;
            }
        }
    }

    fn lock_queue(&self) -> std::sync::MutexGuard<'_, Vec<Pending<T, E>>> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }
}

async fn write_batch<T: Clone, E, F, Fut>(batch: Vec<Pending<T, E>>, write: &F)
where
    F: Fn(Vec<T>) -> Fut,
    Fut: Future<Output = Result<Vec<bool>, E>>,
{
    if batch.is_empty() {
        return;
    }
    let items = batch.iter().map(|p| p.item.clone()).collect::<Vec<_>>();
    match write(items).await {
        Ok(answers) if answers.len() == batch.len() => {
            for (pending, answer) in batch.into_iter().zip(answers) {
                let _ = pending.reply.send(Ok(answer));
            }
        }
        // One item: its error is its own.
        Err(error) if batch.len() == 1 => {
            let pending = batch.into_iter().next().expect("one item");
            let _ = pending.reply.send(Err(error));
        }
        // The batch failed as a whole (or answered for the wrong number of
        // items): write each alone, so only a bad item fails.
        _ => {
            for pending in batch {
                let answer = write(vec![pending.item]).await.map(|a| a[..] == [true]);
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
    async fn batches_are_capped() {
        let recorder = Recorder::default();
        let answers = submit_all(3, &recorder, u32::MAX).await;
        assert!(answers.iter().all(Result::is_ok));
        let batches = recorder.batches();
        assert!(batches.iter().all(|b| b.len() <= 3), "{batches:?}");
        assert_eq!(batches.concat().len(), 10);
    }
}
