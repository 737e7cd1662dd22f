//! `wolfe:runbook/log`: structured log records into the execution's record.
//!
//! The buffer is capped in lines and bytes: a runbook that floods its log
//! loses the excess (counted, never silently) instead of exhausting host
//! memory. Guest stdout/stderr are fed into the same buffer by the runtime.
//! Secret values are redacted as a record is pushed, so no record leaves the
//! buffer unredacted, whether it is taken while the execution runs
//! ([`LogBuffer::take_new`]) or at its end.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::Serialize;
use wasmtime::component::{HasSelf, Linker};

use crate::bindings::wolfe::runbook::log::{Field, Host, Level};
use crate::redact::Redactor;

/// Severity of a log record, as the guest gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
}

impl From<Level> for LogLevel {
    fn from(level: Level) -> Self {
        match level {
            Level::Trace => Self::Trace,
            Level::Debug => Self::Debug,
            Level::Info => Self::Info,
            Level::Warn => Self::Warn,
            Level::Error => Self::Error,
        }
    }
}

impl std::fmt::Display for LogLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Trace => "trace",
            Self::Debug => "debug",
            Self::Info => "info",
            Self::Warn => "warn",
            Self::Error => "error",
        })
    }
}

/// Which channel a record came through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogStream {
    /// The `log` interface.
    Log,
    Stdout,
    Stderr,
}

/// One line of an execution's log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogRecord {
    /// Milliseconds since the execution started.
    pub at_ms: u64,
    pub level: LogLevel,
    pub stream: LogStream,
    pub message: String,
    /// Structured fields; values the guest sent as invalid JSON are kept as strings.
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    pub fields: serde_json::Map<String, serde_json::Value>,
}

/// Limits of one execution's log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogLimits {
    pub max_lines: usize,
    pub max_bytes: usize,
}

/// What an execution logged, and what it lost to the caps.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CapturedLog {
    pub records: Vec<LogRecord>,
    pub dropped_lines: u64,
    pub dropped_bytes: u64,
}

/// The capped log of one execution, shared by the `log` interface and the
/// guest's stdout/stderr streams.
#[derive(Clone)]
pub struct LogBuffer {
    state: Arc<Mutex<BufferState>>,
    limits: LogLimits,
    started: Instant,
    redactor: Redactor,
}

impl LogBuffer {
    pub fn new(limits: LogLimits) -> Self {
        Self::with_redactor(limits, Redactor::default())
    }

    /// A buffer that redacts the secret values `redactor` learns.
    pub fn with_redactor(limits: LogLimits, redactor: Redactor) -> Self {
        Self {
            state: Arc::default(),
            limits,
            started: Instant::now(),
            redactor,
        }
    }

    /// Appends a record, or counts it as dropped when a cap is reached.
    pub fn push(
        &self,
        level: LogLevel,
        stream: LogStream,
        mut message: String,
        mut fields: serde_json::Map<String, serde_json::Value>,
    ) {
        if !self.redactor.is_empty() {
            self.redactor.redact_in_place(&mut message);
            let mut object = serde_json::Value::Object(std::mem::take(&mut fields));
            self.redactor.redact_json(&mut object);
            if let serde_json::Value::Object(redacted) = object {
                fields = redacted;
            }
        }
        let size = message.len()
            + fields
                .iter()
                .map(|(k, v)| k.len() + v.to_string().len())
                .sum::<usize>();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        // The caps count every record kept, taken or not.
        let log_full =
            state.kept >= self.limits.max_lines || state.bytes + size > self.limits.max_bytes;
        if log_full {
            state.log.dropped_lines += 1;
            state.log.dropped_bytes += size as u64;
            return;
        }
        state.kept += 1;
        state.bytes += size;
        state.log.records.push(LogRecord {
            at_ms: self.started.elapsed().as_millis() as u64,
            level,
            stream,
            message,
            fields,
        });
    }

    /// A copy of everything recorded so far and not taken by
    /// [`LogBuffer::take_new`].
    pub fn snapshot(&self) -> CapturedLog {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.log.clone()
    }

    /// Moves out the records pushed since the last take, oldest first:
    /// each record is taken once, and is then in no later take, snapshot or
    /// [`LogBuffer::take_rest`]. The caps still count it.
    pub fn take_new(&self) -> Vec<LogRecord> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        std::mem::take(&mut state.log.records)
    }

    /// Moves out the records not taken yet, with the drop counts of the
    /// whole log: what is left at the end of an execution.
    pub fn take_rest(&self) -> CapturedLog {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        CapturedLog {
            records: std::mem::take(&mut state.log.records),
            dropped_lines: state.log.dropped_lines,
            dropped_bytes: state.log.dropped_bytes,
        }
    }
}

#[derive(Default)]
struct BufferState {
    /// Records not taken yet, and the drops of the whole log.
    log: CapturedLog,
    /// Records kept since the start, taken or not (the line cap).
    kept: usize,
    /// Bytes of those records (the byte cap).
    bytes: usize,
}

/// Host state of the `log` interface for one execution.
pub struct LogHost {
    buffer: LogBuffer,
}

impl LogHost {
    pub fn new(buffer: LogBuffer) -> Self {
        Self { buffer }
    }
}

impl Host for LogHost {
    async fn write(
        &mut self,
        level: Level,
        message: String,
        fields: Vec<Field>,
    ) -> wasmtime::Result<()> {
        let fields = fields
            .into_iter()
            .map(|f| {
                let value = serde_json::from_str(&f.value_json)
                    .unwrap_or(serde_json::Value::String(f.value_json));
                (f.key, value)
            })
            .collect();
        self.buffer
            .push(level.into(), LogStream::Log, message, fields);
        Ok(())
    }
}

/// Links `wolfe:runbook/log` into `linker`; `get` finds the execution's
/// [`LogHost`] in the store data.
pub fn add_to_linker<T: Send + 'static>(
    linker: &mut Linker<T>,
    get: fn(&mut T) -> &mut LogHost,
) -> wasmtime::Result<()> {
    crate::bindings::wolfe::runbook::log::add_to_linker::<T, HasSelf<LogHost>>(linker, get)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(max_lines: usize, max_bytes: usize) -> LogLimits {
        LogLimits {
            max_lines,
            max_bytes,
        }
    }

    #[test]
    fn records_beyond_the_line_cap_are_counted_not_kept() {
        let buffer = LogBuffer::new(limits(2, 1_000));
        for i in 0..5 {
            buffer.push(
                LogLevel::Info,
                LogStream::Log,
                format!("line {i}"),
                Default::default(),
            );
        }
        let log = buffer.snapshot();
        assert_eq!(log.records.len(), 2);
        assert_eq!(log.records[1].message, "line 1");
        assert_eq!(log.dropped_lines, 3);
        assert_eq!(log.dropped_bytes, 18);
    }

    #[test]
    fn byte_cap_counts_message_and_fields() {
        let buffer = LogBuffer::new(limits(100, 10));
        let mut fields = serde_json::Map::new();
        fields.insert("k".into(), serde_json::json!(12345));
        buffer.push(LogLevel::Warn, LogStream::Log, "abcd".into(), fields);
        buffer.push(
            LogLevel::Warn,
            LogStream::Log,
            "x".into(),
            Default::default(),
        );
        let log = buffer.snapshot();
        assert_eq!(log.records.len(), 1, "10 bytes used by the first record");
        assert_eq!(log.dropped_lines, 1);
    }

    #[test]
    fn registered_secrets_are_redacted_from_messages_and_fields() {
        let redactor = Redactor::default();
        let buffer = LogBuffer::with_redactor(limits(10, 1_000), redactor.clone());
        redactor.register("s3cr3t-token");
        let mut fields = serde_json::Map::new();
        fields.insert("auth".into(), serde_json::json!(["Bearer s3cr3t-token"]));
        buffer.push(
            LogLevel::Info,
            LogStream::Stdout,
            "token=s3cr3t-token".into(),
            fields,
        );
        let record = &buffer.snapshot().records[0];
        assert_eq!(record.message, "token=[redacted]");
        assert_eq!(
            record.fields["auth"],
            serde_json::json!(["Bearer [redacted]"])
        );
    }

    #[test]
    fn taken_records_leave_the_buffer_once_and_still_count_against_the_caps() {
        let buffer = LogBuffer::new(limits(3, 1_000));
        let push = |message: &str| {
            buffer.push(
                LogLevel::Info,
                LogStream::Log,
                message.into(),
                Default::default(),
            )
        };
        push("a");
        push("b");
        let taken: Vec<_> = buffer.take_new().into_iter().map(|r| r.message).collect();
        assert_eq!(taken, ["a", "b"]);
        assert!(buffer.take_new().is_empty(), "nothing is taken twice");
        push("c");
        push("d");
        assert_eq!(buffer.snapshot().records.len(), 1, "only c is left");
        let rest = buffer.take_rest();
        assert_eq!(rest.records[0].message, "c");
        assert_eq!(rest.dropped_lines, 1, "d is beyond the cap of 3 lines");
        assert!(buffer.take_rest().records.is_empty());
    }

    #[test]
    fn taken_records_are_already_redacted() {
        let redactor = Redactor::default();
        let buffer = LogBuffer::with_redactor(limits(10, 1_000), redactor.clone());
        redactor.register("s3cr3t-token");
        buffer.push(
            LogLevel::Info,
            LogStream::Log,
            "token=s3cr3t-token".into(),
            Default::default(),
        );
        assert_eq!(buffer.take_new()[0].message, "token=[redacted]");
    }

    #[tokio::test]
    async fn invalid_field_json_is_kept_as_a_string() {
        let buffer = LogBuffer::new(limits(10, 1_000));
        let mut host = LogHost::new(buffer.clone());
        host.write(
            Level::Error,
            "broker offline".into(),
            vec![
                Field {
                    key: "broker".into(),
                    value_json: "3".into(),
                },
                Field {
                    key: "raw".into(),
                    value_json: "not json".into(),
                },
            ],
        )
        .await
        .unwrap();
        let record = &buffer.snapshot().records[0];
        assert_eq!(record.level, LogLevel::Error);
        assert_eq!(record.fields["broker"], serde_json::json!(3));
        assert_eq!(record.fields["raw"], serde_json::json!("not json"));
    }
}
