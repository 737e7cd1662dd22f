use std::path::PathBuf;

use wolfe_ingest::{Auth, Format, IngestError, NormalizedEvent, SourceConfig, ingest};

pub fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

pub fn source(format: Format) -> SourceConfig {
    SourceConfig::new("test-source", format, Auth::None)
}

pub fn accept(config: &SourceConfig, body: &[u8]) -> Vec<NormalizedEvent> {
    ingest(config, body).unwrap_or_else(|e| panic!("rejected: {e}"))
}

/// The exact message a malformed body is rejected with.
pub fn reject(config: &SourceConfig, body: &[u8]) -> String {
    match ingest(config, body) {
        Err(IngestError::Malformed(message)) => message,
        other => panic!("expected Malformed, got {other:?}"),
    }
}

/// Edits a JSON fixture, then serializes it back.
pub fn edited(name: &str, edit: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let mut value: serde_json::Value = serde_json::from_slice(&fixture(name)).unwrap();
    edit(&mut value);
    serde_json::to_vec(&value).unwrap()
}
