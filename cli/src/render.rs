//! How `wolfe run` shows a result: a table for people, JSON for machines.

use std::fmt::Write as _;

use wolfe_engine::{ExecutionResult, LogRecord};

pub fn json(result: &ExecutionResult, sha256: &str) -> anyhow::Result<String> {
    let mut value = serde_json::to_value(result)?;
    value["artifact_sha256"] = sha256.into();
    Ok(serde_json::to_string_pretty(&value)?)
}

pub fn table(result: &ExecutionResult) -> String {
    let mut out = String::new();
    let row = |out: &mut String, key: &str, value: &str| {
        let _ = writeln!(out, "{key:<14} {value}");
    };
    row(&mut out, "outcome", result.outcome.as_str());
    if let Some(output) = &result.output {
        let pretty = serde_json::to_string_pretty(output).unwrap_or_default();
        row(&mut out, "output", &indent(&pretty));
    }
    if let Some(failure) = &result.failure {
        row(&mut out, "error", &failure.message);
        if let Some(detail) = &failure.detail {
            row(&mut out, "detail", &indent(detail.trim_end()));
        }
    }
    row(&mut out, "fuel", &group_thousands(result.fuel_consumed));
    row(
        &mut out,
        "peak memory",
        &bytesize::ByteSize(result.peak_memory_bytes).to_string(),
    );
    row(
        &mut out,
        "wall time",
        &format!(
            "{:.2} ms (instantiation {:.2} ms)",
            result.wall_time.as_secs_f64() * 1e3,
            result.instantiation_time.as_secs_f64() * 1e3
        ),
    );
    let logs = &result.logs;
    row(&mut out, "logs", &format!("{} lines", logs.records.len()));
    for record in &logs.records {
        let _ = writeln!(out, "  {}", log_line(record));
    }
    if logs.dropped_lines > 0 {
        let _ = writeln!(
            out,
            "  … {} more lines ({}) dropped by the log quota",
            logs.dropped_lines,
            bytesize::ByteSize(logs.dropped_bytes)
        );
    }
    out
}

fn log_line(record: &LogRecord) -> String {
    let mut line = format!(
        "+{:>5}ms {:<5} {}",
        record.at_ms,
        record.level.to_string(),
        record.message
    );
    for (key, value) in &record.fields {
        let _ = write!(line, " {key}={value}");
    }
    line
}

/// Continuation lines line up under the first value column.
fn indent(text: &str) -> String {
    text.replace('\n', &format!("\n{:15}", ""))
}

fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1_234_567), "1,234,567");
    }
}
