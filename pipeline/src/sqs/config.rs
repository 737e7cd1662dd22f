//! One queue to consume: where it is, which source its messages come from,
//! and how it is polled.

use std::time::Duration;

use serde::Deserialize;

/// SQS caps a long poll at 20 seconds.
const MAX_WAIT_TIME_SECONDS: u32 = 20;
/// SQS returns at most 10 messages per receive.
const MAX_MESSAGES: u32 = 10;
/// SQS caps a visibility timeout at 12 hours.
const MAX_VISIBILITY_TIMEOUT: Duration = Duration::from_secs(12 * 60 * 60);

/// A queue the engine consumes. Deserializing validates it (see
/// [`SqsQueueConfig::validate`]).
///
/// ```toml
/// queue_url = "https://sqs.us-east-1.amazonaws.com/123456789012/atlas-alerts"
/// source = "atlas"
/// visibility_timeout = "1m"
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawSqsQueueConfig")]
pub struct SqsQueueConfig {
    pub queue_url: String,
    pub region: String,
    /// Overrides the regional endpoint: a VPC endpoint, or moto on loopback
    /// in tests.
    pub endpoint_url: Option<String>,
    /// Name of a configured source: it decides how bodies are read and which
    /// environment their events belong to.
    pub source: String,
    /// Long-poll duration, 0..=20.
    pub wait_time_seconds: u32,
    /// Messages per receive, 1..=10.
    pub max_messages: u32,
    /// How long a received message stays hidden from other consumers; it is
    /// extended while the message is still being processed. Whole seconds.
    pub visibility_timeout: Duration,
}

impl SqsQueueConfig {
    /// A configuration with the defaults: us-east-1, 20 s long polls, 10
    /// messages per receive, 30 s visibility timeout.
    pub fn new(queue_url: &str, source: &str) -> Self {
        Self {
            queue_url: queue_url.into(),
            region: default_region(),
            endpoint_url: None,
            source: source.into(),
            wait_time_seconds: MAX_WAIT_TIME_SECONDS,
            max_messages: MAX_MESSAGES,
            visibility_timeout: Duration::from_secs(30),
        }
    }

    /// Checks the limits SQS itself would reject, so a bad value fails at
    /// startup instead of on every poll.
    pub fn validate(&self) -> Result<(), SqsConfigError> {
        let invalid = |field: &'static str, problem: String| {
            Err(SqsConfigError::Invalid {
                queue: self.queue_url.clone(),
                field,
                problem,
            })
        };
        if self.queue_url.trim().is_empty() {
            return invalid("queue_url", "must not be empty".into());
        }
        if self.source.trim().is_empty() {
            return invalid("source", "must name a configured source".into());
        }
        if self.wait_time_seconds > MAX_WAIT_TIME_SECONDS {
            return invalid(
                "wait_time_seconds",
                format!("{} is above the SQS maximum of 20", self.wait_time_seconds),
            );
        }
        if !(1..=MAX_MESSAGES).contains(&self.max_messages) {
            return invalid(
                "max_messages",
                format!("{} is outside 1..=10", self.max_messages),
            );
        }
        let visibility = self.visibility_timeout;
        if visibility.subsec_nanos() != 0
            || visibility < Duration::from_secs(1)
            || visibility > MAX_VISIBILITY_TIMEOUT
        {
            return invalid(
                "visibility_timeout",
                format!(
                    "{} must be whole seconds between 1s and 12h",
                    humantime::format_duration(visibility)
                ),
            );
        }
        Ok(())
    }

    /// The visibility timeout as SQS takes it.
    pub(super) fn visibility_seconds(&self) -> i32 {
        self.visibility_timeout.as_secs() as i32
    }
}

/// A queue configuration that cannot work as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SqsConfigError {
    #[error("SQS queue {queue}: {field} {problem}")]
    Invalid {
        queue: String,
        field: &'static str,
        problem: String,
    },
    #[error("SQS queue {queue}: configured for source {configured:?} but given source {given:?}")]
    WrongSource {
        queue: String,
        configured: String,
        given: String,
    },
    #[error("SQS queue {queue}: visibility_timeout {value:?}: {problem}")]
    Duration {
        queue: String,
        value: String,
        problem: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSqsQueueConfig {
    queue_url: String,
    #[serde(default = "default_region")]
    region: String,
    endpoint_url: Option<String>,
    source: String,
    #[serde(default = "default_wait_time_seconds")]
    wait_time_seconds: u32,
    #[serde(default = "default_max_messages")]
    max_messages: u32,
    #[serde(default = "default_visibility_timeout")]
    visibility_timeout: String,
}

fn default_region() -> String {
    "us-east-1".into()
}

fn default_wait_time_seconds() -> u32 {
    MAX_WAIT_TIME_SECONDS
}

fn default_max_messages() -> u32 {
    MAX_MESSAGES
}

fn default_visibility_timeout() -> String {
    "30s".into()
}

impl TryFrom<RawSqsQueueConfig> for SqsQueueConfig {
    type Error = SqsConfigError;

    fn try_from(raw: RawSqsQueueConfig) -> Result<Self, SqsConfigError> {
        let visibility_timeout =
            humantime::parse_duration(raw.visibility_timeout.trim()).map_err(|e| {
                SqsConfigError::Duration {
                    queue: raw.queue_url.clone(),
                    value: raw.visibility_timeout.clone(),
                    problem: e.to_string(),
                }
            })?;
        let config = Self {
            queue_url: raw.queue_url,
            region: raw.region,
            endpoint_url: raw.endpoint_url,
            source: raw.source,
            wait_time_seconds: raw.wait_time_seconds,
            max_messages: raw.max_messages,
            visibility_timeout,
        };
        config.validate()?;
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<SqsQueueConfig, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    #[test]
    fn defaults_fill_what_is_not_given() {
        let config = parse(r#"{"queue_url": "https://q", "source": "atlas"}"#).unwrap();
        assert_eq!(config, SqsQueueConfig::new("https://q", "atlas"));
    }

    #[test]
    fn durations_are_humantime() {
        let config = parse(
            r#"{"queue_url": "https://q", "source": "atlas", "visibility_timeout": "2m",
                "endpoint_url": "http://127.0.0.1:5000", "region": "eu-west-1"}"#,
        )
        .unwrap();
        assert_eq!(config.visibility_timeout, Duration::from_secs(120));
        assert_eq!(config.region, "eu-west-1");
    }

    #[test]
    fn values_sqs_would_refuse_are_errors() {
        for (body, needle) in [
            (r#""wait_time_seconds": 21"#, "wait_time_seconds"),
            (r#""max_messages": 0"#, "max_messages"),
            (r#""max_messages": 11"#, "max_messages"),
            (r#""visibility_timeout": "1500ms""#, "whole seconds"),
            (r#""visibility_timeout": "13h""#, "visibility_timeout"),
            (r#""visibility_timeout": "soon""#, "visibility_timeout"),
            (r#""colour": "blue""#, "unknown field"),
        ] {
            let text = format!(r#"{{"queue_url": "https://q", "source": "atlas", {body}}}"#);
            let error = parse(&text).unwrap_err();
            assert!(error.contains(needle), "{body}: {error}");
        }
    }
}
