//! A Prometheus HTTP API peer: `GET /api/v1/query` and
//! `GET /api/v1/query_range` answering canned data per query string, in the
//! documented response format (times as float seconds, values as strings).
//!
//! Canned series are raw samples; the peer evaluates them as Prometheus
//! does an instant-vector selector: at each evaluation time, the latest
//! sample no older than 5 minutes. An unknown query has no data (an empty
//! vector), as a selector matching nothing would.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use super::http_peer::{HttpPeer, RecordedRequest, lock};

const LOOKBACK_MS: i64 = 5 * 60_000;
/// Prometheus refuses range queries with more points per series.
const MAX_POINTS: i64 = 11_000;

/// One series of raw samples: `(epoch ms, value as Prometheus writes it,
/// e.g. "1.5", "NaN", "+Inf")`.
#[derive(Debug, Clone)]
pub struct PromSeries {
    pub labels: Vec<(String, String)>,
    pub samples: Vec<(i64, String)>,
}

impl PromSeries {
    pub fn new(labels: &[(&str, &str)], samples: &[(i64, &str)]) -> Self {
        Self {
            labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            samples: samples.iter().map(|(t, v)| (*t, v.to_string())).collect(),
        }
    }
}

/// What the peer answers for one query string.
#[derive(Debug, Clone)]
pub enum PromAnswer {
    /// An instant-vector expression over these series.
    Vector(Vec<PromSeries>),
    /// A range-vector expression (`up[5m]`): instant queries return every
    /// sample up to the evaluation time; range queries are refused.
    RangeVector(Vec<PromSeries>),
    /// A scalar expression, e.g. `"42"`.
    Scalar(String),
    /// A string literal expression.
    Text(String),
    /// A Prometheus API error: `{"status":"error","errorType",...,"error"}`.
    Error {
        status: u16,
        error_type: String,
        message: String,
    },
    /// Anything else, e.g. a proxy's error page.
    Raw { status: u16, body: String },
}

impl PromAnswer {
    /// Prometheus's answer to a query it cannot parse or evaluate.
    pub fn bad_data(message: &str) -> Self {
        Self::Error {
            status: 400,
            error_type: "bad_data".into(),
            message: message.into(),
        }
    }
}

/// A running Prometheus peer; stops when dropped.
pub struct PrometheusPeer {
    server: HttpPeer,
    state: Shared,
}

#[derive(Default)]
struct PeerState {
    answers: HashMap<String, PromAnswer>,
    /// How long every request waits before it is answered.
    delay: Duration,
}

type Shared = Arc<Mutex<PeerState>>;

impl PrometheusPeer {
    pub fn start() -> Self {
        let state = Shared::default();
        let router = Router::new()
            .route("/api/v1/query", get(instant))
            .route("/api/v1/query_range", get(range))
            .with_state(state.clone());
        Self {
            server: HttpPeer::start(router),
            state,
        }
    }

    /// The base URL to configure a backend with.
    pub fn url(&self) -> String {
        self.server.base_url()
    }

    /// Answers `query` with `answer` from now on.
    pub fn set(&self, query: &str, answer: PromAnswer) {
        lock(&self.state).answers.insert(query.to_string(), answer);
    }

    /// Makes every request wait `delay` before it is answered (a slow
    /// server, for timeouts).
    pub fn set_delay(&self, delay: Duration) {
        lock(&self.state).delay = delay;
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.server.requests()
    }
}

async fn instant(
    State(state): State<Shared>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let Some(query) = params.get("query") else {
        return error(
            400,
            "bad_data",
            "invalid parameter \"query\": query is required",
        );
    };
    let time = match params.get("time") {
        None => now_ms(),
        Some(t) => match parse_time(t) {
            Some(t) => t,
            None => {
                return error(
                    400,
                    "bad_data",
                    &format!("invalid parameter \"time\": cannot parse {t:?}"),
                );
            }
        },
    };
    let answer = answer_after_delay(&state, query).await;
    match answer.unwrap_or(PromAnswer::Vector(Vec::new())) {
        PromAnswer::Vector(series) => {
            let result: Vec<Value> = series
                .iter()
                .filter_map(|s| {
                    value_at(s, time)
                        .map(|v| json!({"metric": metric(s), "value": [secs(time), v]}))
                })
                .collect();
            success("vector", Value::Array(result))
        }
        PromAnswer::RangeVector(series) => {
            let result: Vec<Value> = series
                .iter()
                .map(|s| {
                    let values: Vec<Value> = s
                        .samples
                        .iter()
                        .filter(|(t, _)| *t <= time)
                        .map(|(t, v)| json!([secs(*t), v]))
                        .collect();
                    json!({"metric": metric(s), "values": values})
                })
                .collect();
            success("matrix", Value::Array(result))
        }
        PromAnswer::Scalar(v) => success("scalar", json!([secs(time), v])),
        PromAnswer::Text(s) => success("string", json!([secs(time), s])),
        other => failure(other),
    }
}

async fn range(
    State(state): State<Shared>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let Some(query) = params.get("query") else {
        return error(
            400,
            "bad_data",
            "invalid parameter \"query\": query is required",
        );
    };
    let mut times = [0i64; 3];
    for (slot, name) in times.iter_mut().zip(["start", "end", "step"]) {
        match params.get(name).and_then(|t| parse_time(t)) {
            Some(t) => *slot = t,
            None => return error(400, "bad_data", &format!("invalid parameter \"{name}\"")),
        }
    }
    let [start, end, step] = times;
    if end < start {
        return error(
            400,
            "bad_data",
            "invalid parameter \"end\": end timestamp must not be before start time",
        );
    }
    if step <= 0 {
        return error(
            400,
            "bad_data",
            "zero or negative query resolution step widths are not accepted. Try a positive integer",
        );
    }
    if (end - start) / step > MAX_POINTS {
        return error(
            400,
            "bad_data",
            "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)",
        );
    }
    let steps: Vec<i64> = (0..=(end - start) / step)
        .map(|i| start + i * step)
        .collect();
    let answer = answer_after_delay(&state, query).await;
    match answer.unwrap_or(PromAnswer::Vector(Vec::new())) {
        PromAnswer::Vector(series) => {
            let result: Vec<Value> = series
                .iter()
                .filter_map(|s| {
                    let values: Vec<Value> = steps
                        .iter()
                        .filter_map(|t| value_at(s, *t).map(|v| json!([secs(*t), v])))
                        .collect();
                    (!values.is_empty()).then(|| json!({"metric": metric(s), "values": values}))
                })
                .collect();
            success("matrix", Value::Array(result))
        }
        PromAnswer::Scalar(v) => {
            let values: Vec<Value> = steps.iter().map(|t| json!([secs(*t), v])).collect();
            success("matrix", json!([{"metric": {}, "values": values}]))
        }
        PromAnswer::RangeVector(_) => error(
            400,
            "bad_data",
            "invalid expression type \"range vector\" for range query, must be Scalar or instant Vector",
        ),
        PromAnswer::Text(_) => error(
            400,
            "bad_data",
            "invalid expression type \"string\" for range query, must be Scalar or instant Vector",
        ),
        other => failure(other),
    }
}

/// The canned answer for `query`, once the configured delay has passed.
async fn answer_after_delay(state: &Shared, query: &str) -> Option<PromAnswer> {
    let delay = lock(state).delay;
    tokio::time::sleep(delay).await;
    lock(state).answers.get(query).cloned()
}

/// The latest sample at or before `time`, within the lookback window.
fn value_at(series: &PromSeries, time: i64) -> Option<&str> {
    series
        .samples
        .iter()
        .filter(|(t, _)| *t <= time && *t > time - LOOKBACK_MS)
        .max_by_key(|(t, _)| *t)
        .map(|(_, v)| v.as_str())
}

fn metric(series: &PromSeries) -> Value {
    Value::Object(
        series
            .labels
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

fn success(result_type: &str, result: Value) -> Response {
    axum::Json(json!({"status": "success", "data": {"resultType": result_type, "result": result}}))
        .into_response()
}

fn failure(answer: PromAnswer) -> Response {
    match answer {
        PromAnswer::Error {
            status,
            error_type,
            message,
        } => error(status, &error_type, &message),
        PromAnswer::Raw { status, body } => (code(status), body).into_response(),
        _ => unreachable!("only failures"),
    }
}

fn error(status: u16, error_type: &str, message: &str) -> Response {
    (
        code(status),
        axum::Json(json!({"status": "error", "errorType": error_type, "error": message})),
    )
        .into_response()
}

fn code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).expect("a valid status code")
}

/// Float seconds (`1700000000.5`) to epoch ms.
fn parse_time(text: &str) -> Option<i64> {
    let seconds: f64 = text.parse().ok()?;
    seconds
        .is_finite()
        .then(|| (seconds * 1000.0).round() as i64)
}

fn secs(ms: i64) -> f64 {
    ms as f64 / 1000.0
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
