//! Notifications: email through an SMTP relay, chat through a
//! Slack-compatible incoming webhook, and PagerDuty alerts (Events API v2),
//! each sent to a named target from the configuration. The engine also uses
//! [`NotifyProvider::failure_notice`] when an execution does not succeed.
//!
//! ```toml
//! [providers.notify]
//! http_timeout = "10s"            # per chat or PagerDuty request
//! smtp = { host = "mail.example.com", port = 587, from = "Wolfe <wolfe@example.com>",
//!          username = "wolfe", password = "...", tls = "starttls", timeout = "30s" }
//!
//! [providers.notify.targets.dba-oncall]
//! kind = "email"
//! to = ["dba-oncall@example.com", "dba-lead@example.com"]
//!
//! [providers.notify.targets.ops-channel]
//! kind = "chat"
//! url = "https://hooks.slack.com/services/T000/B000/XXXX"
//!
//! [providers.notify.targets.kafka-pager]
//! kind = "pagerduty"
//! routing_key = "0123456789abcdef0123456789abcdef"
//! # url = "https://events.pagerduty.com/v2/enqueue"   (the default)
//! ```
//!
//! `tls` is `none`, `starttls` (the default) or `tls`; `port` defaults to
//! 25, 587 or 465 accordingly. The SMTP password, routing keys and webhook
//! URLs are credentials: they never appear in an error message (errors name
//! the target and, for HTTP, only the URL's origin).

mod chat;
mod config;
mod email;
mod failure;
mod http;
mod pagerduty;
mod redact;

use std::collections::BTreeMap;
use std::time::Duration;

use lettre::message::Mailbox;
use reqwest::Url;
use serde::{Deserialize, Serialize};

pub use config::{
    NotifyConfig, PAGERDUTY_EVENTS_URL, Secret, SmtpConfig, SmtpTls, TargetConfig, TargetKind,
};
pub use failure::FailureNotice;
pub use pagerduty::{Page, Paged, Severity};

use email::Mailer;
use pagerduty::{Integration, TriggerExtras};
use redact::Redactor;

use crate::ApiError;

/// A delivered notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sent {
    pub target: String,
    pub kind: TargetKind,
    /// The remote system's acknowledgement: the SMTP relay's reply, the
    /// webhook's answer, PagerDuty's message.
    pub receipt: String,
}

/// Sends to the configured targets.
pub struct NotifyProvider {
    targets: BTreeMap<String, Target>,
    mailer: Option<Mailer>,
    http: reqwest::Client,
    http_timeout: Duration,
    redactor: Redactor,
}

/// A target with its configuration parsed.
enum Target {
    Email { to: Vec<Mailbox> },
    Chat { url: Url },
    Pagerduty { url: Url, routing_key: Secret },
}

impl Target {
    fn kind(&self) -> TargetKind {
        match self {
            Self::Email { .. } => TargetKind::Email,
            Self::Chat { .. } => TargetKind::Chat,
            Self::Pagerduty { .. } => TargetKind::Pagerduty,
        }
    }
}

impl NotifyProvider {
    /// Checks the whole configuration (addresses, URLs, SMTP settings), so a
    /// mistake fails at startup rather than at the first notice.
    pub fn new(config: NotifyConfig) -> Result<Self, ApiError> {
        let mut redactor = Redactor::default();
        if let Some(password) = config.smtp.as_ref().and_then(|s| s.password.as_ref()) {
            redactor.add(password.expose());
        }
        let mut targets = BTreeMap::new();
        for (name, target) in config.targets {
            let what = format!("notify target `{name}`");
            let target = match target {
                TargetConfig::Email { to } => Target::Email {
                    to: email::recipients(&what, &to)?,
                },
                TargetConfig::Chat { url } => {
                    redactor.add(url.expose());
                    let url = http::parse_url(&what, url.expose())?;
                    redactor.add(url.path());
                    Target::Chat { url }
                }
                TargetConfig::Pagerduty { routing_key, url } => {
                    if routing_key.expose().trim().is_empty() {
                        return Err(ApiError::Invalid(format!("{what}: routing_key is empty")));
                    }
                    redactor.add(routing_key.expose());
                    Target::Pagerduty {
                        url: http::parse_url(&what, &url)?,
                        routing_key,
                    }
                }
            };
            targets.insert(name, target);
        }
        let mailer = config.smtp.as_ref().map(Mailer::new).transpose()?;
        let http = reqwest::Client::builder()
            // A redirect would carry the event (and its routing key) to
            // wherever the answer points.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(config.http_timeout)
            .build()
            .map_err(|e| ApiError::Unavailable(format!("notify: HTTP client setup: {e}")))?;
        Ok(Self {
            targets,
            mailer,
            http,
            http_timeout: config.http_timeout,
            redactor,
        })
    }

    /// The kind of the target `name`, if it is configured.
    pub fn target_kind(&self, name: &str) -> Option<TargetKind> {
        self.targets.get(name).map(Target::kind)
    }

    /// Every check a send to `target` of `kind` makes before reaching the
    /// remote system, for dry runs: the target exists, is of that kind, and
    /// (for email) a relay is configured.
    pub fn check_target(&self, target: &str, kind: TargetKind) -> Result<(), ApiError> {
        self.target(target, kind)?;
        if kind == TargetKind::Email {
            self.mailer(target)?;
        }
        Ok(())
    }

    /// Emails `subject` and `body` (plain text) to the target's recipients.
    pub async fn email(&self, target: &str, subject: &str, body: &str) -> Result<Sent, ApiError> {
        self.scrubbed(async {
            let Target::Email { to } = self.target(target, TargetKind::Email)? else {
                unreachable!("target() checked the kind")
            };
            let receipt = self.mailer(target)?.send(target, to, subject, body).await?;
            Ok(self.sent(target, TargetKind::Email, receipt))
        })
        .await
    }

    /// Posts `text` to the target's chat webhook.
    pub async fn chat(&self, target: &str, text: &str) -> Result<Sent, ApiError> {
        self.scrubbed(async {
            let Target::Chat { url } = self.target(target, TargetKind::Chat)? else {
                unreachable!("target() checked the kind")
            };
            let receipt = chat::post(&self.http, self.http_timeout, target, url, text).await?;
            Ok(self.sent(target, TargetKind::Chat, receipt))
        })
        .await
    }

    /// Triggers a PagerDuty alert; resolve it with the returned dedup key.
    pub async fn page_trigger(&self, target: &str, page: &Page) -> Result<Paged, ApiError> {
        self.scrubbed(async {
            self.integration(target)?
                .trigger(page, TriggerExtras::default())
                .await
        })
        .await
    }

    /// Resolves the PagerDuty alert `dedup_key`.
    pub async fn page_resolve(&self, target: &str, dedup_key: &str) -> Result<Sent, ApiError> {
        self.scrubbed(async {
            let receipt = self.integration(target)?.resolve(dedup_key).await?;
            Ok(self.sent(target, TargetKind::Pagerduty, receipt))
        })
        .await
    }

    /// Tells the target that an execution did not succeed, in the target's
    /// own medium. A PagerDuty alert uses [`FailureNotice::dedup_key`], so a
    /// repeated notice updates the alert rather than opening another.
    pub async fn failure_notice(
        &self,
        target: &str,
        notice: &FailureNotice,
    ) -> Result<Sent, ApiError> {
        let kind = self
            .target_kind(target)
            .ok_or_else(|| unknown_target(target))?;
        match kind {
            TargetKind::Email => self.email(target, &notice.subject(), &notice.body()).await,
            TargetKind::Chat => self.chat(target, &notice.chat_text()).await,
            TargetKind::Pagerduty => {
                self.scrubbed(async {
                    let extras = TriggerExtras {
                        link: Some((notice.link.clone(), "Execution in Wolfe".into())),
                    };
                    let paged = self
                        .integration(target)?
                        .trigger(&notice.page(), extras)
                        .await?;
                    Ok(self.sent(
                        target,
                        TargetKind::Pagerduty,
                        format!("triggered alert {}", paged.dedup_key),
                    ))
                })
                .await
            }
        }
    }

    fn target(&self, name: &str, kind: TargetKind) -> Result<&Target, ApiError> {
        let target = self.targets.get(name).ok_or_else(|| unknown_target(name))?;
        if target.kind() != kind {
            return Err(ApiError::Invalid(format!(
                "notify target `{name}` is {} target, not {} target",
                with_article(target.kind()),
                with_article(kind),
            )));
        }
        Ok(target)
    }

    fn mailer(&self, target: &str) -> Result<&Mailer, ApiError> {
        self.mailer.as_ref().ok_or_else(|| {
            ApiError::Unavailable(format!(
                "email to target `{target}`: no SMTP relay is configured ([providers.notify.smtp])"
            ))
        })
    }

    fn integration<'a>(&'a self, name: &'a str) -> Result<Integration<'a>, ApiError> {
        let Target::Pagerduty { url, routing_key } = self.target(name, TargetKind::Pagerduty)?
        else {
            unreachable!("target() checked the kind")
        };
        Ok(Integration {
            client: &self.http,
            timeout: self.http_timeout,
            target: name,
            url,
            routing_key: routing_key.expose(),
        })
    }

    fn sent(&self, target: &str, kind: TargetKind, receipt: String) -> Sent {
        Sent {
            target: target.to_owned(),
            kind,
            receipt: self.redactor.scrub(&receipt),
        }
    }

    /// Runs `call` and scrubs credentials from its error, whatever produced
    /// the message (our text, lettre, reqwest, the remote's answer).
    async fn scrubbed<T>(
        &self,
        call: impl Future<Output = Result<T, ApiError>>,
    ) -> Result<T, ApiError> {
        call.await.map_err(|e| self.redactor.scrub_error(e))
    }
}

/// "an email", "a chat", "a pagerduty".
fn with_article(kind: TargetKind) -> String {
    match kind {
        TargetKind::Email => format!("an {kind}"),
        TargetKind::Chat | TargetKind::Pagerduty => format!("a {kind}"),
    }
}

fn unknown_target(name: &str) -> ApiError {
    ApiError::NotFound(format!("notify target `{name}` is not configured"))
}
