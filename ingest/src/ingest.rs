//! The one entry point: a source's raw body to its events.

use crate::config::{Format, SourceConfig};
use crate::error::IngestError;
use crate::event::NormalizedEvent;
use crate::{alertmanager, atlas, body, generic};

/// Turns one body from `config`'s source into its events, or says precisely
/// why it cannot. All or nothing: one bad alert rejects the whole body, so a
/// notification is never half recorded. Authentication is the caller's
/// (see [`crate::verify`]), since SQS messages carry none.
pub fn ingest(config: &SourceConfig, body: &[u8]) -> Result<Vec<NormalizedEvent>, IngestError> {
    let value = body::parse(body, config.max_body_bytes)?;
    match config.format {
        Format::Generic => generic::normalize(config, value),
        Format::Alertmanager => alertmanager::normalize(config, value),
        Format::Atlas => atlas::normalize(config, value),
    }
}
