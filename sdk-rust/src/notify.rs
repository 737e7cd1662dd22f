//! Telling people: email, chat and paging. Targets are names configured by
//! the platform team and granted per runbook.
//!
//! ```ignore
//! use wolfe_sdk::notify::{self, Page, Severity};
//!
//! notify::chat("streaming-alerts", "restarted broker 3")?;
//! let paged = Page::new("broker 3 offline after 2 restarts", "kafka-events-3")
//!     .severity(Severity::Critical)
//!     .details(serde_json::json!({ "cluster": "events" }))
//!     .trigger("streaming-oncall")?;
//! // ... later
//! notify::resolve("streaming-oncall", &paged.dedup_key)?;
//! ```
//!
//! In dry-run mode nothing is sent: receipts say `simulated`.

use serde::{Deserialize, Serialize};

use crate::bindings::wolfe::runbook::notify as wit;
use crate::error::call;
use crate::{Effect, HostError};

pub use wit::Severity;

pub fn email(target: &str, subject: &str, body: &str) -> Result<Effect, HostError> {
    call(|| wit::email(target, subject, body)).map(Effect::from)
}

pub fn chat(target: &str, text: &str) -> Result<Effect, HostError> {
    call(|| wit::chat(target, text)).map(Effect::from)
}

/// A page to [`trigger`](Page::trigger).
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub summary: String,
    pub severity: Severity,
    /// The affected system, e.g. a host or cluster name.
    pub source: String,
    /// `None`: the host derives one (returned in [`Paged`]).
    pub dedup_key: Option<String>,
    pub details: Option<serde_json::Value>,
}

impl Page {
    /// A page of severity [`Severity::Error`].
    pub fn new(summary: impl Into<String>, source: impl Into<String>) -> Self {
        Self {
            summary: summary.into(),
            severity: Severity::Error,
            source: source.into(),
            dedup_key: None,
            details: None,
        }
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn dedup_key(mut self, key: impl Into<String>) -> Self {
        self.dedup_key = Some(key.into());
        self
    }

    pub fn details(mut self, details: serde_json::Value) -> Self {
        self.details = Some(details);
        self
    }

    pub fn trigger(self, target: &str) -> Result<Paged, HostError> {
        page(target, self)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paged {
    /// Resolve the incident with this key.
    pub dedup_key: String,
    pub simulated: bool,
}

/// Triggers `page` on `target`.
pub fn page(target: &str, page: Page) -> Result<Paged, HostError> {
    let page = wit::Page {
        summary: page.summary,
        severity: page.severity,
        source: page.source,
        dedup_key: page.dedup_key,
        details_json: page.details.map(|d| d.to_string()),
    };
    let paged = call(|| wit::page_trigger(target, &page))?;
    Ok(Paged {
        dedup_key: paged.dedup_key,
        simulated: paged.simulated,
    })
}

/// Resolves the page [`page`] returned `dedup_key` for.
pub fn resolve(target: &str, dedup_key: &str) -> Result<Effect, HostError> {
    call(|| wit::page_resolve(target, dedup_key)).map(Effect::from)
}
