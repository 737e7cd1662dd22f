//! An Atlas graph API peer: `GET /api/v1/graph?q=..&format=json|std.json`
//! answering canned series per `q`.
//!
//! Times follow Atlas: `s`/`e` as epoch integers (above 2^31 milliseconds,
//! else seconds; default `e` now, `s` three hours before), `step` as an
//! ISO-8601 duration (`PT60S`) or `<n>s|m|h` (default 1 minute). The rows
//! are the step boundaries `t` with `s < t <= e`, as Atlas lays them out;
//! row `i` of a canned series is its `values[i]`, NaN past the end. `json`
//! writes NaN bare (Atlas's non-standard JSON), `std.json` quoted. An
//! unknown `q` matches no data.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Map, Value, json};

use super::http_peer::{HttpPeer, RecordedRequest, lock};

/// One series: its tags and one value per step.
#[derive(Debug, Clone)]
pub struct AtlasSeries {
    pub tags: Vec<(String, String)>,
    pub values: Vec<f64>,
}

impl AtlasSeries {
    pub fn new(tags: &[(&str, &str)], values: &[f64]) -> Self {
        Self {
            tags: tags
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            values: values.to_vec(),
        }
    }
}

/// What the peer answers for one `q`.
#[derive(Debug, Clone)]
pub enum AtlasAnswer {
    Series(Vec<AtlasSeries>),
    /// Atlas's error: `{"type":"error","message":...}` with this status
    /// (400 for a bad expression).
    Error {
        status: u16,
        message: String,
    },
}

type Answers = Arc<Mutex<HashMap<String, AtlasAnswer>>>;

/// A running Atlas peer; stops when dropped.
pub struct AtlasPeer {
    server: HttpPeer,
    answers: Answers,
}

impl AtlasPeer {
    pub fn start() -> Self {
        let answers: Answers = Arc::new(Mutex::new(HashMap::new()));
        let router = Router::new()
            .route("/api/v1/graph", get(graph))
            .with_state(answers.clone());
        Self {
            server: HttpPeer::start(router),
            answers,
        }
    }

    /// The base URL to configure a backend with.
    pub fn url(&self) -> String {
        self.server.base_url()
    }

    /// Answers `q` with `answer` from now on.
    pub fn set(&self, q: &str, answer: AtlasAnswer) {
        lock(&self.answers).insert(q.to_string(), answer);
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.server.requests()
    }
}

async fn graph(
    State(answers): State<Answers>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let Some(q) = params.get("q") else {
        return error(
            400,
            "IllegalArgumentException: missing required parameter 'q'",
        );
    };
    let quote_non_finite = match params.get("format").map(String::as_str) {
        Some("std.json") => true,
        Some("json") => false,
        other => {
            return error(
                400,
                &format!("IllegalArgumentException: unsupported format {other:?}"),
            );
        }
    };
    let step = match params.get("step").map(|s| parse_duration(s)) {
        None => 60_000,
        Some(Some(step)) if step > 0 => step,
        Some(_) => return error(400, "IllegalArgumentException: invalid period"),
    };
    let end = match params.get("e").map(|e| parse_date(e)) {
        None => now_ms(),
        Some(Some(e)) => e,
        Some(None) => return error(400, "IllegalArgumentException: invalid date"),
    };
    let start = match params.get("s").map(|s| parse_date(s)) {
        None => end - 3 * 3_600_000,
        Some(Some(s)) => s,
        Some(None) => return error(400, "IllegalArgumentException: invalid date"),
    };
    if end < start {
        return error(
            400,
            "IllegalArgumentException: end time is before start time",
        );
    }
    let first = start.div_euclid(step) * step + step;
    let last = end.div_euclid(step) * step;
    let rows = if last >= first {
        (last - first) / step + 1
    } else {
        0
    } as usize;

    let answer = lock(&answers).get(q).cloned();
    let series = match answer.unwrap_or(AtlasAnswer::Series(Vec::new())) {
        AtlasAnswer::Series(series) => series,
        AtlasAnswer::Error { status, message } => return error(status, &message),
    };
    let metrics: Vec<Value> = series
        .iter()
        .map(|s| {
            let tags: Map<String, Value> = s
                .tags
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect();
            Value::Object(tags)
        })
        .collect();
    let legend: Vec<String> = series
        .iter()
        .map(|s| {
            s.tags
                .iter()
                .find(|(k, _)| k == "name")
                .map_or_else(|| q.clone(), |(_, v)| v.clone())
        })
        .collect();
    let values: Vec<String> = (0..rows)
        .map(|row| {
            let cells: Vec<String> = series
                .iter()
                .map(|s| {
                    number(
                        s.values.get(row).copied().unwrap_or(f64::NAN),
                        quote_non_finite,
                    )
                })
                .collect();
            format!("[{}]", cells.join(","))
        })
        .collect();
    // Written by hand: serde_json cannot write the bare NaN of `json`.
    let body = format!(
        r#"{{"start":{first},"step":{step},"legend":{},"metrics":{},"values":[{}],"notices":[]}}"#,
        Value::from(legend),
        Value::from(metrics),
        values.join(",")
    );
    let content_type = if quote_non_finite {
        "application/json"
    } else {
        "application/x-atlas-json"
    };
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

fn number(value: f64, quote_non_finite: bool) -> String {
    let text = if value.is_nan() {
        "NaN".to_string()
    } else if value.is_infinite() {
        if value > 0.0 { "Infinity" } else { "-Infinity" }.to_string()
    } else {
        return format!("{value:?}");
    };
    if quote_non_finite {
        format!("\"{text}\"")
    } else {
        text
    }
}

fn error(status: u16, message: &str) -> Response {
    (
        StatusCode::from_u16(status).expect("a valid status code"),
        axum::Json(json!({"type": "error", "message": message})),
    )
        .into_response()
}

/// Atlas's epoch integers: above `i32::MAX` milliseconds, else seconds.
fn parse_date(text: &str) -> Option<i64> {
    let value: i64 = text.parse().ok()?;
    Some(if value > i64::from(i32::MAX) {
        value
    } else {
        value * 1000
    })
}

/// `PT60S`, `PT0.500S`, `PT5M`, or `<n>s|m|h`, in milliseconds.
fn parse_duration(text: &str) -> Option<i64> {
    let unit_ms = |unit: &str| match unit {
        "s" | "S" => Some(1_000.0),
        "m" | "M" => Some(60_000.0),
        "h" | "H" => Some(3_600_000.0),
        _ => None,
    };
    let (number, unit) = match text.strip_prefix("PT") {
        Some(iso) => iso.split_at(iso.len().checked_sub(1)?),
        None => {
            let split = text.find(|c: char| !c.is_ascii_digit())?;
            text.split_at(split)
        }
    };
    let number: f64 = number.parse().ok()?;
    Some((number * unit_ms(unit)?).round() as i64)
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
