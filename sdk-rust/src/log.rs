//! Structured logging into the execution's record.

use crate::bindings::wolfe::runbook::log as wit;

pub use wit::Level;

/// Writes one record; each field value is sent as JSON.
///
/// Outside a component (e.g. a runbook's native `cargo test`) there is no
/// host, so records go to stderr instead.
pub fn write(level: Level, message: &str, fields: &[(&str, serde_json::Value)]) {
    let fields: Vec<wit::Field> = fields
        .iter()
        .map(|(key, value)| wit::Field {
            key: (*key).to_owned(),
            value_json: value.to_string(),
        })
        .collect();
    #[cfg(target_family = "wasm")]
    wit::write(level, message, &fields);
    #[cfg(not(target_family = "wasm"))]
    {
        let fields: Vec<String> = fields
            .iter()
            .map(|f| format!("{}={}", f.key, f.value_json))
            .collect();
        eprintln!("{level:?} {message} {}", fields.join(" "));
    }
}

pub fn debug(message: &str, fields: &[(&str, serde_json::Value)]) {
    write(Level::Debug, message, fields);
}

pub fn info(message: &str, fields: &[(&str, serde_json::Value)]) {
    write(Level::Info, message, fields);
}

pub fn warn(message: &str, fields: &[(&str, serde_json::Value)]) {
    write(Level::Warn, message, fields);
}

pub fn error(message: &str, fields: &[(&str, serde_json::Value)]) {
    write(Level::Error, message, fields);
}
