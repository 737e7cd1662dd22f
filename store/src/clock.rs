use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch: how the store keeps time, in both
/// backends alike.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
