//! The notice the engine sends when an execution ends in anything but
//! success, rendered for each kind of target.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::pagerduty::{Page, Severity};

/// Error text beyond this is cut: a traceback's head says what happened,
/// and PagerDuty caps the whole event at 512 KB.
const MAX_ERROR_CHARS: usize = 8 * 1024;
/// PagerDuty's limit for a summary.
const MAX_SUMMARY_CHARS: usize = 1024;

/// One execution that did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailureNotice {
    pub runbook: String,
    pub team: String,
    pub environment: String,
    pub execution_id: String,
    /// How it ended, e.g. `failed`, `timed_out`, `crashed`.
    pub outcome: String,
    /// The runbook's failure message or the trap, when there is one.
    pub error: Option<String>,
    /// Where to see the execution.
    pub link: String,
}

impl FailureNotice {
    /// `kafka-broker-offline failed in prod`, or `... failed (timed out) in
    /// prod` when a quota or trap ended it.
    pub fn headline(&self) -> String {
        format!("{} {}", self.runbook, self.ending())
    }

    fn ending(&self) -> String {
        match self.outcome.as_str() {
            "failed" => format!("failed in {}", self.environment),
            other => format!(
                "failed ({}) in {}",
                other.replace('_', " "),
                self.environment
            ),
        }
    }

    /// The email subject: `[wolfe] kafka-broker-offline failed in prod`.
    pub fn subject(&self) -> String {
        one_line(&format!("[wolfe] {}", self.headline()))
    }

    /// The plain-text email body.
    pub fn body(&self) -> String {
        let mut body = format!(
            "Runbook {} of team {} {}.\n\nOutcome:   {}\nExecution: {}\n",
            self.runbook,
            self.team,
            self.ending(),
            self.outcome,
            self.execution_id,
        );
        if let Some(error) = self.error() {
            body.push_str(&format!("\nError:\n{error}\n"));
        }
        body.push_str(&format!("\nDetails: {}\n", self.link));
        body
    }

    /// The chat message.
    pub fn chat_text(&self) -> String {
        let mut text = format!("[wolfe] {} (team {})", self.headline(), self.team);
        if let Some(error) = self.error() {
            text.push_str(&format!(": {error}"));
        }
        text.push_str(&format!("\nExecution {}: {}", self.execution_id, self.link));
        text
    }

    /// One alert per execution, so retries of the notice update it.
    pub fn dedup_key(&self) -> String {
        format!("wolfe-{}", self.execution_id)
    }

    /// The PagerDuty alert.
    pub fn page(&self) -> Page {
        let mut summary = self.headline();
        if let Some(error) = self.error() {
            summary.push_str(&format!(": {error}"));
        }
        Page {
            summary: truncate(&one_line(&summary), MAX_SUMMARY_CHARS),
            severity: Severity::Error,
            source: format!("wolfe/{}/{}", self.environment, self.runbook),
            dedup_key: Some(self.dedup_key()),
            details: Some(json!({
                "runbook": self.runbook,
                "team": self.team,
                "environment": self.environment,
                "execution_id": self.execution_id,
                "outcome": self.outcome,
                "error": self.error(),
                "link": self.link,
            })),
        }
    }

    fn error(&self) -> Option<String> {
        self.error
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(|e| truncate(e, MAX_ERROR_CHARS))
    }
}

/// Line breaks as spaces, for subjects and summaries.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// At most `max_chars` characters, the last one an ellipsis when cut.
fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let cut = text
        .char_indices()
        .nth(max_chars.saturating_sub(1))
        .map_or(text.len(), |(i, _)| i);
    format!("{}…", &text[..cut])
}
