//! Errors and durations as log lines show them.

use std::error::Error;
use std::time::Duration;

use humantime::FormattedDuration;

/// The error and every cause under it, `outer: inner: root`. The SDK's own
/// `Display` stops at "dispatch failure" or "service error", which names
/// neither the refused connection nor the missing queue.
pub(super) fn causes(error: &dyn Error) -> String {
    let mut line = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        // Some layers repeat their cause in their own message.
        if !line.ends_with(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
        source = cause.source();
    }
    line
}

/// A duration to the millisecond: "1s 600ms", not "1.600183421s".
pub(super) fn millis(duration: Duration) -> FormattedDuration {
    humantime::format_duration(Duration::from_millis(duration.as_millis() as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("dispatch failure")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn names_every_cause() {
        let error = Outer(std::io::Error::new(
            std::io::ErrorKind::ConnectionRefused,
            "connection refused",
        ));
        assert_eq!(causes(&error), "dispatch failure: connection refused");
    }
}
