//! `[providers.notify]`: the SMTP relay and the named targets.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// PagerDuty's Events API v2 endpoint.
pub const PAGERDUTY_EVENTS_URL: &str = "https://events.pagerduty.com/v2/enqueue";

/// The notify provider's configuration.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NotifyConfig {
    /// The relay email targets are sent through; without it, email fails
    /// as unavailable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp: Option<SmtpConfig>,
    /// Named targets, the names runbooks' grants list.
    #[serde(default)]
    pub targets: BTreeMap<String, TargetConfig>,
    /// How long one chat or PagerDuty request may take, e.g. `"10s"`.
    #[serde(default = "default_http_timeout", with = "duration_text")]
    pub http_timeout: Duration,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        Self {
            smtp: None,
            targets: BTreeMap::new(),
            http_timeout: default_http_timeout(),
        }
    }
}

fn default_http_timeout() -> Duration {
    Duration::from_secs(10)
}

/// An SMTP relay.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    /// Defaults by `tls`: 25 for `none`, 587 for `starttls`, 465 for `tls`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// The sender, e.g. `"Wolfe <wolfe@example.com>"`.
    pub from: String,
    /// Authenticates (AUTH PLAIN or LOGIN) when set, together with `password`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<Secret>,
    #[serde(default)]
    pub tls: SmtpTls,
    /// How long each SMTP command may take, e.g. `"30s"`.
    #[serde(default = "default_smtp_timeout", with = "duration_text")]
    pub timeout: Duration,
}

fn default_smtp_timeout() -> Duration {
    Duration::from_secs(30)
}

impl SmtpConfig {
    pub fn effective_port(&self) -> u16 {
        self.port.unwrap_or(match self.tls {
            SmtpTls::None => 25,
            SmtpTls::Starttls => 587,
            SmtpTls::Tls => 465,
        })
    }
}

/// How the SMTP connection is encrypted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain text (a relay on the same host or network only).
    None,
    /// Upgrade with STARTTLS, refusing to send if the server cannot.
    #[default]
    Starttls,
    /// TLS from the first byte (SMTPS).
    Tls,
}

/// Where a named target delivers.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum TargetConfig {
    /// Email to these recipients through the SMTP relay.
    Email { to: Vec<String> },
    /// A Slack-compatible incoming webhook; its URL is a credential.
    Chat { url: Secret },
    /// A PagerDuty service's Events API v2 integration.
    Pagerduty {
        routing_key: Secret,
        #[serde(default = "default_pagerduty_url")]
        url: String,
    },
}

fn default_pagerduty_url() -> String {
    PAGERDUTY_EVENTS_URL.to_owned()
}

impl TargetConfig {
    pub fn kind(&self) -> TargetKind {
        match self {
            Self::Email { .. } => TargetKind::Email,
            Self::Chat { .. } => TargetKind::Chat,
            Self::Pagerduty { .. } => TargetKind::Pagerduty,
        }
    }
}

/// The kind of a target, as named in the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetKind {
    Email,
    Chat,
    Pagerduty,
}

impl fmt::Display for TargetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Email => "email",
            Self::Chat => "chat",
            Self::Pagerduty => "pagerduty",
        })
    }
}

/// A credential from the configuration: serialized as is (the config file
/// holds it anyway) but never shown by `Debug`, so it stays out of logs.
#[derive(Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// Durations as text (`"10s"`, `"1m 30s"`), like the rest of the config.
mod duration_text {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let text = String::deserialize(d)?;
        humantime::parse_duration(&text).map_err(serde::de::Error::custom)
    }

    pub fn serialize<S: Serializer>(duration: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&humantime::format_duration(*duration).to_string())
    }
}
