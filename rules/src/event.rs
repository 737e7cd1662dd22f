//! The event as rules see it.

use serde_json::Value;

/// A normalized event, borrowed from wherever the pipeline keeps it.
/// Criteria and JSON paths look at `payload`; templates also see the other
/// fields as `event.id`, `event.source`, `event.kind`, `event.received_at`.
#[derive(Debug, Clone, Copy)]
pub struct EventView<'a> {
    pub id: &'a str,
    pub source: &'a str,
    pub kind: &'a str,
    /// RFC 3339.
    pub received_at: &'a str,
    pub payload: &'a Value,
}
