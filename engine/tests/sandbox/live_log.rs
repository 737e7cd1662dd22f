//! Following an execution's log while it runs (`Runtime::execute_live`):
//! a line is visible as soon as the guest logged it, and every line ends
//! up either taken live or in the result, never in both.

use std::time::{Duration, Instant};

use serde_json::json;
use wolfe_engine::{CancellationToken, LiveLog, LogRecord, Outcome};

use crate::support::{hostile_python, offline_host, quotas, request, runtime};

fn messages(records: &[LogRecord]) -> Vec<&str> {
    records.iter().map(|r| r.message.as_str()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_line_can_be_taken_while_the_guest_still_sleeps() {
    let guest = hostile_python();
    let request = request(json!({"mode": "log_sleep_log", "ms": 2000}), vec![]);
    let live = LiveLog::new();
    let never = CancellationToken::new();
    let quotas = quotas();
    let run = runtime().execute_live(
        &guest,
        &request,
        &quotas,
        offline_host(&request),
        &never,
        &live,
    );
    tokio::pin!(run);
    let started = Instant::now();
    let mut taken = Vec::new();
    while taken.is_empty() {
        tokio::select! {
            result = &mut run => panic!("ended before a line was taken: {:?}", result.map(|r| r.logs)),
            () = tokio::time::sleep(Duration::from_millis(20)) => {}
        }
        taken.extend(live.take_new());
        assert!(started.elapsed() < Duration::from_secs(30));
    }
    assert_eq!(messages(&taken), ["before sleep 0"]);
    assert_eq!(taken[0].fields["round"], json!(0));
    let result = run.await.expect("valid request");
    assert_eq!(result.outcome, Outcome::Succeeded, "{:?}", result.failure);
    assert_eq!(
        messages(&result.logs.records),
        ["after sleep"],
        "a line taken live is not in the result"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_execution_returns_the_lines_not_taken() {
    let guest = hostile_python();
    let request = request(
        json!({"mode": "log_sleep_log", "ms": 400, "rounds": 3}),
        vec![],
    );
    let live = LiveLog::new();
    let cancel = CancellationToken::new();
    let (tap, trigger) = (live.clone(), cancel.clone());
    // Takes the first line, then cancels while the guest sleeps after
    // its second, without taking that one.
    let taker = tokio::spawn(async move {
        let mut taken = Vec::new();
        while taken.is_empty() {
            tokio::time::sleep(Duration::from_millis(10)).await;
            taken = tap.take_new();
        }
        tokio::time::sleep(Duration::from_millis(600)).await;
        trigger.cancel();
        taken
    });
    let result = runtime()
        .execute_live(
            &guest,
            &request,
            &quotas(),
            offline_host(&request),
            &cancel,
            &live,
        )
        .await
        .expect("valid request");
    let taken = taker.await.unwrap();
    assert_eq!(result.outcome, Outcome::Cancelled);
    assert_eq!(messages(&taken), ["before sleep 0"]);
    let rest = messages(&result.logs.records);
    assert_eq!(rest.first(), Some(&"before sleep 1"), "{rest:?}");
    let expected = ["before sleep 1", "before sleep 2"];
    assert!(
        expected.starts_with(&rest),
        "each line once, in order: {rest:?}"
    );
}
