//! The SQS sensor against moto on loopback, with a real store (SQLite, and
//! PostgreSQL where marked), the real runtime and runner, and the squelch
//! example runbook built from source.
//!
//! Waits poll with deadlines; the only fixed durations are the ones a fault
//! lasts (how long the store stays locked), never an assertion.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use aws_sdk_sqs::Client;
use aws_sdk_sqs::config::interceptors::BeforeSerializationInterceptorContextRef;
use aws_sdk_sqs::config::{ConfigBag, Credentials, Intercept};
use aws_sdk_sqs::error::BoxError;
use aws_sdk_sqs::operation::delete_message_batch::DeleteMessageBatchInput;
use aws_sdk_sqs::operation::receive_message::ReceiveMessageInput;
use aws_sdk_sqs::types::QueueAttributeName;
use serde_json::json;
use sqlx::Connection;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;
use tracing::instrument::WithSubscriber;
use wolfe_engine::{Runtime, RuntimeConfig};
use wolfe_ingest::{Auth, Format, SourceConfig};
use wolfe_pipeline::engine::{EngineHandle, start_engine};
use wolfe_pipeline::host::store_services;
use wolfe_pipeline::intake::{Intake, Source};
use wolfe_pipeline::runner::RunnerConfig;
use wolfe_pipeline::sqs::{SqsConsumer, SqsQueueConfig, client_with_credentials};
use wolfe_store::{EventRecord, ExecutionRecord, Store};
use wolfe_testkit::moto::MotoServer;
use wolfe_testkit::seed::{RunbookSeed, deployed_runbook, rule};

/// Generous: the machine may be compiling something else meanwhile.
const DEADLINE: Duration = Duration::from_secs(120);

fn runtime() -> Arc<Runtime> {
    static RUNTIME: OnceLock<Arc<Runtime>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            Arc::new(
                Runtime::new(RuntimeConfig {
                    max_concurrent_executions: 8,
                    cache_dir: Some(wolfe_testkit::compiled_cache_dir()),
                    ..RuntimeConfig::default()
                })
                .unwrap(),
            )
        })
        .clone()
}

/// A store seeded with the squelch runbook and its rules, intake over it,
/// and (unless a test wants executions to stay queued) an engine running
/// them.
struct Harness {
    url: String,
    store: Store,
    intake: Arc<Intake>,
    engine: Option<EngineHandle>,
    _dir: tempfile::TempDir,
}

impl Harness {
    async fn start(url: Option<String>) -> Self {
        let mut harness = Self::without_engine(url).await;
        let wake = Arc::new(Notify::new());
        harness.intake = Arc::new(Intake::new(harness.store.clone(), wake.clone()));
        let mut runner = RunnerConfig::new("dev", "sqs-test-runner");
        runner.poll_interval = Duration::from_millis(20);
        harness.engine = Some(start_engine(
            harness.store.clone(),
            runtime(),
            wake,
            &["dev".to_owned()],
            &runner,
            Duration::from_secs(1),
            Arc::new(store_services(
                &harness.store,
                harness.intake.clone(),
                None,
                Default::default(),
            )),
        ));
        harness
    }

    async fn without_engine(url: Option<String>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url =
            url.unwrap_or_else(|| format!("sqlite://{}", dir.path().join("wolfe.db").display()));
        let store = Store::open(&url).await.unwrap();
        seed(&store).await;
        Self {
            url,
            intake: Arc::new(Intake::new(store.clone(), Arc::new(Notify::new()))),
            store,
            engine: None,
            _dir: dir,
        }
    }

    /// A consumer of `queue` for this harness's intake.
    fn consumer(&self, queue: &TestQueue, client: Client) -> SqsConsumer {
        SqsConsumer::new(
            client,
            queue.config.clone(),
            source(&queue.config.source),
            self.intake.clone(),
        )
        .unwrap()
    }

    /// Processed events of `source`, once there are `count` of them.
    async fn events(&self, source: &str, count: usize) -> Vec<EventRecord> {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let events: Vec<_> = self
                .store
                .recent_events("processed", 1_000)
                .await
                .unwrap()
                .into_iter()
                .filter(|e| e.source == source)
                .collect();
            assert!(events.len() <= count, "too many events: {events:#?}");
            if events.len() == count {
                return events;
            }
            assert!(Instant::now() < deadline, "{count} events never arrived");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// How many executions an event has, ended or not.
    async fn execution_count(&self, event_id: &str) -> usize {
        self.store
            .executions_for_event(event_id)
            .await
            .unwrap()
            .len()
    }

    /// The executions of an event once all of them have ended.
    async fn finished(&self, event_id: &str) -> Vec<ExecutionRecord> {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let executions = self.store.executions_for_event(event_id).await.unwrap();
            if executions.iter().all(|e| e.status.is_terminal()) {
                return executions;
            }
            assert!(Instant::now() < deadline, "executions never finished");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn stop(mut self) {
        if let Some(engine) = self.engine.take() {
            engine.shutdown().await;
        }
    }
}

/// The sources queues feed: Alertmanager notifications (their events carry
/// their own dedupe key) and generic JSON alerts (no key of their own, so
/// only the SQS message id tells a redelivery apart).
fn source(name: &str) -> Source {
    let format = match name {
        "alertmanager" => Format::Alertmanager,
        "alerts" => Format::Generic,
        other => panic!("no source {other}"),
    };
    Source {
        environment: "dev".into(),
        config: SourceConfig::new(name, format, Auth::None),
    }
}

async fn seed(store: &Store) {
    let component = wolfe_testkit::built(&wolfe_testkit::example_dir("squelch-false-positive"));
    let bytes = std::fs::read(component).unwrap();
    runtime().load(&bytes).unwrap();
    let deployed = deployed_runbook(
        store,
        RunbookSeed {
            team: "payments",
            name: "squelch-false-positive",
            component: &bytes,
            max_attempts: 3,
            concurrency_limit: 4,
            environment: "dev",
        },
    )
    .await;
    for (name, source, kind) in [
        ("page-severity", "alertmanager", "alert.*"),
        ("queued-alerts", "alerts", "event"),
    ] {
        let spec = json!({
            "source": source,
            "kind": kind,
            "criteria": {"path": "$.labels.severity", "op": "eq", "value": "page"},
            "params": {
                "service": {"path": "$.labels.service", "type": "string"},
                "error_rate_threshold": {"value": 0.1},
                "summary": {"template": "{{ payload.labels.alertname }} on {{ payload.labels.service }}"}
            }
        });
        rule(store, &deployed, "dev", name, spec).await;
    }
}

fn fixture(name: &str) -> String {
    let path = wolfe_testkit::repo_root()
        .join("ingest/tests/fixtures/alertmanager")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

/// One generic alert, as the `alerts` source reads it.
fn generic_alert(service: &str) -> String {
    json!({
        "status": "firing",
        "labels": {"alertname": "HighErrorRate", "service": service, "severity": "page"},
        "annotations": {"value": "0.2", "requests_per_second": "40"},
        "startsAt": "2024-05-01T11:40:00Z",
        "fingerprint": service,
    })
    .to_string()
}

/// moto accepts any credentials; fixed ones keep the tests independent of
/// the process environment.
fn credentials() -> Credentials {
    Credentials::new("test", "test", None, None, "moto")
}

/// A fresh queue on a moto server and the consumer configuration for it.
struct TestQueue {
    config: SqsQueueConfig,
    /// The test's own client: sends, probes, counts.
    client: Client,
}

impl TestQueue {
    async fn create(moto: &MotoServer, source: &str) -> Self {
        let name = format!("wolfe-{}", wolfe_store::new_id());
        let mut config = SqsQueueConfig::new("", source);
        config.endpoint_url = Some(moto.endpoint_url());
        // Short everything, so redeliveries and shutdowns happen in seconds.
        config.wait_time_seconds = 1;
        config.visibility_timeout = Duration::from_secs(1);
        let client = client_with_credentials(&config, credentials());
        config.queue_url = create_queue(&client, &name).await;
        Self { config, client }
    }

    /// A client for the consumer, as production builds it.
    fn consumer_client(&self) -> Client {
        client_with_credentials(&self.config, credentials())
    }

    async fn send(&self, body: &str) {
        self.client
            .send_message()
            .queue_url(&self.config.queue_url)
            .message_body(body)
            .send()
            .await
            .unwrap();
    }

    /// Messages on the queue: (visible, received and not yet deleted).
    async fn depth(&self) -> (u64, u64) {
        let output = self
            .client
            .get_queue_attributes()
            .queue_url(&self.config.queue_url)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
            .send()
            .await
            .unwrap();
        let count = |name: QueueAttributeName| {
            output
                .attributes()
                .and_then(|a| a.get(&name))
                .map_or(0, |n| n.parse().unwrap())
        };
        (
            count(QueueAttributeName::ApproximateNumberOfMessages),
            count(QueueAttributeName::ApproximateNumberOfMessagesNotVisible),
        )
    }

    /// Until no message is visible: a consumer has received them (or
    /// already deleted them).
    async fn wait_until_taken(&self) {
        let deadline = Instant::now() + DEADLINE;
        while self.depth().await.0 > 0 {
            assert!(Instant::now() < deadline, "nobody received the messages");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn wait_for_depth(&self, want: (u64, u64)) {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let depth = self.depth().await;
            if depth == want {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "queue depth stayed {depth:?}, wanted {want:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

async fn create_queue(client: &Client, name: &str) -> String {
    client
        .create_queue()
        .queue_name(name)
        .send()
        .await
        .unwrap()
        .queue_url()
        .unwrap()
        .to_owned()
}

/// A consumer running in its own task, as the engine runs it.
struct Running {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Running {
    fn spawn(consumer: SqsConsumer) -> Self {
        let (stop, stopped) = watch::channel(false);
        Self {
            stop,
            task: tokio::spawn(consumer.run(stopped)),
        }
    }

    /// Graceful shutdown; fails the test if it takes longer than `within`.
    async fn shutdown(self, within: Duration) {
        self.stop.send(true).unwrap();
        tokio::time::timeout(within, self.task)
            .await
            .expect("the consumer stops in time")
            .unwrap();
    }
}

/// Watches a client's calls: counts receives and, when told to, refuses
/// every delete before it leaves the process, as if the consumer had died
/// between committing and deleting.
#[derive(Debug, Default)]
struct Spy {
    receives: AtomicUsize,
    refuse_deletes: bool,
    refused_deletes: AtomicUsize,
}

#[derive(Debug)]
struct SpyInterceptor(Arc<Spy>);

impl Intercept for SpyInterceptor {
    fn name(&self) -> &'static str {
        "Spy"
    }

    fn read_before_execution(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let input = context.input();
        if input.downcast_ref::<ReceiveMessageInput>().is_some() {
            self.0.receives.fetch_add(1, Ordering::SeqCst);
        }
        if self.0.refuse_deletes && input.downcast_ref::<DeleteMessageBatchInput>().is_some() {
            self.0.refused_deletes.fetch_add(1, Ordering::SeqCst);
            return Err("simulated crash: the delete never happens".into());
        }
        Ok(())
    }
}

fn spied(client: Client, spy: &Arc<Spy>) -> Client {
    let config = client
        .config()
        .to_builder()
        .interceptor(SpyInterceptor(spy.clone()))
        .build();
    Client::from_conf(config)
}

async fn wait_until(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + DEADLINE;
    while !condition() {
        assert!(Instant::now() < deadline, "never happened: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

wolfe_testkit::on_both_backends!(
    super::Harness::start;
    messages_become_executions_and_the_queue_empties,
    a_consumer_killed_before_deleting_leads_to_one_execution_per_message,
    malformed_messages_are_recorded_with_their_body_and_deleted,
);

async fn messages_become_executions_and_the_queue_empties(h: Harness) {
    let queue = TestQueue::create(MotoServer::shared(), "alertmanager").await;
    let group = fixture("firing-group.json");
    queue.send(&group).await;
    queue.send(&fixture("resolved.json")).await;
    let consumer = Running::spawn(h.consumer(&queue, queue.consumer_client()));

    // Three firing alerts and one resolved one, every one severity "page".
    let events = h.events("alertmanager", 4).await;
    let mut squelched = HashMap::new();
    for event in &events {
        let payload = event.payload.as_ref().unwrap();
        let service = payload["labels"]["service"].as_str().unwrap();
        let executions = h.finished(&event.id).await;
        assert_eq!(
            executions.len(),
            1,
            "one execution per alert: {executions:#?}"
        );
        let execution = &executions[0];
        assert_eq!(execution.status.as_str(), "succeeded", "{execution:#?}");
        assert_eq!(
            execution.params,
            json!({
                "service": service,
                "error_rate_threshold": 0.1,
                "summary": format!("HighErrorRate on {service}"),
            })
        );
        let output = execution.output.as_ref().unwrap();
        squelched.insert(
            (
                service.to_owned(),
                payload["status"].as_str().unwrap().to_owned(),
            ),
            output["squelch"].as_bool().unwrap(),
        );
    }
    assert_eq!(
        squelched.get(&("checkout".into(), "resolved".into())),
        Some(&true),
        "a resolved alert is squelched: {squelched:?}"
    );
    queue.wait_for_depth((0, 0)).await;
    consumer.shutdown(Duration::from_secs(10)).await;
    h.stop().await;
}

async fn a_consumer_killed_before_deleting_leads_to_one_execution_per_message(h: Harness) {
    let queue = TestQueue::create(MotoServer::shared(), "alerts").await;
    let services = ["search", "billing", "ledger"];
    for service in services {
        queue.send(&generic_alert(service)).await;
    }

    // The first consumer commits every message but dies before any delete
    // reaches SQS.
    let spy = Arc::new(Spy {
        refuse_deletes: true,
        ..Spy::default()
    });
    let doomed = Running::spawn(h.consumer(&queue, spied(queue.consumer_client(), &spy)));
    h.events("alerts", services.len()).await;
    wait_until("a delete was attempted", || {
        spy.refused_deletes.load(Ordering::SeqCst) > 0
    })
    .await;
    doomed.task.abort();
    let _ = doomed.task.await;
    let (visible, in_flight) = queue.depth().await;
    assert_eq!(
        visible + in_flight,
        3,
        "the killed consumer deleted nothing"
    );

    // A second consumer gets every message again once its visibility
    // timeout has run out, recognises each by its message id, and deletes.
    let survivor = Running::spawn(h.consumer(&queue, queue.consumer_client()));
    queue.wait_for_depth((0, 0)).await;
    let events = h.events("alerts", services.len()).await;
    for event in &events {
        let executions = h.finished(&event.id).await;
        assert_eq!(executions.len(), 1, "{executions:#?}");
        assert_eq!(executions[0].status.as_str(), "succeeded");
    }
    assert_eq!(h.store.count_executions("succeeded").await.unwrap(), 3);
    survivor.shutdown(Duration::from_secs(10)).await;
    h.stop().await;
}

async fn malformed_messages_are_recorded_with_their_body_and_deleted(h: Harness) {
    let queue = TestQueue::create(MotoServer::shared(), "alertmanager").await;
    let malformed = fixture("malformed-labels.json");
    queue.send("{not json").await;
    queue.send(&malformed).await;
    queue.send(&fixture("resolved.json")).await;
    let consumer = Running::spawn(h.consumer(&queue, queue.consumer_client()));

    queue.wait_for_depth((0, 0)).await;
    let rejected = h.store.recent_events("rejected", 10).await.unwrap();
    let bodies: Vec<_> = rejected
        .iter()
        .map(|e| e.raw_body.clone().unwrap())
        .collect();
    assert_eq!(rejected.len(), 2, "{rejected:#?}");
    assert!(bodies.contains(&b"{not json".to_vec()));
    assert!(bodies.contains(&malformed.clone().into_bytes()));
    let labels = rejected
        .iter()
        .find(|e| e.raw_body.as_deref() == Some(malformed.as_bytes()))
        .unwrap();
    assert!(
        labels.error.as_deref().unwrap().contains("labels"),
        "{labels:#?}"
    );
    assert!(rejected.iter().all(|e| e.source == "alertmanager"));
    // The good message in between went through.
    let events = h.events("alertmanager", 1).await;
    assert_eq!(h.finished(&events[0].id).await.len(), 1);
    consumer.shutdown(Duration::from_secs(10)).await;
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_outage_leaves_messages_on_the_queue_until_they_commit() {
    let h = Harness::without_engine(None).await;
    let queue = TestQueue::create(MotoServer::shared(), "alerts").await;
    queue.send(&generic_alert("search")).await;

    // An engine whose store is gone: every commit fails.
    let broken = Store::open(&h.url).await.unwrap();
    broken.close().await;
    let broken_intake = Arc::new(Intake::new(broken, Arc::new(Notify::new())));
    let failing = Running::spawn(
        SqsConsumer::new(
            queue.consumer_client(),
            queue.config.clone(),
            source("alerts"),
            broken_intake,
        )
        .unwrap(),
    );
    queue.wait_until_taken().await;
    failing.shutdown(Duration::from_secs(30)).await;
    let (visible, in_flight) = queue.depth().await;
    assert_eq!(
        visible + in_flight,
        1,
        "a message whose commit failed stays on the queue"
    );
    assert!(
        h.store
            .recent_events("processed", 10)
            .await
            .unwrap()
            .is_empty()
    );

    // Once the store is back the message is retried and committed.
    let healthy = Running::spawn(h.consumer(&queue, queue.consumer_client()));
    let events = h.events("alerts", 1).await;
    assert_eq!(h.execution_count(&events[0].id).await, 1);
    queue.wait_for_depth((0, 0)).await;
    healthy.shutdown(Duration::from_secs(10)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_queue_is_retried_until_it_comes_back() {
    let h = Harness::without_engine(None).await;
    let moto = Arc::new(MotoServer::start().unwrap());
    let queue = TestQueue::create(&moto, "alerts").await;
    let name = queue
        .config
        .queue_url
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    moto.stop();

    let logs = Logs::default();
    let (stop, stopped) = watch::channel(false);
    let consumer = h.consumer(&queue, queue.consumer_client());
    let task = tokio::spawn(consumer.run(stopped).with_subscriber(logs.subscriber()));
    wait_until("the consumer reports the outage", || {
        logs.text().contains("WARN")
            && logs.text().contains(&format!(
                "cannot receive from SQS queue {}",
                queue.config.queue_url
            ))
    })
    .await;

    // moto comes back empty: the queue must be created again, at the same
    // URL, before there is anything to consume.
    let restarted = moto.clone();
    tokio::task::spawn_blocking(move || restarted.resume())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        create_queue(&queue.client, &name).await,
        queue.config.queue_url
    );
    queue.send(&generic_alert("search")).await;

    let events = h.events("alerts", 1).await;
    assert_eq!(h.execution_count(&events[0].id).await, 1);
    queue.wait_for_depth((0, 0)).await;
    assert!(
        logs.text().contains("is reachable again"),
        "{}",
        logs.text()
    );
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(10), task)
        .await
        .unwrap()
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_does_not_wait_for_a_long_poll() {
    let h = Harness::without_engine(None).await;
    let mut queue = TestQueue::create(MotoServer::shared(), "alerts").await;
    queue.config.wait_time_seconds = 20;
    let spy = Arc::new(Spy::default());
    let consumer = Running::spawn(h.consumer(&queue, spied(queue.consumer_client(), &spy)));
    wait_until("a long poll started", || {
        spy.receives.load(Ordering::SeqCst) > 0
    })
    .await;
    let started = Instant::now();
    consumer.shutdown(Duration::from_secs(10)).await;
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consumer_refuses_a_source_its_queue_does_not_name() {
    let h = Harness::without_engine(None).await;
    let config = SqsQueueConfig::new("http://127.0.0.1:1/123456789012/q", "alerts");
    let client = client_with_credentials(&config, credentials());
    let error = SqsConsumer::new(client, config, source("alertmanager"), h.intake.clone())
        .err()
        .expect("a mismatched source is refused");
    assert!(error.to_string().contains("alertmanager"), "{error}");
}

/// A batch held up by a locked table stays hidden past its visibility
/// timeout, and shutting down meanwhile still finishes and deletes it.
/// PostgreSQL, because its lock waits without a timeout, so the test alone
/// decides how long the batch is held up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visibility_is_extended_while_a_batch_is_in_progress() {
    let url = wolfe_testkit::postgres::PgCluster::shared().fresh_database();
    let h = Harness::without_engine(Some(url.clone())).await;
    let mut queue = TestQueue::create(MotoServer::shared(), "alerts").await;
    queue.config.visibility_timeout = Duration::from_secs(2);

    let mut lock = sqlx::PgConnection::connect(&url).await.unwrap();
    let mut held_up = lock.begin().await.unwrap();
    sqlx::query("LOCK TABLE events IN EXCLUSIVE MODE")
        .execute(&mut *held_up)
        .await
        .unwrap();
    queue.send(&generic_alert("search")).await;
    let consumer = Running::spawn(h.consumer(&queue, queue.consumer_client()));
    queue.wait_for_depth((0, 1)).await;

    // Without extension the message would be visible again after 2 s.
    let until = Instant::now() + 2 * queue.config.visibility_timeout + Duration::from_secs(1);
    while Instant::now() < until {
        let probe = queue
            .client
            .receive_message()
            .queue_url(&queue.config.queue_url)
            .wait_time_seconds(1)
            .send()
            .await
            .unwrap();
        assert!(
            probe.messages().is_empty(),
            "a message in progress became visible to another consumer"
        );
    }
    assert_eq!(queue.depth().await, (0, 1));

    // Shut down while the batch is still stuck, then let it through: the
    // consumer finishes it before it stops.
    consumer.stop.send(true).unwrap();
    held_up.commit().await.unwrap();
    tokio::time::timeout(Duration::from_secs(30), consumer.task)
        .await
        .expect("the consumer stops in time")
        .unwrap();
    assert_eq!(
        queue.depth().await,
        (0, 0),
        "shutdown finishes the batch in progress, delete included"
    );
    let events = h.events("alerts", 1).await;
    assert_eq!(h.execution_count(&events[0].id).await, 1);
}

/// Everything the consumer logs, for tests that check what an operator
/// would read.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Logs {
    fn subscriber(&self) -> impl tracing::Subscriber + Send + Sync {
        let logs = self.clone();
        tracing_subscriber::fmt()
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .with_writer(move || logs.clone())
            .finish()
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for Logs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
