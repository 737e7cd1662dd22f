//! How an execution ended, and everything recorded about it.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use wolfe_host_apis::log::CapturedLog;

/// Every way an execution can end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The runbook returned an output.
    Succeeded,
    /// The runbook returned a failure or raised.
    Failed,
    /// The fuel (CPU) quota ran out.
    FuelExhausted,
    /// The memory quota refused a growth the runbook needed.
    MemoryExceeded,
    /// The wall-clock deadline passed.
    TimedOut,
    /// Any other trap; the error carries the wasm backtrace.
    Crashed,
    /// The output was larger than the quota allows.
    OutputTooLarge,
    /// Stopped from outside (an operator cancelled it) before it ended.
    Cancelled,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::FuelExhausted => "fuel_exhausted",
            Self::MemoryExceeded => "memory_exceeded",
            Self::TimedOut => "timed_out",
            Self::Crashed => "crashed",
            Self::OutputTooLarge => "output_too_large",
            Self::Cancelled => "cancelled",
        }
    }

    /// A quota, not the runbook's own logic, ended the execution.
    pub fn is_quota_breach(self) -> bool {
        matches!(
            self,
            Self::FuelExhausted | Self::MemoryExceeded | Self::TimedOut | Self::OutputTooLarge
        )
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failure as the runbook reported it, or as the runtime explains it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    pub message: String,
    /// A traceback, a wasm backtrace, or other detail.
    pub detail: Option<String>,
}

/// The record of one execution.
#[derive(Debug, Clone, Serialize)]
pub struct ExecutionResult {
    pub outcome: Outcome,
    /// The output document, when the runbook succeeded.
    pub output: Option<serde_json::Value>,
    /// Why it did not succeed.
    pub failure: Option<Failure>,
    /// What it logged, but for the records a caller took while it ran
    /// (see [`crate::LiveLog`]); the drop counts cover the whole log.
    pub logs: CapturedLog,
    pub fuel_consumed: u64,
    pub peak_memory_bytes: u64,
    #[serde(rename = "wall_time_us", serialize_with = "micros")]
    pub wall_time: Duration,
    #[serde(rename = "instantiation_time_us", serialize_with = "micros")]
    pub instantiation_time: Duration,
}

fn micros<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_micros() as u64)
}
