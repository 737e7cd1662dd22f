//! Everything Wolfe knows lives here: teams, runbooks and their immutable
//! versions and artifacts, deployments, rules, events (accepted and
//! rejected), executions with attempts and logs, kv, the audit log, the
//! audit trail of runbooks' host calls and their idempotency keys.
//!
//! One `Store` speaks to SQLite (the embedded default: one file, WAL) or
//! PostgreSQL (shared by several engine instances), chosen by the URL. SQL is
//! written once in the dialect both accept; the few statements that must
//! differ (claiming work) say so where they are.

mod archive;
mod audit;
mod clock;
mod effect_keys;
mod error;
mod events;
mod execution_list;
mod executions;
mod grants;
mod host_calls;
mod intake;
mod kv;
mod open;
mod page;
mod rule_errors;
mod rules;
mod runbook_admin;
mod runbooks;
mod secrets;
mod sql;
mod teams;
mod timers;
mod tokens;
mod versions;

pub use archive::ArchiveSummary;
pub use audit::AuditEntry;
pub use clock::now_ms;
pub use effect_keys::{EffectKeyClaim, EffectKeyScope, EffectKeyState};
pub use error::StoreError;
pub use events::{Accepted, EventIntake, EventRecord, NewEvent, RejectedEvent};
pub use execution_list::{AttemptRecord, ExecutionQuery};
pub use executions::{
    Cancelled, Claimed, Correlation, DroppedLog, ExecutionRecord, ExecutionStatus, Finished,
    HeldLease, LogLine, NewExecution,
};
pub use host_calls::HostCall;
pub use open::{Backend, Store};
pub use page::Cursor;
pub use rule_errors::{NewRuleError, RuleErrorRecord};
pub use rules::{NewRule, RuleRecord};
pub use runbook_admin::{LastOutcome, RunbookSettings};
pub use runbooks::{Archived, Deployment, NewRunbook, NewVersion, Runbook, Version};
pub use secrets::{BadMasterKey, SecretCipher, SecretName};
pub use teams::Team;
pub use timers::TimerRecord;
pub use tokens::{IssuedToken, Role, TokenRecord};
pub use versions::{DeploymentChange, VersionDetail};

/// A fresh, time-ordered id.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
