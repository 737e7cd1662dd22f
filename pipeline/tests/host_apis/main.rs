//! Runbooks calling every host interface from inside the sandbox, in Python
//! and in Rust (the probe guests of `testkit/guests/`), against the real
//! store and real protocol peers on loopback: grants, the audit trail,
//! dry-run, idempotent retries and secret redaction.

mod discovery;
mod effect_keys;
mod effects;
mod events;
mod http;
mod instances;
mod kv;
mod metrics;
mod notify;
mod secrets;
mod support;
