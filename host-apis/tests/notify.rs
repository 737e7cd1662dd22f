//! The notify provider against real peers on loopback: aiosmtpd for email,
//! a Slack-compatible webhook, and PagerDuty's Events API v2.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::json;
use wolfe_host_apis::ApiError;
use wolfe_host_apis::providers::notify::{
    FailureNotice, NotifyConfig, NotifyProvider, Page, Paged, Secret, Sent, Severity, SmtpConfig,
    SmtpTls, TargetConfig, TargetKind,
};
use wolfe_testkit::peers::chat_webhook::{ChatWebhook, HOOK_PATH};
use wolfe_testkit::peers::pagerduty::PagerDuty;
use wolfe_testkit::peers::smtp::SmtpServer;

const ROUTING_KEY: &str = "R0UT1NGKEYR0UT1NGKEYR0UT1NGKEY32";
const SMTP_USER: &str = "wolfe-relay";
const SMTP_PASSWORD: &str = "hunter2-smtp-password";
const WEBHOOK_TOKEN: &str = "webhooktesttoken0000";

fn smtp_config(server: &SmtpServer) -> SmtpConfig {
    SmtpConfig {
        host: server.host().to_owned(),
        port: Some(server.port()),
        from: "Wolfe <wolfe@example.com>".to_owned(),
        username: None,
        password: None,
        tls: SmtpTls::None,
        timeout: Duration::from_secs(10),
    }
}

fn email_target(to: &[&str]) -> TargetConfig {
    TargetConfig::Email {
        to: to.iter().map(|s| s.to_string()).collect(),
    }
}

fn chat_target(url: &str) -> TargetConfig {
    TargetConfig::Chat {
        url: Secret::new(url),
    }
}

fn pagerduty_target(peer: &PagerDuty, routing_key: &str) -> TargetConfig {
    TargetConfig::Pagerduty {
        routing_key: Secret::new(routing_key),
        url: peer.url(),
    }
}

fn provider(
    smtp: Option<SmtpConfig>,
    targets: impl IntoIterator<Item = (&'static str, TargetConfig)>,
) -> NotifyProvider {
    NotifyProvider::new(NotifyConfig {
        smtp,
        targets: targets
            .into_iter()
            .map(|(name, target)| (name.to_owned(), target))
            .collect(),
        http_timeout: Duration::from_secs(10),
    })
    .expect("valid notify config")
}

fn notice(outcome: &str) -> FailureNotice {
    FailureNotice {
        runbook: "kafka-broker-offline".into(),
        team: "data-platform".into(),
        environment: "prod".into(),
        execution_id: "0190f3a2-7c1e-7d3b-9a51-2f6e8c0d4b11".into(),
        outcome: outcome.into(),
        error: Some("broker 3 did not rejoin the ISR within 5m".into()),
        link: "https://wolfe.example.com/executions/0190f3a2-7c1e-7d3b-9a51-2f6e8c0d4b11".into(),
    }
}

fn page(dedup_key: Option<&str>) -> Page {
    Page {
        summary: "Disk 95% full on db-7".into(),
        severity: Severity::Critical,
        source: "db-7.prod.example.com".into(),
        dedup_key: dedup_key.map(str::to_owned),
        details: Some(json!({ "mount": "/var/lib/postgresql", "used_pct": 95 })),
    }
}

fn assert_no_secrets(error: &ApiError) {
    let message = error.to_string();
    for secret in [ROUTING_KEY, SMTP_PASSWORD, WEBHOOK_TOKEN, HOOK_PATH] {
        assert!(
            !message.contains(secret),
            "secret `{secret}` in error: {message}"
        );
    }
}

// ---- email ----

#[tokio::test]
async fn email_reaches_every_recipient_with_subject_and_body() {
    let server = SmtpServer::start().unwrap();
    let notify = provider(
        Some(smtp_config(&server)),
        [(
            "dba",
            email_target(&["dba-oncall@example.com", "lead@example.com"]),
        )],
    );

    let sent = notify
        .email("dba", "Replica lag on db-7", "Lag is 42s.\nFailing over.")
        .await
        .unwrap();

    assert_eq!(sent.target, "dba");
    assert_eq!(sent.kind, TargetKind::Email);
    let mail = server.messages();
    assert_eq!(mail.len(), 1, "{mail:?}");
    let mail = &mail[0];
    assert_eq!(mail.mail_from, "wolfe@example.com");
    assert_eq!(
        mail.rcpt_tos,
        ["dba-oncall@example.com", "lead@example.com"]
    );
    assert_eq!(mail.to, ["dba-oncall@example.com", "lead@example.com"]);
    assert_eq!(mail.from, "Wolfe <wolfe@example.com>");
    assert_eq!(mail.subject, "Replica lag on db-7");
    assert_eq!(mail.body.trim_end(), "Lag is 42s.\nFailing over.");
    assert_eq!(mail.authenticated_as, None);
}

#[tokio::test]
async fn email_keeps_non_ascii_subject_and_body_intact() {
    let server = SmtpServer::start().unwrap();
    let notify = provider(
        Some(smtp_config(&server)),
        [("ops", email_target(&["ops@example.com"]))],
    );

    notify
        .email("ops", "Überlast auf café-db ☕", "Température: 97 °C")
        .await
        .unwrap();

    let mail = &server.messages()[0];
    assert_eq!(mail.subject, "Überlast auf café-db ☕");
    assert_eq!(mail.body.trim_end(), "Température: 97 °C");
}

#[tokio::test]
async fn email_authenticates_with_the_configured_credentials() {
    let server = SmtpServer::start_with_auth(SMTP_USER, SMTP_PASSWORD).unwrap();
    let smtp = SmtpConfig {
        username: Some(SMTP_USER.into()),
        password: Some(Secret::new(SMTP_PASSWORD)),
        ..smtp_config(&server)
    };
    let notify = provider(Some(smtp), [("ops", email_target(&["ops@example.com"]))]);

    notify.email("ops", "hello", "body").await.unwrap();

    let mail = server.messages();
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].authenticated_as.as_deref(), Some(SMTP_USER));
}

#[tokio::test]
async fn email_refused_by_the_relay_is_unavailable_without_the_password() {
    let server = SmtpServer::start_with_auth(SMTP_USER, "the-right-password").unwrap();
    let smtp = SmtpConfig {
        username: Some(SMTP_USER.into()),
        password: Some(Secret::new(SMTP_PASSWORD)),
        ..smtp_config(&server)
    };
    let notify = provider(Some(smtp), [("ops", email_target(&["ops@example.com"]))]);

    let error = notify.email("ops", "hello", "body").await.unwrap_err();

    assert!(matches!(error, ApiError::Unavailable(_)), "{error:?}");
    assert!(error.message().contains("`ops`"), "{error}");
    assert!(error.message().contains("535"), "{error}");
    assert_no_secrets(&error);
    assert!(server.messages().is_empty());
}

#[tokio::test]
async fn email_with_the_relay_down_is_unavailable_and_names_the_relay() {
    let server = SmtpServer::start().unwrap();
    let notify = provider(
        Some(smtp_config(&server)),
        [("ops", email_target(&["ops@example.com"]))],
    );
    server.stop();

    let error = notify.email("ops", "hello", "body").await.unwrap_err();

    assert!(matches!(error, ApiError::Unavailable(_)), "{error:?}");
    let relay = format!("127.0.0.1:{}", server.port());
    assert!(error.message().contains(&relay), "{error}");

    server.resume().unwrap();
    notify.email("ops", "hello again", "body").await.unwrap();
    assert_eq!(server.messages().len(), 1);
}

#[tokio::test]
async fn email_without_a_relay_is_unavailable() {
    let notify = provider(None, [("ops", email_target(&["ops@example.com"]))]);

    let error = notify.email("ops", "hello", "body").await.unwrap_err();

    assert!(matches!(error, ApiError::Unavailable(_)), "{error:?}");
    assert!(error.message().contains("no SMTP relay"), "{error}");
    assert_eq!(
        notify.check_target("ops", TargetKind::Email).unwrap_err(),
        error
    );
}

#[tokio::test]
async fn email_subject_with_a_line_break_is_invalid_and_not_sent() {
    let server = SmtpServer::start().unwrap();
    let notify = provider(
        Some(smtp_config(&server)),
        [("ops", email_target(&["ops@example.com"]))],
    );

    let error = notify
        .email("ops", "hi\r\nBcc: attacker@example.net", "body")
        .await
        .unwrap_err();

    assert!(matches!(error, ApiError::Invalid(_)), "{error:?}");
    assert!(server.messages().is_empty());
}

// ---- chat ----

#[tokio::test]
async fn chat_posts_the_text_as_slack_json() {
    let webhook = ChatWebhook::start().unwrap();
    let notify = provider(None, [("ops-channel", chat_target(&webhook.url()))]);

    let sent = notify
        .chat("ops-channel", "db-7 failed over to db-8 \"cleanly\"")
        .await
        .unwrap();

    assert_eq!(
        sent,
        Sent {
            target: "ops-channel".into(),
            kind: TargetKind::Chat,
            receipt: "ok".into(),
        }
    );
    let messages = webhook.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].path, HOOK_PATH);
    assert_eq!(
        messages[0].content_type.as_deref(),
        Some("application/json")
    );
    assert_eq!(
        messages[0].body,
        json!({ "text": "db-7 failed over to db-8 \"cleanly\"" })
    );
}

#[tokio::test]
async fn chat_answered_with_an_error_status_is_unavailable_with_the_status() {
    let webhook = ChatWebhook::start().unwrap();
    let notify = provider(None, [("ops-channel", chat_target(&webhook.url()))]);

    for status in [500, 404, 403] {
        webhook.fail_with(status);
        let error = notify.chat("ops-channel", "hello").await.unwrap_err();
        assert!(matches!(error, ApiError::Unavailable(_)), "{error:?}");
        assert!(
            error.message().contains(&format!("HTTP {status}")),
            "{error}"
        );
        assert!(error.message().contains("`ops-channel`"), "{error}");
        assert_no_secrets(&error);
    }

    webhook.answer_normally();
    notify.chat("ops-channel", "hello").await.unwrap();
    assert_eq!(webhook.messages().len(), 1);
}

#[tokio::test]
async fn chat_to_an_unreachable_webhook_is_unavailable_without_the_url_token() {
    let port = wolfe_testkit::process::free_port().unwrap();
    let url = format!("http://127.0.0.1:{port}{HOOK_PATH}");
    let notify = provider(None, [("ops-channel", chat_target(&url))]);

    let error = notify.chat("ops-channel", "hello").await.unwrap_err();

    assert!(matches!(error, ApiError::Unavailable(_)), "{error:?}");
    assert!(
        error
            .message()
            .contains(&format!("http://127.0.0.1:{port}")),
        "{error}"
    );
    assert_no_secrets(&error);
}

#[tokio::test]
async fn chat_that_gets_no_answer_times_out_as_unavailable() {
    // Accepts connections (the kernel's backlog) but never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}{HOOK_PATH}", silent.local_addr().unwrap());
    let notify = NotifyProvider::new(NotifyConfig {
        smtp: None,
        targets: BTreeMap::from([("ops-channel".to_owned(), chat_target(&url))]),
        http_timeout: Duration::from_millis(300),
    })
    .unwrap();

    let error = notify.chat("ops-channel", "hello").await.unwrap_err();

    assert!(matches!(error, ApiError::Unavailable(_)), "{error:?}");
    assert!(
        error.message().contains("no answer within 300ms"),
        "{error}"
    );
    assert_no_secrets(&error);
}

// ---- PagerDuty ----

#[tokio::test]
async fn page_trigger_sends_the_documented_event_and_returns_the_dedup_key() {
    let pd = PagerDuty::start().unwrap();
    let notify = provider(None, [("db-pager", pagerduty_target(&pd, ROUTING_KEY))]);

    let paged = notify
        .page_trigger("db-pager", &page(Some("disk-db-7")))
        .await
        .unwrap();

    assert_eq!(
        paged,
        Paged {
            dedup_key: "disk-db-7".into()
        }
    );
    let events = pd.events();
    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_eq!(event["routing_key"], ROUTING_KEY);
    assert_eq!(event["event_action"], "trigger");
    assert_eq!(event["dedup_key"], "disk-db-7");
    assert_eq!(
        event["payload"],
        json!({
            "summary": "Disk 95% full on db-7",
            "source": "db-7.prod.example.com",
            "severity": "critical",
            "custom_details": { "mount": "/var/lib/postgresql", "used_pct": 95 },
        })
    );
}

#[tokio::test]
async fn page_trigger_without_a_dedup_key_returns_the_one_pagerduty_assigned() {
    let pd = PagerDuty::start().unwrap();
    let notify = provider(None, [("db-pager", pagerduty_target(&pd, ROUTING_KEY))]);
    let page = Page {
        details: None,
        severity: Severity::Warning,
        ..page(None)
    };

    let paged = notify.page_trigger("db-pager", &page).await.unwrap();

    let event = &pd.events()[0];
    assert!(event.get("dedup_key").is_none(), "{event}");
    assert!(event["payload"].get("custom_details").is_none(), "{event}");
    assert_eq!(event["payload"]["severity"], "warning");
    assert_eq!(paged.dedup_key.len(), 32, "{paged:?}");

    notify
        .page_resolve("db-pager", &paged.dedup_key)
        .await
        .unwrap();
    assert_eq!(pd.events()[1]["dedup_key"], paged.dedup_key);
}

#[tokio::test]
async fn page_resolve_sends_a_resolve_event_for_the_key() {
    let pd = PagerDuty::start().unwrap();
    let notify = provider(None, [("db-pager", pagerduty_target(&pd, ROUTING_KEY))]);

    let sent = notify.page_resolve("db-pager", "disk-db-7").await.unwrap();

    assert_eq!(sent.kind, TargetKind::Pagerduty);
    assert_eq!(sent.receipt, "Event processed");
    assert_eq!(
        pd.events(),
        [json!({
            "routing_key": ROUTING_KEY,
            "event_action": "resolve",
            "dedup_key": "disk-db-7",
        })]
    );
}

#[tokio::test]
async fn page_rejected_by_pagerduty_is_invalid_with_its_reasons_and_no_key() {
    let pd = PagerDuty::start().unwrap();
    let short_key = "tooshortroutingkey";
    let notify = provider(None, [("db-pager", pagerduty_target(&pd, short_key))]);

    let error = notify
        .page_trigger("db-pager", &page(None))
        .await
        .unwrap_err();

    assert!(matches!(error, ApiError::Invalid(_)), "{error:?}");
    assert!(
        error
            .message()
            .contains("Length of 'routing_key' is incorrect"),
        "{error}"
    );
    assert!(!error.message().contains(short_key), "{error}");
    assert!(pd.events().is_empty());
}

#[tokio::test]
async fn page_when_pagerduty_is_rate_limiting_or_failing_is_unavailable() {
    let pd = PagerDuty::start().unwrap();
    let notify = provider(None, [("db-pager", pagerduty_target(&pd, ROUTING_KEY))]);

    for status in [429, 500, 503] {
        pd.fail_with(status);
        let trigger = notify
            .page_trigger("db-pager", &page(Some("k")))
            .await
            .unwrap_err();
        let resolve = notify.page_resolve("db-pager", "k").await.unwrap_err();
        for error in [trigger, resolve] {
            assert!(matches!(error, ApiError::Unavailable(_)), "{error:?}");
            assert!(error.message().contains(&status.to_string()), "{error}");
            assert_no_secrets(&error);
        }
    }
    assert!(pd.events().is_empty());
}

#[tokio::test]
async fn page_to_an_unreachable_pagerduty_is_unavailable_without_the_key() {
    let port = wolfe_testkit::process::free_port().unwrap();
    let notify = provider(
        None,
        [(
            "db-pager",
            TargetConfig::Pagerduty {
                routing_key: Secret::new(ROUTING_KEY),
                url: format!("http://127.0.0.1:{port}/v2/enqueue"),
            },
        )],
    );

    let error = notify
        .page_trigger("db-pager", &page(None))
        .await
        .unwrap_err();

    assert!(matches!(error, ApiError::Unavailable(_)), "{error:?}");
    assert_no_secrets(&error);
}

#[tokio::test]
async fn page_outside_the_api_limits_is_invalid_and_not_sent() {
    let pd = PagerDuty::start().unwrap();
    let notify = provider(None, [("db-pager", pagerduty_target(&pd, ROUTING_KEY))]);
    let bad_pages = [
        Page {
            summary: "  ".into(),
            ..page(None)
        },
        Page {
            summary: "x".repeat(1025),
            ..page(None)
        },
        Page {
            source: String::new(),
            ..page(None)
        },
        Page {
            dedup_key: Some("k".repeat(256)),
            ..page(None)
        },
    ];

    for bad in &bad_pages {
        let error = notify.page_trigger("db-pager", bad).await.unwrap_err();
        assert!(matches!(error, ApiError::Invalid(_)), "{error:?}");
    }
    let error = notify.page_resolve("db-pager", "").await.unwrap_err();
    assert!(matches!(error, ApiError::Invalid(_)), "{error:?}");
    assert!(pd.events().is_empty());
}

// ---- targets ----

#[tokio::test]
async fn unknown_targets_are_not_found_for_every_call() {
    let notify = provider(None, []);

    let errors = [
        notify.email("nope", "s", "b").await.unwrap_err(),
        notify.chat("nope", "t").await.unwrap_err(),
        notify.page_trigger("nope", &page(None)).await.unwrap_err(),
        notify.page_resolve("nope", "k").await.unwrap_err(),
        notify
            .failure_notice("nope", &notice("failed"))
            .await
            .unwrap_err(),
        notify.check_target("nope", TargetKind::Chat).unwrap_err(),
    ];

    for error in errors {
        assert_eq!(
            error,
            ApiError::NotFound("notify target `nope` is not configured".into())
        );
    }
}

#[tokio::test]
async fn a_target_of_another_kind_is_invalid_and_nothing_is_sent() {
    let server = SmtpServer::start().unwrap();
    let webhook = ChatWebhook::start().unwrap();
    let pd = PagerDuty::start().unwrap();
    let notify = provider(
        Some(smtp_config(&server)),
        [
            ("mail", email_target(&["ops@example.com"])),
            ("chat", chat_target(&webhook.url())),
            ("pager", pagerduty_target(&pd, ROUTING_KEY)),
        ],
    );

    let email_to_chat = notify.email("chat", "s", "b").await.unwrap_err();
    assert_eq!(
        email_to_chat,
        ApiError::Invalid("notify target `chat` is a chat target, not an email target".into())
    );
    let wrong = [
        notify.email("pager", "s", "b").await.unwrap_err(),
        notify.chat("mail", "t").await.unwrap_err(),
        notify.chat("pager", "t").await.unwrap_err(),
        notify.page_trigger("mail", &page(None)).await.unwrap_err(),
        notify.page_resolve("chat", "k").await.unwrap_err(),
        notify.check_target("chat", TargetKind::Email).unwrap_err(),
    ];
    for error in wrong {
        assert!(matches!(error, ApiError::Invalid(_)), "{error:?}");
    }
    assert!(server.messages().is_empty());
    assert!(webhook.messages().is_empty());
    assert!(pd.events().is_empty());
    assert_eq!(notify.target_kind("pager"), Some(TargetKind::Pagerduty));
    notify.check_target("mail", TargetKind::Email).unwrap();
}

// ---- failure notices ----

#[tokio::test]
async fn failure_notice_by_email_has_a_clear_subject_and_the_details() {
    let server = SmtpServer::start().unwrap();
    let notify = provider(
        Some(smtp_config(&server)),
        [("kafka-team", email_target(&["kafka@example.com"]))],
    );
    let notice = notice("failed");

    let sent = notify.failure_notice("kafka-team", &notice).await.unwrap();

    assert_eq!(sent.kind, TargetKind::Email);
    let mail = &server.messages()[0];
    assert_eq!(mail.rcpt_tos, ["kafka@example.com"]);
    assert_eq!(mail.subject, "[wolfe] kafka-broker-offline failed in prod");
    for part in [
        "data-platform",
        "failed in prod",
        &notice.execution_id,
        "broker 3 did not rejoin the ISR within 5m",
        &notice.link,
    ] {
        assert!(
            mail.body.contains(part),
            "`{part}` missing from {}",
            mail.body
        );
    }
}

#[tokio::test]
async fn failure_notice_subject_names_a_quota_or_trap_ending() {
    let server = SmtpServer::start().unwrap();
    let notify = provider(
        Some(smtp_config(&server)),
        [("kafka-team", email_target(&["kafka@example.com"]))],
    );
    let notice = FailureNotice {
        error: None,
        ..notice("timed_out")
    };

    notify.failure_notice("kafka-team", &notice).await.unwrap();

    let mail = &server.messages()[0];
    assert_eq!(
        mail.subject,
        "[wolfe] kafka-broker-offline failed (timed out) in prod"
    );
    assert!(!mail.body.contains("Error"), "{}", mail.body);
}

#[tokio::test]
async fn failure_notice_by_chat_says_what_failed_where_and_links_it() {
    let webhook = ChatWebhook::start().unwrap();
    let notify = provider(None, [("ops-channel", chat_target(&webhook.url()))]);
    let notice = notice("crashed");

    let sent = notify.failure_notice("ops-channel", &notice).await.unwrap();

    assert_eq!(sent.kind, TargetKind::Chat);
    let text = webhook.messages()[0].text().to_owned();
    for part in [
        "kafka-broker-offline failed (crashed) in prod",
        "data-platform",
        "broker 3 did not rejoin the ISR within 5m",
        &notice.execution_id,
        &notice.link,
    ] {
        assert!(text.contains(part), "`{part}` missing from {text}");
    }
}

#[tokio::test]
async fn failure_notice_by_pagerduty_triggers_one_alert_per_execution() {
    let pd = PagerDuty::start().unwrap();
    let notify = provider(None, [("kafka-pager", pagerduty_target(&pd, ROUTING_KEY))]);
    let notice = notice("failed");

    let sent = notify.failure_notice("kafka-pager", &notice).await.unwrap();

    assert_eq!(sent.kind, TargetKind::Pagerduty);
    let event = &pd.events()[0];
    let dedup_key = format!("wolfe-{}", notice.execution_id);
    assert_eq!(notice.dedup_key(), dedup_key);
    assert_eq!(event["routing_key"], ROUTING_KEY);
    assert_eq!(event["event_action"], "trigger");
    assert_eq!(event["dedup_key"], dedup_key);
    assert_eq!(event["payload"]["severity"], "error");
    assert_eq!(
        event["payload"]["summary"],
        "kafka-broker-offline failed in prod: broker 3 did not rejoin the ISR within 5m"
    );
    assert_eq!(
        event["payload"]["source"],
        "wolfe/prod/kafka-broker-offline"
    );
    assert_eq!(
        event["payload"]["custom_details"]["execution_id"],
        notice.execution_id
    );
    assert_eq!(event["payload"]["custom_details"]["team"], "data-platform");
    assert_eq!(event["links"][0]["href"], notice.link);

    // The engine can resolve it later with the same key.
    notify
        .page_resolve("kafka-pager", &dedup_key)
        .await
        .unwrap();
    assert_eq!(pd.events()[1]["dedup_key"], dedup_key);
}

#[tokio::test]
async fn failure_notice_with_a_huge_error_still_fits_pagerduty() {
    let pd = PagerDuty::start().unwrap();
    let notify = provider(None, [("kafka-pager", pagerduty_target(&pd, ROUTING_KEY))]);
    let notice = FailureNotice {
        error: Some("Traceback (most recent call last):\n".repeat(2000)),
        ..notice("failed")
    };

    notify.failure_notice("kafka-pager", &notice).await.unwrap();

    let summary = pd.events()[0]["payload"]["summary"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(summary.chars().count(), 1024);
    assert!(!summary.contains('\n'));
}

// ---- configuration ----

#[test]
fn the_documented_toml_parses_with_defaults() {
    let config: NotifyConfig = toml::from_str(
        r#"
        smtp = { host = "mail.example.com", from = "Wolfe <wolfe@example.com>",
                 username = "wolfe", password = "s3cret-pass" }

        [targets.dba-oncall]
        kind = "email"
        to = ["dba-oncall@example.com"]

        [targets.ops-channel]
        kind = "chat"
        url = "https://hooks.slack.com/services/T000/B000/XXXX"

        [targets.kafka-pager]
        kind = "pagerduty"
        routing_key = "0123456789abcdef0123456789abcdef"
        "#,
    )
    .unwrap();

    let smtp = config.smtp.as_ref().unwrap();
    assert_eq!(smtp.tls, SmtpTls::Starttls);
    assert_eq!(smtp.effective_port(), 587);
    assert_eq!(smtp.timeout, Duration::from_secs(30));
    assert_eq!(config.http_timeout, Duration::from_secs(10));
    match &config.targets["kafka-pager"] {
        TargetConfig::Pagerduty { url, .. } => {
            assert_eq!(url, "https://events.pagerduty.com/v2/enqueue")
        }
        other => panic!("{other:?}"),
    }
    let debug = format!("{config:?}");
    for secret in ["s3cret-pass", "0123456789abcdef0123456789abcdef", "XXXX"] {
        assert!(!debug.contains(secret), "{debug}");
    }
    NotifyProvider::new(config).unwrap();
}

#[test]
fn unknown_fields_and_kinds_are_rejected() {
    for text in [
        "[targets.x]\nkind = \"email\"\nto = [\"a@example.com\"]\ncc = [\"b@example.com\"]",
        "[targets.x]\nkind = \"sms\"\nto = [\"+15550100\"]",
        "smtp = { host = \"h\", from = \"a@example.com\", tls = \"ssl\" }",
        "timeout = \"5s\"",
    ] {
        assert!(toml::from_str::<NotifyConfig>(text).is_err(), "{text}");
    }
}

#[test]
fn a_bad_target_fails_at_startup_and_names_it() {
    let bad_address = NotifyProvider::new(NotifyConfig {
        targets: BTreeMap::from([("dba".to_owned(), email_target(&["not an address"]))]),
        ..NotifyConfig::default()
    });
    let error = bad_address.err().unwrap();
    assert!(matches!(error, ApiError::Invalid(_)), "{error:?}");
    assert!(error.message().contains("`dba`"), "{error}");

    let no_recipients = NotifyProvider::new(NotifyConfig {
        targets: BTreeMap::from([("dba".to_owned(), email_target(&[]))]),
        ..NotifyConfig::default()
    });
    assert!(matches!(no_recipients.err(), Some(ApiError::Invalid(_))));

    let bad_url = NotifyProvider::new(NotifyConfig {
        targets: BTreeMap::from([(
            "ops".to_owned(),
            chat_target(&format!("ftp://hooks.example.com{HOOK_PATH}")),
        )]),
        ..NotifyConfig::default()
    });
    let error = bad_url.err().unwrap();
    assert!(matches!(error, ApiError::Invalid(_)), "{error:?}");
    assert_no_secrets(&error);

    let half_credentials = NotifyProvider::new(NotifyConfig {
        smtp: Some(SmtpConfig {
            host: "mail.example.com".into(),
            port: None,
            from: "wolfe@example.com".into(),
            username: Some("wolfe".into()),
            password: None,
            tls: SmtpTls::Starttls,
            timeout: Duration::from_secs(5),
        }),
        ..NotifyConfig::default()
    });
    assert!(matches!(half_credentials.err(), Some(ApiError::Invalid(_))));
}
