//! Email, chat and paging from both probes, against a real SMTP server and
//! chat-webhook and PagerDuty peers.

use std::sync::Arc;

use serde_json::{Value, json};
use wolfe_host_apis::providers::Providers;
use wolfe_host_apis::providers::notify::NotifyProvider;
use wolfe_testkit::peers::chat_webhook::ChatWebhook;
use wolfe_testkit::peers::pagerduty::PagerDuty;
use wolfe_testkit::peers::smtp::SmtpServer;

use crate::support::*;

pub struct Peers {
    pub smtp: SmtpServer,
    pub chat: ChatWebhook,
    pub pagerduty: PagerDuty,
}

impl Peers {
    pub fn start() -> Self {
        Self {
            smtp: SmtpServer::start().unwrap(),
            chat: ChatWebhook::start().unwrap(),
            pagerduty: PagerDuty::start().unwrap(),
        }
    }

    /// A notify provider with targets `oncall-email`, `ops-chat`, `pager`.
    pub fn provider(&self) -> NotifyProvider {
        let config = serde_json::from_value(json!({
            "smtp": {"host": self.smtp.host(), "port": self.smtp.port(), "from": "wolfe@example.com", "tls": "none"},
            "targets": {
                "oncall-email": {"kind": "email", "to": ["oncall@example.com"]},
                "ops-chat": {"kind": "chat", "url": self.chat.url()},
                "pager": {"kind": "pagerduty", "routing_key": "R0UT1NGKEY0123456789ABCDEFGHIJKL", "url": self.pagerduty.url()},
            },
        }))
        .unwrap();
        NotifyProvider::new(config).unwrap()
    }
}

fn calls() -> [Value; 4] {
    [
        call(
            "notify.email",
            json!({"target": "oncall-email", "subject": "broker 3 offline", "body": "restarted it"}),
        ),
        call(
            "notify.chat",
            json!({"target": "ops-chat", "text": "broker 3 restarted"}),
        ),
        call(
            "notify.page_trigger",
            json!({"target": "pager", "summary": "kafka down", "severity": "critical", "source": "kafka-3", "dedup_key": "kafka-3", "details": {"broker": 3}}),
        ),
        call(
            "notify.page_resolve",
            json!({"target": "pager", "dedup_key": "kafka-3"}),
        ),
    ]
}

async fn harness(peers: &Peers) -> Harness {
    let providers = Providers {
        notify: Some(Arc::new(peers.provider())),
        ..Providers::default()
    };
    Harness::start(None, providers).await
}

fn everything() -> wolfe_engine::Grant {
    grant(json!({"notify": ["oncall-email", "ops-chat", "pager"]}))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_probes_reach_people_through_every_channel() {
    let peers = Peers::start();
    let h = harness(&peers).await;
    for (n, probe) in PROBES.into_iter().enumerate() {
        let results = h.run(probe, &everything(), &calls()).await.results();
        assert_eq!(ok(&results[0]), json!({"simulated": false}), "{probe:?}");
        assert_eq!(ok(&results[2])["dedup_key"], json!("kafka-3"));
        let mail = peers.smtp.messages();
        assert_eq!(mail.len(), n + 1, "{probe:?}");
        assert_eq!(mail[n].subject, "broker 3 offline");
        assert_eq!(mail[n].rcpt_tos, vec!["oncall@example.com".to_owned()]);
        assert!(mail[n].body.contains("restarted it"));
        assert_eq!(peers.chat.messages()[n].text(), "broker 3 restarted");
        let pages = peers.pagerduty.events();
        assert_eq!(pages[2 * n]["event_action"], json!("trigger"));
        assert_eq!(
            pages[2 * n]["payload"]["custom_details"],
            json!({"broker": 3})
        );
        assert_eq!(pages[2 * n + 1]["event_action"], json!("resolve"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_and_denied_notifications_reach_no_one() {
    let peers = Peers::start();
    let h = harness(&peers).await;
    for probe in PROBES {
        let results = h.dry_run(probe, &everything(), &calls()).await.results();
        for result in &results {
            assert_eq!(ok(result)["simulated"], json!(true), "{probe:?}");
        }
        let chat_only = grant(json!({"notify": ["ops-chat"]}));
        let results = h.run(probe, &chat_only, &calls()).await.results();
        let kinds: Vec<String> = results
            .iter()
            .map(|r| r.get("error").map_or("ok".into(), |_| error_kind(r)))
            .collect();
        assert_eq!(kinds, ["denied", "ok", "denied", "denied"], "{probe:?}");
    }
    assert!(peers.smtp.messages().is_empty());
    assert_eq!(
        peers.chat.messages().len(),
        2,
        "only the granted, real chat calls"
    );
    assert!(peers.pagerduty.events().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_attempt_does_not_page_twice() {
    let peers = Peers::start();
    let h = harness(&peers).await;
    for (n, probe) in PROBES.into_iter().enumerate() {
        let page = [calls()[2].clone()];
        let id = h.queue(probe, &page, false).await;
        h.attempt(probe, &id, &page, &everything(), false, 1, 0)
            .await;
        let second = h
            .attempt(probe, &id, &page, &everything(), false, 2, 0)
            .await;
        assert_eq!(ok(&second.only())["dedup_key"], json!("kafka-3"));
        assert_eq!(
            peers.pagerduty.events().len(),
            n + 1,
            "{probe:?}: paged once"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_execution_that_does_not_succeed_notifies_its_failure_targets() {
    use std::time::Duration;

    use wolfe_pipeline::engine::start_engine;
    use wolfe_pipeline::runner::RunnerConfig;
    use wolfe_testkit::seed::{RunbookSeed, deployed_runbook};

    let peers = Peers::start();
    let h = harness(&peers).await;
    let component = std::fs::read(wolfe_testkit::built(&wolfe_testkit::guest_dir(
        "hostile-rust",
    )))
    .unwrap();
    let deployed = deployed_runbook(
        &h.store,
        RunbookSeed {
            team: TEAM,
            name: "panics",
            component: &component,
            max_attempts: 1,
            concurrency_limit: 1,
            environment: ENV,
        },
    )
    .await;
    h.store
        .set_failure_notifications(&deployed.runbook_id, ENV, &["ops-chat".into()], "test")
        .await
        .unwrap();
    let mut config = RunnerConfig::new(ENV, "notifying-runner");
    config.poll_interval = Duration::from_millis(20);
    config.public_url = "https://wolfe.example.com".into();
    let engine = start_engine(
        h.store.clone(),
        runtime(),
        std::sync::Arc::new(tokio::sync::Notify::new()),
        &[ENV.to_owned()],
        &config,
        Duration::from_secs(1),
        h.services.clone(),
    );
    let succeeding = h
        .intake
        .run_manually(
            ENV,
            &deployed.runbook_id,
            json!({}),
            json!({"mode": "echo"}),
            false,
        )
        .await
        .unwrap()
        .unwrap();
    let failing = h
        .intake
        .run_manually(
            ENV,
            &deployed.runbook_id,
            json!({}),
            json!({"mode": "panic"}),
            false,
        )
        .await
        .unwrap()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while peers.chat.messages().is_empty() && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Give a (wrong) notice about the successful run a moment to arrive.
    tokio::time::sleep(Duration::from_millis(500)).await;
    engine.shutdown().await;
    let messages = peers.chat.messages();
    assert_eq!(
        messages.len(),
        1,
        "only the failure is announced: {messages:?}"
    );
    let text = messages[0].text();
    assert!(text.contains("panics") && text.contains(ENV), "{text}");
    assert!(
        text.contains(&format!("https://wolfe.example.com/executions/{failing}")),
        "{text}"
    );
    assert!(!text.contains(&succeeding));
}
