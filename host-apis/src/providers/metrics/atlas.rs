//! Atlas graph API: `GET /api/v1/graph?q=Q&format=std.json&s=S&e=E&step=STEP`.
//!
//! `s` and `e` are epoch milliseconds (Atlas reads integers above 2^31 as
//! milliseconds), `step` an ISO-8601 duration (`PT60S`, `PT0.5S`). Without a
//! range the query covers the last 5 minutes at a 1-minute step, ending at
//! the host's clock. `std.json` is Atlas's `json` output with NaN and
//! infinities quoted, so the body is standard JSON; each column of `values`
//! becomes one series labelled with the tags in `metrics`, its samples at
//! `start + row * step`, NaN kept.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::endpoint::Endpoint;
use super::series::{QueryRange, Sample, Series, parse_value};
use crate::ApiError;
use crate::providers::remote_http;

/// What a query without a range covers.
pub const DEFAULT_WINDOW_MS: i64 = 5 * 60_000;
pub const DEFAULT_STEP_MS: u32 = 60_000;

pub(crate) async fn query(
    endpoint: &Endpoint<'_>,
    query: &str,
    range: Option<QueryRange>,
    now_ms: i64,
) -> Result<Vec<Series>, ApiError> {
    let range = range.unwrap_or(QueryRange {
        start_ms: now_ms - DEFAULT_WINDOW_MS,
        end_ms: now_ms,
        step_ms: DEFAULT_STEP_MS,
    });
    let url = endpoint.url("api/v1/graph");
    let params = [
        ("q", query.to_string()),
        ("format", "std.json".to_string()),
        ("s", range.start_ms.to_string()),
        ("e", range.end_ms.to_string()),
        ("step", iso_duration(range.step_ms)),
    ];
    let (status, body) = endpoint.get(url.clone(), &params).await?;
    if status == reqwest::StatusCode::BAD_REQUEST {
        return Err(ApiError::Invalid(format!(
            "metrics backend '{}' rejected the query: {}",
            endpoint.name,
            error_message(&body)
        )));
    }
    if !status.is_success() {
        return Err(endpoint.failed(&url, status, &body));
    }
    let graph: Graph = serde_json::from_slice(&body).map_err(|e| endpoint.malformed(&url, e))?;
    let columns = graph.metrics.len();
    endpoint
        .limits
        .check(endpoint.name, columns, columns * graph.values.len())?;
    graph.series().map_err(|why| endpoint.malformed(&url, why))
}

/// The `json`/`std.json` graph output.
#[derive(Deserialize)]
struct Graph {
    start: i64,
    step: i64,
    metrics: Vec<BTreeMap<String, String>>,
    /// One row per time step, one column per series.
    values: Vec<Vec<Number>>,
}

/// `std.json` quotes the values JSON numbers cannot express (`"NaN"`).
#[derive(Deserialize)]
#[serde(untagged)]
enum Number {
    Plain(f64),
    Quoted(String),
}

impl Graph {
    fn series(self) -> Result<Vec<Series>, String> {
        let mut series: Vec<Series> = self
            .metrics
            .into_iter()
            .map(|tags| Series {
                labels: tags.into_iter().collect(),
                samples: Vec::with_capacity(self.values.len()),
            })
            .collect();
        for (row, values) in self.values.into_iter().enumerate() {
            if values.len() != series.len() {
                return Err(format!(
                    "row {row} has {} values for {} series",
                    values.len(),
                    series.len()
                ));
            }
            // Saturating: the numbers come from the backend.
            let timestamp_ms = self
                .start
                .saturating_add((row as i64).saturating_mul(self.step));
            for (column, value) in values.into_iter().enumerate() {
                let value = match value {
                    Number::Plain(v) => v,
                    Number::Quoted(text) => {
                        parse_value(&text).ok_or_else(|| format!("not a sample value: {text:?}"))?
                    }
                };
                series[column].samples.push(Sample {
                    timestamp_ms,
                    value,
                });
            }
        }
        Ok(series)
    }
}

/// Atlas reports errors as `{"type":"error","message":"..."}`; older
/// versions and proxies as plain text.
fn error_message(body: &[u8]) -> String {
    #[derive(Deserialize)]
    struct Diagnostic {
        message: String,
    }
    match serde_json::from_slice::<Diagnostic>(body) {
        Ok(diagnostic) => diagnostic.message,
        Err(_) => remote_http::excerpt(body),
    }
}

/// `PT60S`, `PT0.5S`: the ISO-8601 form Atlas's step parameter accepts for
/// any number of milliseconds.
fn iso_duration(ms: u32) -> String {
    match ms % 1000 {
        0 => format!("PT{}S", ms / 1000),
        fraction => format!("PT{}.{fraction:03}S", ms / 1000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_must_have_a_value_per_series() {
        let graph: Graph = serde_json::from_str(
            r#"{"start":0,"step":60000,"metrics":[{"name":"a"},{"name":"b"}],
                "values":[[1.0,"NaN"],[2.0]]}"#,
        )
        .unwrap();
        assert_eq!(
            graph.series().unwrap_err(),
            "row 1 has 1 values for 2 series"
        );
    }

    #[test]
    fn steps_are_iso_durations() {
        assert_eq!(iso_duration(60_000), "PT60S");
        assert_eq!(iso_duration(500), "PT0.500S");
        assert_eq!(iso_duration(1_250), "PT1.250S");
    }
}
