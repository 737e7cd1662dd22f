//! Per-execution limits.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// What one execution may consume. Every limit is enforced by the runtime;
/// hitting one ends the execution with the matching [`crate::Outcome`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Quotas {
    /// Wasm fuel (CPU). CPython burns ~1.7e10 per second.
    pub fuel: u64,
    /// Linear memory across all of the component's memories, in bytes.
    pub memory_bytes: u64,
    /// Wall-clock deadline from the start of instantiation.
    #[serde(with = "crate::duration_serde")]
    pub timeout: Duration,
    /// Largest accepted output document, in bytes.
    pub max_output_bytes: usize,
    /// Log records kept; the rest are counted as dropped.
    pub max_log_lines: usize,
    /// Log bytes kept; the rest are counted as dropped.
    pub max_log_bytes: usize,
}

impl Default for Quotas {
    fn default() -> Self {
        Self {
            fuel: 50_000_000_000,
            memory_bytes: 64 << 20,
            timeout: Duration::from_secs(10),
            max_output_bytes: 1 << 20,
            max_log_lines: 1_000,
            max_log_bytes: 256 << 10,
        }
    }
}
