//! Time series from the metrics backends configured for the environment.
//!
//! ```ignore
//! use wolfe_sdk::metrics::{self, Range};
//!
//! let now = /* epoch ms, e.g. from the triggering event */;
//! for series in metrics::query_range("atlas", "name,disk.used,:eq,:max",
//!                                    Range::last(now, 30 * 60_000, 60_000))? {
//!     log::info("disk", &[("labels", json!(series.labels)), ("latest", json!(series.latest()))]);
//! }
//! ```
//!
//! `backend` names a configured backend; the query is in its language
//! (Atlas stack language or PromQL).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::HostError;
use crate::bindings::wolfe::runbook::metrics as wit;
use crate::error::call;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    /// Epoch milliseconds.
    pub timestamp_ms: i64,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub labels: BTreeMap<String, String>,
    pub samples: Vec<Sample>,
}

impl Series {
    /// The last sample, if any.
    pub fn latest(&self) -> Option<Sample> {
        self.samples.last().copied()
    }
}

/// A time range in epoch milliseconds, sampled every `step_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    pub start_ms: i64,
    pub end_ms: i64,
    pub step_ms: u32,
}

impl Range {
    /// The `span_ms` milliseconds up to `end_ms`.
    pub fn last(end_ms: i64, span_ms: i64, step_ms: u32) -> Self {
        Self {
            start_ms: end_ms - span_ms,
            end_ms,
            step_ms,
        }
    }
}

/// The latest values of `query` on `backend`.
pub fn query(backend: &str, query: &str) -> Result<Vec<Series>, HostError> {
    run(backend, query, None)
}

/// `query` on `backend` over `range`.
pub fn query_range(backend: &str, query: &str, range: Range) -> Result<Vec<Series>, HostError> {
    run(backend, query, Some(range))
}

fn run(backend: &str, query: &str, range: Option<Range>) -> Result<Vec<Series>, HostError> {
    let range = range.map(|r| wit::Range {
        start_ms: r.start_ms,
        end_ms: r.end_ms,
        step_ms: r.step_ms,
    });
    let series = call(|| wit::query(backend, query, range))?;
    Ok(series
        .into_iter()
        .map(|s| Series {
            labels: s.labels.into_iter().collect(),
            samples: s
                .samples
                .into_iter()
                .map(|x| Sample {
                    timestamp_ms: x.timestamp_ms,
                    value: x.value,
                })
                .collect(),
        })
        .collect())
}
