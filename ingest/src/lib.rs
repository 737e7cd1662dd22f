//! Event ingestion adapters.
//!
//! Turns the raw body a source delivered (an HTTP webhook body or an SQS
//! message body) into zero or more [`NormalizedEvent`]s, or a precise
//! [`IngestError`]; and checks a webhook's credentials with [`verify`].
//!
//! Pure logic: no server, no queue client, no database, no async. The HTTP
//! layer and the SQS consumer call [`ingest`], store what it returns (or the
//! rejected body with the error) and answer their source.
//!
//! ```
//! use wolfe_ingest::{Auth, Format, SourceConfig, ingest};
//!
//! let config = SourceConfig::new("deploys", Format::Generic, Auth::None);
//! let events = ingest(&config, br#"{"service": "checkout"}"#).unwrap();
//! assert_eq!(events[0].kind, "event");
//! assert_eq!(events[0].payload["service"], "checkout");
//! ```

mod alertmanager;
mod atlas;
mod auth;
mod body;
mod config;
mod error;
mod event;
mod fields;
mod generic;
mod ingest;
mod sns;
mod timestamp;

pub use auth::{Auth, AuthError, verify};
pub use config::{
    ConfigError, DEFAULT_MAX_BODY_BYTES, Format, MAX_BODY_BYTES_CEILING, SourceConfig,
};
pub use error::IngestError;
pub use event::NormalizedEvent;
pub use generic::MAX_EVENTS_PER_BODY;
pub use ingest::ingest;
