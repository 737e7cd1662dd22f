//! Prometheus HTTP API: `GET /api/v1/query?query=Q&time=T` for the latest
//! values, `GET /api/v1/query_range?query=Q&start=S&end=E&step=STEP` for a
//! range. Times and the step are sent as seconds with millisecond decimals
//! (`1700000000.5`); `time` is the host's clock when no range is given.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::endpoint::Endpoint;
use super::series::{QueryRange, Sample, Series, parse_value};
use crate::ApiError;

/// The synthetic label that carries the text of a `string` result (PromQL
/// string literals): reserved `__` prefix, so it cannot clash with a real one.
pub const STRING_RESULT_LABEL: &str = "__string__";

pub(crate) async fn query(
    endpoint: &Endpoint<'_>,
    query: &str,
    range: Option<QueryRange>,
    now_ms: i64,
) -> Result<Vec<Series>, ApiError> {
    let (url, params) = match range {
        None => (
            endpoint.url("api/v1/query"),
            vec![("query", query.to_string()), ("time", seconds(now_ms))],
        ),
        Some(range) => (
            endpoint.url("api/v1/query_range"),
            vec![
                ("query", query.to_string()),
                ("start", seconds(range.start_ms)),
                ("end", seconds(range.end_ms)),
                ("step", seconds(i64::from(range.step_ms))),
            ],
        ),
    };
    let (status, body) = endpoint.get(url.clone(), &params).await?;
    // Prometheus answers errors with a JSON body too (400 bad_data, 422
    // execution, 503 timeout); anything else is a proxy or a broken server.
    let Ok(response) = serde_json::from_slice::<Response>(&body) else {
        return Err(if status.is_success() {
            endpoint.malformed(&url, "not a Prometheus API response")
        } else {
            endpoint.failed(&url, status, &body)
        });
    };
    if response.status != "success" {
        let message = response.error.unwrap_or_default();
        let error_type = response.error_type.unwrap_or_default();
        return Err(if error_type == "bad_data" {
            ApiError::Invalid(format!(
                "metrics backend '{}' rejected the query: {message}",
                endpoint.name
            ))
        } else {
            ApiError::Unavailable(format!(
                "{}: HTTP {status}: {error_type}: {message}",
                endpoint.describe(&url)
            ))
        });
    }
    let data = response
        .data
        .ok_or_else(|| endpoint.malformed(&url, "no data"))?;
    let series = series(data).map_err(|why| endpoint.malformed(&url, why))?;
    let samples = series.iter().map(|s| s.samples.len()).sum();
    endpoint
        .limits
        .check(endpoint.name, series.len(), samples)?;
    Ok(series)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Response {
    status: String,
    data: Option<Data>,
    error_type: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Data {
    result_type: String,
    result: Value,
}

#[derive(Deserialize)]
struct InstantSeries {
    metric: BTreeMap<String, String>,
    value: (f64, String),
}

#[derive(Deserialize)]
struct RangeSeries {
    metric: BTreeMap<String, String>,
    /// Absent for a series of native histograms only (not supported: such a
    /// series comes back without samples).
    #[serde(default)]
    values: Vec<(f64, String)>,
}

/// The result of each documented type as series: a vector gives one sample
/// per series, a matrix many, a scalar one unlabelled series, a string one
/// series labelled [`STRING_RESULT_LABEL`] whose value is NaN unless the
/// text is a number.
fn series(data: Data) -> Result<Vec<Series>, String> {
    let Data {
        result_type,
        result,
    } = data;
    let why = |e: serde_json::Error| format!("{result_type} result: {e}");
    match result_type.as_str() {
        "vector" => {
            let result: Vec<InstantSeries> = serde_json::from_value(result).map_err(why)?;
            result
                .into_iter()
                .map(|s| {
                    Ok(Series {
                        labels: s.metric.into_iter().collect(),
                        samples: vec![sample(s.value)?],
                    })
                })
                .collect()
        }
        "matrix" => {
            let result: Vec<RangeSeries> = serde_json::from_value(result).map_err(why)?;
            result
                .into_iter()
                .map(|s| {
                    Ok(Series {
                        labels: s.metric.into_iter().collect(),
                        samples: s.values.into_iter().map(sample).collect::<Result<_, _>>()?,
                    })
                })
                .collect()
        }
        "scalar" => {
            let value: (f64, String) = serde_json::from_value(result).map_err(why)?;
            Ok(vec![Series {
                labels: Vec::new(),
                samples: vec![sample(value)?],
            }])
        }
        "string" => {
            let (time, text): (f64, String) = serde_json::from_value(result).map_err(why)?;
            Ok(vec![Series {
                labels: vec![(STRING_RESULT_LABEL.to_string(), text.clone())],
                samples: vec![Sample {
                    timestamp_ms: milliseconds(time),
                    value: parse_value(&text).unwrap_or(f64::NAN),
                }],
            }])
        }
        other => Err(format!("unknown result type '{other}'")),
    }
}

fn sample((time, value): (f64, String)) -> Result<Sample, String> {
    Ok(Sample {
        timestamp_ms: milliseconds(time),
        value: parse_value(&value).ok_or_else(|| format!("not a sample value: {value:?}"))?,
    })
}

/// Epoch milliseconds as Prometheus writes times: seconds with up to three
/// decimals (`1700000000.5`).
fn seconds(ms: i64) -> String {
    (ms as f64 / 1000.0).to_string()
}

fn milliseconds(seconds: f64) -> i64 {
    (seconds * 1000.0).round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_seconds_with_millisecond_decimals() {
        assert_eq!(seconds(1_700_000_000_000), "1700000000");
        assert_eq!(seconds(1_700_000_000_123), "1700000000.123");
        assert_eq!(seconds(15_000), "15");
        assert_eq!(seconds(500), "0.5");
        assert_eq!(milliseconds(1_700_000_000.123), 1_700_000_000_123);
    }
}
