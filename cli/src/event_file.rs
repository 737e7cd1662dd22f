//! Event files for `wolfe run --event`.
//!
//! A file holds one event `{"source", "kind", "payload"}` (optionally `id`
//! and `received_at`) or an array of them, as in the examples' `events/`.

use std::path::Path;

use anyhow::{Context as _, bail};
use serde::Deserialize;
use wolfe_engine::EventInput;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EventFile {
    id: Option<String>,
    #[serde(default = "manual")]
    source: String,
    #[serde(default = "manual")]
    kind: String,
    received_at: Option<String>,
    payload: serde_json::Value,
}

fn manual() -> String {
    "manual".into()
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    Many(Vec<serde_json::Value>),
    One(serde_json::Value),
}

/// Reads the events of one file; `now` fills in missing timestamps.
pub fn load(path: &Path, now: &str) -> anyhow::Result<Vec<EventInput>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read event file {}", path.display()))?;
    let parsed: OneOrMany = serde_json::from_str(&text)
        .with_context(|| format!("event file {} is not valid JSON", path.display()))?;
    let values = match parsed {
        OneOrMany::Many(values) => values,
        OneOrMany::One(value) => vec![value],
    };
    if values.is_empty() {
        bail!("event file {} holds no events", path.display());
    }
    values
        .into_iter()
        .enumerate()
        .map(|(index, value)| {
            let event: EventFile = serde_json::from_value(value).with_context(|| {
                format!(
                    "event file {} (event {index}): expected {{\"source\", \"kind\", \"payload\"}}",
                    path.display()
                )
            })?;
            let stem = path.file_stem().unwrap_or_default().to_string_lossy();
            Ok(EventInput {
                id: event.id.unwrap_or_else(|| format!("{stem}-{index}")),
                source: event.source,
                kind: event.kind,
                received_at: event.received_at.unwrap_or_else(|| now.to_owned()),
                payload: event.payload,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(contents: &str) -> tempfile::NamedTempFile {
        let file = tempfile::Builder::new().suffix(".json").tempfile().unwrap();
        std::fs::write(file.path(), contents).unwrap();
        file
    }

    #[test]
    fn one_event_gets_defaults_filled_in() {
        let f = file(r#"{"source": "atlas", "kind": "alert.firing", "payload": {"broker": 3}}"#);
        let events = load(f.path(), "2026-11-26T00:00:00Z").unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].source, "atlas");
        assert_eq!(events[0].received_at, "2026-11-26T00:00:00Z");
        assert_eq!(events[0].payload["broker"], 3);
        assert!(events[0].id.ends_with("-0"));
    }

    #[test]
    fn errors_name_the_file_and_the_problem() {
        let error = load(Path::new("/nonexistent/e.json"), "t").unwrap_err();
        assert!(format!("{error:#}").contains("cannot read event file /nonexistent/e.json"));
        let f = file("{not json");
        assert!(format!("{:#}", load(f.path(), "t").unwrap_err()).contains("is not valid JSON"));
        let f = file(r#"{"source": "x", "payload": {}, "typo": 1}"#);
        let error = format!("{:#}", load(f.path(), "t").unwrap_err());
        assert!(error.contains("unknown field `typo`"), "{error}");
        let f = file("[]");
        assert!(format!("{:#}", load(f.path(), "t").unwrap_err()).contains("holds no events"));
    }
}
