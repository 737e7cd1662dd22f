//! Example Rust runbook: a node's disk is filling up (Prometheus Alertmanager
//! `NodeDiskPressure`). Clean up when it is safe and likely to help, expand
//! the volume when cleanup cannot catch up, and page a human only when the
//! disk will be full before either can help.

use serde::{Deserialize, Serialize};
use wolfe_sdk::{Context, Event, Failure, log};

/// The fields of one Alertmanager alert this runbook reads.
#[derive(Deserialize)]
struct Alert {
    status: String,
    labels: Labels,
    annotations: Annotations,
}

#[derive(Deserialize)]
struct Labels {
    instance: String,
    mountpoint: String,
}

#[derive(Deserialize)]
struct Annotations {
    /// Percentage of the filesystem in use, e.g. "91.5".
    used_percent: String,
    /// Growth in percentage points per hour over the last hour.
    #[serde(default)]
    growth_per_hour: Option<String>,
}

#[derive(Serialize, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
enum Action {
    None,
    CleanTmp,
    ExpandVolume,
    PageOncall,
}

#[derive(Serialize)]
struct Decision {
    action: Action,
    reason: String,
    instance: String,
    mountpoint: String,
    used_percent: f64,
    hours_until_full: Option<f64>,
}

fn handle(ctx: &Context, events: &[Event]) -> Result<Vec<Decision>, Failure> {
    let cleanup_above: f64 = ctx.param("cleanup_above_percent")?.unwrap_or(85.0);
    let page_within_hours: f64 = ctx.param("page_within_hours")?.unwrap_or(2.0);
    events
        .iter()
        .map(|event| decide(&event.payload_as()?, cleanup_above, page_within_hours))
        .collect()
}

fn decide(alert: &Alert, cleanup_above: f64, page_within_hours: f64) -> Result<Decision, Failure> {
    let used: f64 = parse_percent("used_percent", &alert.annotations.used_percent)?;
    let growth = match &alert.annotations.growth_per_hour {
        Some(text) => Some(parse_percent("growth_per_hour", text)?),
        None => None,
    };
    let hours_until_full = growth.filter(|g| *g > 0.0).map(|g| (100.0 - used) / g);
    log::info(
        "disk pressure",
        &[
            ("instance", alert.labels.instance.as_str().into()),
            ("used_percent", used.into()),
            ("hours_until_full", hours_until_full.into()),
        ],
    );
    let (action, reason) = if alert.status == "resolved" {
        (Action::None, "alert resolved".to_owned())
    } else if hours_until_full.is_some_and(|h| h < page_within_hours) {
        let hours = hours_until_full.unwrap_or_default();
        (
            Action::PageOncall,
            format!("full in {hours:.1} h, faster than any automatic fix"),
        )
    } else if used >= cleanup_above && growth.is_some_and(|g| g > 5.0) {
        (
            Action::ExpandVolume,
            "growing too fast for cleanup to keep up".to_owned(),
        )
    } else if used >= cleanup_above {
        (
            Action::CleanTmp,
            format!("{used:.1}% used, above {cleanup_above:.0}%"),
        )
    } else {
        (
            Action::None,
            format!("{used:.1}% used, below {cleanup_above:.0}%: false positive"),
        )
    };
    Ok(Decision {
        action,
        reason,
        instance: alert.labels.instance.clone(),
        mountpoint: alert.labels.mountpoint.clone(),
        used_percent: used,
        hours_until_full,
    })
}

fn parse_percent(name: &str, text: &str) -> Result<f64, Failure> {
    text.trim_end_matches('%')
        .parse()
        .map_err(|_| Failure::new(format!("annotation {name} is not a number: {text:?}")))
}

wolfe_sdk::runbook!(handle);

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(status: &str, used: &str, growth: Option<&str>) -> Alert {
        Alert {
            status: status.into(),
            labels: Labels {
                instance: "db-7".into(),
                mountpoint: "/var".into(),
            },
            annotations: Annotations {
                used_percent: used.into(),
                growth_per_hour: growth.map(Into::into),
            },
        }
    }

    #[test]
    fn decisions_follow_usage_and_growth() {
        let decide = |a: &Alert| decide(a, 85.0, 2.0).unwrap().action;
        assert_eq!(decide(&alert("firing", "70", None)), Action::None);
        assert_eq!(decide(&alert("firing", "90", Some("1"))), Action::CleanTmp);
        assert_eq!(
            decide(&alert("firing", "90", Some("6"))),
            Action::PageOncall
        );
        assert_eq!(
            decide(&alert("firing", "86", Some("6"))),
            Action::ExpandVolume
        );
        assert_eq!(decide(&alert("resolved", "99", Some("50"))), Action::None);
    }

    #[test]
    fn a_non_numeric_annotation_is_a_failure_naming_it() {
        let error = decide(&alert("firing", "lots", None), 85.0, 2.0)
            .err()
            .unwrap();
        assert!(error.message.contains("used_percent"));
    }
}
