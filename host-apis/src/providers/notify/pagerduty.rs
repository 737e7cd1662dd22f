//! PagerDuty Events API v2 (`POST /v2/enqueue`): trigger and resolve alerts.
//!
//! The API answers 202 `{"status":"success","message":"Event processed",
//! "dedup_key":"..."}`, 400 `{"status":"invalid event","message":...,
//! "errors":[...]}` for an event it rejects, 429 when rate limited and 5xx
//! when it fails; the last two are worth retrying, the first is not.

use std::time::Duration;

use reqwest::{StatusCode, Url};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::http::{excerpt, post_json};
use crate::ApiError;

/// The API's limits on the fields Wolfe sends.
const MAX_SUMMARY_CHARS: usize = 1024;
const MAX_DEDUP_KEY_CHARS: usize = 255;

/// How bad it is, as PagerDuty names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Critical,
    Error,
    Warning,
    Info,
}

/// An alert to trigger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page {
    /// One line shown in the alert (at most 1024 characters).
    pub summary: String,
    pub severity: Severity,
    /// The affected system, e.g. a host or cluster name.
    pub source: String,
    /// Groups triggers into one alert and names it for resolving; when
    /// absent PagerDuty assigns one, returned in [`Paged`].
    pub dedup_key: Option<String>,
    /// Shown with the alert as `custom_details`.
    pub details: Option<Value>,
}

/// A triggered (or updated) alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paged {
    /// Resolve the alert with this key.
    pub dedup_key: String,
}

/// Extra fields of a trigger that only Wolfe itself sets.
#[derive(Default)]
pub(crate) struct TriggerExtras {
    /// A link shown with the alert (the execution's page).
    pub link: Option<(String, String)>,
}

/// One configured PagerDuty integration.
pub(crate) struct Integration<'a> {
    pub client: &'a reqwest::Client,
    pub timeout: Duration,
    pub target: &'a str,
    pub url: &'a Url,
    pub routing_key: &'a str,
}

impl Integration<'_> {
    pub(crate) async fn trigger(
        &self,
        page: &Page,
        extras: TriggerExtras,
    ) -> Result<Paged, ApiError> {
        self.check_page(page)?;
        let mut payload = Map::new();
        payload.insert("summary".into(), json!(page.summary));
        payload.insert("source".into(), json!(page.source));
        payload.insert("severity".into(), json!(page.severity));
        if let Some(details) = &page.details {
            payload.insert("custom_details".into(), details.clone());
        }
        let mut event = Map::new();
        event.insert("routing_key".into(), json!(self.routing_key));
        event.insert("event_action".into(), json!("trigger"));
        if let Some(key) = &page.dedup_key {
            event.insert("dedup_key".into(), json!(key));
        }
        event.insert("payload".into(), Value::Object(payload));
        event.insert("client".into(), json!("Wolfe"));
        if let Some((href, text)) = extras.link {
            event.insert("client_url".into(), json!(href));
            event.insert("links".into(), json!([{ "href": href, "text": text }]));
        }
        let accepted = self.send("trigger", &Value::Object(event)).await?;
        let dedup_key = accepted
            .dedup_key
            .or_else(|| page.dedup_key.clone())
            .ok_or_else(|| {
                ApiError::Unavailable(format!(
                    "{}: PagerDuty accepted the trigger but returned no dedup_key",
                    self.what()
                ))
            })?;
        Ok(Paged { dedup_key })
    }

    /// Resolves the alert `dedup_key`; returns PagerDuty's message.
    pub(crate) async fn resolve(&self, dedup_key: &str) -> Result<String, ApiError> {
        if dedup_key.is_empty() {
            return Err(ApiError::Invalid(format!(
                "{}: resolving needs a dedup_key",
                self.what()
            )));
        }
        self.check_dedup_key(dedup_key)?;
        let event = json!({
            "routing_key": self.routing_key,
            "event_action": "resolve",
            "dedup_key": dedup_key,
        });
        Ok(self.send("resolve", &event).await?.message)
    }

    fn what(&self) -> String {
        format!("pagerduty target `{}`", self.target)
    }

    fn check_page(&self, page: &Page) -> Result<(), ApiError> {
        let invalid = |why: String| Err(ApiError::Invalid(format!("{}: {why}", self.what())));
        if page.summary.trim().is_empty() {
            return invalid("the summary is empty".into());
        }
        let chars = page.summary.chars().count();
        if chars > MAX_SUMMARY_CHARS {
            return invalid(format!(
                "the summary has {chars} characters, more than PagerDuty's {MAX_SUMMARY_CHARS}"
            ));
        }
        if page.source.trim().is_empty() {
            return invalid("the source is empty".into());
        }
        match &page.dedup_key {
            Some(key) if key.is_empty() => invalid("the dedup_key is empty".into()),
            Some(key) => self.check_dedup_key(key),
            None => Ok(()),
        }
    }

    fn check_dedup_key(&self, key: &str) -> Result<(), ApiError> {
        let chars = key.chars().count();
        if chars > MAX_DEDUP_KEY_CHARS {
            return Err(ApiError::Invalid(format!(
                "{}: the dedup_key has {chars} characters, more than PagerDuty's {MAX_DEDUP_KEY_CHARS}",
                self.what()
            )));
        }
        Ok(())
    }

    async fn send(&self, action: &str, event: &Value) -> Result<Accepted, ApiError> {
        let what = format!("{} ({action})", self.what());
        let answer = post_json(self.client, self.timeout, &what, self.url, event).await?;
        match answer.status {
            status if status.is_success() => serde_json::from_str(&answer.body).map_err(|e| {
                ApiError::Unavailable(format!(
                    "{what}: PagerDuty answered HTTP {} with an unexpected body ({e}): {}",
                    status.as_u16(),
                    excerpt(&answer.body, 200)
                ))
            }),
            StatusCode::BAD_REQUEST => Err(ApiError::Invalid(format!(
                "{what}: PagerDuty rejected the event: {}",
                rejection(&answer.body)
            ))),
            StatusCode::TOO_MANY_REQUESTS => Err(ApiError::Unavailable(format!(
                "{what}: PagerDuty is rate limiting (HTTP 429); retry later"
            ))),
            status => Err(ApiError::Unavailable(format!(
                "{what}: PagerDuty answered HTTP {}: {}",
                status.as_u16(),
                excerpt(&answer.body, 200)
            ))),
        }
    }
}

/// A 2xx answer.
#[derive(Deserialize)]
struct Accepted {
    #[serde(default)]
    message: String,
    dedup_key: Option<String>,
}

/// A 400 answer.
#[derive(Deserialize)]
struct Rejected {
    #[serde(default)]
    message: String,
    #[serde(default)]
    errors: Vec<String>,
}

/// "Event object is invalid: 'payload.summary' is missing" from a 400 body.
fn rejection(body: &str) -> String {
    match serde_json::from_str::<Rejected>(body) {
        Ok(rejected) if rejected.errors.is_empty() => rejected.message,
        Ok(rejected) => format!("{}: {}", rejected.message, rejected.errors.join("; ")),
        Err(_) => excerpt(body, 200),
    }
}
