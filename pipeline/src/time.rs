use std::time::{Duration, UNIX_EPOCH};

/// RFC 3339 text of a store timestamp (milliseconds since the epoch).
pub fn rfc3339(ms: i64) -> String {
    let time = UNIX_EPOCH + Duration::from_millis(ms.max(0) as u64);
    humantime::format_rfc3339_millis(time).to_string()
}
