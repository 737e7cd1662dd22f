//! Prometheus Alertmanager webhook payload, version 4.
//!
//! Alertmanager posts one notification per alert group:
//!
//! ```json
//! {
//!   "version": "4",
//!   "groupKey": "{}/{severity=\"page\"}:{alertname=\"HighErrorRate\"}",
//!   "truncatedAlerts": 0,
//!   "status": "firing",
//!   "receiver": "wolfe",
//!   "groupLabels": {"alertname": "HighErrorRate"},
//!   "commonLabels": {"alertname": "HighErrorRate", "severity": "page"},
//!   "commonAnnotations": {},
//!   "externalURL": "http://alertmanager.example.net:9093",
//!   "alerts": [{
//!     "status": "firing",
//!     "labels": {"alertname": "HighErrorRate", "service": "checkout", "severity": "page"},
//!     "annotations": {"summary": "checkout is failing 8.4% of requests"},
//!     "startsAt": "2024-05-01T11:40:00.000Z",
//!     "endsAt": "0001-01-01T00:00:00Z",
//!     "generatorURL": "http://prometheus.example.net:9090/graph?g0.expr=...",
//!     "fingerprint": "5b1e7c2d9a3f4e60"
//!   }]
//! }
//! ```
//!
//! Every alert becomes one event of kind `alert.firing` or `alert.resolved`
//! whose payload holds the alert's `status`, `labels`, `annotations`,
//! `startsAt`, `endsAt`, `generatorURL` and `fingerprint`, plus the group's
//! `receiver`, `groupKey`, `groupLabels`, `externalURL` and
//! `truncatedAlerts` (so a runbook can tell it saw only part of a group).
//! Timestamps are normalized to UTC; Go's zero time in `endsAt` ("no known
//! end") becomes `null`.
//!
//! The dedupe key is `fingerprint:status:startsAt`: Alertmanager re-sends a
//! group on every `repeat_interval` and from every HA replica, and those
//! copies collapse, while a re-fire after resolving has a new `startsAt` and
//! does not.
//!
//! Required: `version` ("4"), `alerts`, and per alert `status`, `labels`,
//! `startsAt` and `fingerprint`. The rest is optional but type-checked.

use serde_json::{Map, Value, json};

use crate::config::SourceConfig;
use crate::error::IngestError;
use crate::event::NormalizedEvent;
use crate::fields::{Fields, describe, short_quote};
use crate::timestamp;

/// What every alert of a notification shares.
struct Group<'a> {
    receiver: Option<&'a str>,
    group_key: Option<&'a str>,
    group_labels: Map<String, Value>,
    external_url: Option<&'a str>,
    truncated_alerts: u64,
}

pub(crate) fn normalize(
    config: &SourceConfig,
    body: Value,
) -> Result<Vec<NormalizedEvent>, IngestError> {
    let fields = Fields::of(&body, None)?;
    check_version(&fields)?;
    let alerts = match fields.required("alerts")? {
        Value::Array(alerts) => alerts,
        other => return Err(fields.wrong_type("alerts", "an array", other)),
    };
    if let Some(status) = fields.optional_str("status")? {
        check_status(status).map_err(|problem| IngestError::at("status", problem))?;
    }
    let group = Group {
        receiver: fields.optional_str("receiver")?,
        group_key: fields.optional_str("groupKey")?,
        group_labels: fields.string_map("groupLabels", false)?,
        external_url: fields.optional_str("externalURL")?,
        truncated_alerts: truncated_alerts(&fields)?,
    };
    alerts
        .iter()
        .enumerate()
        .map(|(index, alert)| event(config, &group, alert, &format!("alerts[{index}]")))
        .collect()
}

/// Alertmanager sends the string `"4"`; the number 4 means the same.
fn check_version(fields: &Fields<'_>) -> Result<(), IngestError> {
    let version = fields.get("version");
    if matches!(version, Some(Value::String(v)) if v == "4")
        || matches!(version, Some(Value::Number(n)) if n.as_u64() == Some(4))
    {
        return Ok(());
    }
    let got = match version {
        None => "nothing".to_owned(),
        Some(Value::String(v)) => short_quote(v),
        Some(Value::Number(n)) => n.to_string(),
        Some(other) => describe(other).to_owned(),
    };
    Err(IngestError::at(
        "version",
        format!("expected Alertmanager webhook version 4, got {got}"),
    ))
}

fn truncated_alerts(fields: &Fields<'_>) -> Result<u64, IngestError> {
    match fields.get("truncatedAlerts") {
        None => Ok(0),
        Some(Value::Number(n)) if n.as_u64().is_some() => Ok(n.as_u64().unwrap_or_default()),
        Some(Value::Number(n)) => Err(IngestError::at(
            "truncatedAlerts",
            format!("expected a non-negative integer, got {n}"),
        )),
        Some(other) => Err(fields.wrong_type("truncatedAlerts", "a non-negative integer", other)),
    }
}

fn check_status(status: &str) -> Result<(), String> {
    match status {
        "firing" | "resolved" => Ok(()),
        other => Err(format!(
            "expected \"firing\" or \"resolved\", got {}",
            short_quote(other)
        )),
    }
}

fn event(
    config: &SourceConfig,
    group: &Group<'_>,
    alert: &Value,
    location: &str,
) -> Result<NormalizedEvent, IngestError> {
    let fields = Fields::of(alert, Some(location))?;
    let status = fields.required_str("status")?;
    check_status(status)
        .map_err(|problem| IngestError::at(fields.location_of("status"), problem))?;
    let labels = fields.string_map("labels", true)?;
    let annotations = fields.string_map("annotations", false)?;
    let starts_at = time_field(&fields, "startsAt")?.ok_or_else(|| fields.missing("startsAt"))?;
    let ends_at = time_field(&fields, "endsAt")?.filter(|t| !timestamp::is_go_zero(*t));
    let generator_url = fields.optional_str("generatorURL")?;
    let fingerprint = fields.required_str("fingerprint")?;

    let starts_at = timestamp::format(starts_at);
    let dedupe_key = format!("{fingerprint}:{status}:{starts_at}");
    let payload = json!({
        "status": status,
        "labels": labels,
        "annotations": annotations,
        "startsAt": starts_at,
        "endsAt": ends_at.map(timestamp::format),
        "generatorURL": generator_url,
        "fingerprint": fingerprint,
        "receiver": group.receiver,
        "groupKey": group.group_key,
        "groupLabels": group.group_labels,
        "externalURL": group.external_url,
        "truncatedAlerts": group.truncated_alerts,
    });
    Ok(NormalizedEvent {
        source: config.name.clone(),
        kind: format!("alert.{status}"),
        dedupe_key: Some(dedupe_key),
        payload,
    })
}

fn time_field(
    fields: &Fields<'_>,
    key: &str,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, IngestError> {
    let Some(text) = fields.optional_str(key)? else {
        return Ok(None);
    };
    timestamp::parse_rfc3339(text).map(Some).ok_or_else(|| {
        IngestError::at(
            fields.location_of(key),
            format!("not an RFC 3339 timestamp: {}", short_quote(text)),
        )
    })
}
