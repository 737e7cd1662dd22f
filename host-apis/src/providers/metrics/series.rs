//! What a query asks for and returns, the same for every backend kind.

use serde::{Deserialize, Serialize};

use crate::ApiError;

/// A time range evaluated every `step_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryRange {
    pub start_ms: i64,
    pub end_ms: i64,
    pub step_ms: u32,
}

/// One time series: its labels (Prometheus) or tags (Atlas), and its samples
/// in time order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub labels: Vec<(String, String)>,
    pub samples: Vec<Sample>,
}

/// One value at one time. Backends report gaps and undefined results as NaN
/// and keep them; in JSON non-finite values are the strings `NaN`, `+Inf` and
/// `-Inf` (JSON numbers cannot express them).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    pub timestamp_ms: i64,
    #[serde(with = "value_json")]
    pub value: f64,
}

impl QueryRange {
    /// Rejects empty steps and reversed ranges, and ranges with more steps
    /// than `max_samples` allows for even a single series (before any
    /// request is sent).
    pub(crate) fn validate(&self, max_samples: usize) -> Result<(), ApiError> {
        if self.step_ms == 0 {
            return Err(ApiError::Invalid("range step must be positive".into()));
        }
        if self.end_ms < self.start_ms {
            return Err(ApiError::Invalid(format!(
                "range ends ({}) before it starts ({})",
                self.end_ms, self.start_ms
            )));
        }
        // i128: any two i64 are a representable distance apart.
        let steps =
            (i128::from(self.end_ms) - i128::from(self.start_ms)) / i128::from(self.step_ms) + 1;
        if steps > max_samples as i128 {
            return Err(ApiError::TooLarge(format!(
                "range has {steps} steps per series, more than the limit of {max_samples} samples"
            )));
        }
        Ok(())
    }
}

/// The caps on one query's result.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ResultLimits {
    pub max_series: usize,
    pub max_samples: usize,
}

impl ResultLimits {
    /// Fails when `series` (or `samples`, counted over all series) exceed
    /// the caps; `backend` names the source in the message.
    pub fn check(&self, backend: &str, series: usize, samples: usize) -> Result<(), ApiError> {
        if series > self.max_series {
            return Err(ApiError::TooLarge(format!(
                "backend '{backend}' returned {series} series, more than the limit of {}",
                self.max_series
            )));
        }
        if samples > self.max_samples {
            return Err(ApiError::TooLarge(format!(
                "backend '{backend}' returned {samples} samples, more than the limit of {}",
                self.max_samples
            )));
        }
        Ok(())
    }
}

/// Parses a value as backends write it in text: numbers, `NaN`, `+Inf`,
/// `-Inf`, `Infinity` (any case).
pub(crate) fn parse_value(text: &str) -> Option<f64> {
    text.trim().parse().ok()
}

mod value_json {
    use serde::{Deserialize, Deserializer, Serializer, de};

    pub fn serialize<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
        if value.is_nan() {
            serializer.serialize_str("NaN")
        } else if value.is_infinite() {
            serializer.serialize_str(if *value > 0.0 { "+Inf" } else { "-Inf" })
        } else {
            serializer.serialize_f64(*value)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum NumberOrText {
            Number(f64),
            Text(String),
        }
        match NumberOrText::deserialize(deserializer)? {
            NumberOrText::Number(n) => Ok(n),
            NumberOrText::Text(t) => super::parse_value(&t)
                .ok_or_else(|| de::Error::custom(format!("not a sample value: {t:?}"))),
        }
    }
}
