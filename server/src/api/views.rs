//! The JSON shapes of the API's resources, in one place so every route
//! shows a thing the same way. Times are milliseconds since the epoch.
//!
//! Each shape is a type deriving `Serialize` and `JsonSchema`: the OpenAPI
//! document's response schemas are generated from the very types the
//! handlers serialize. Fields holding arbitrary JSON (specs, parameters,
//! payloads, outputs, quotas, capabilities) stay `Value` (any JSON).

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;
use wolfe_store as store;

/// A token's role, weakest first.
#[derive(Serialize, JsonSchema, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub enum RoleName {
    Viewer,
    Author,
    Operator,
    Admin,
}

impl From<store::Role> for RoleName {
    fn from(role: store::Role) -> Self {
        match role {
            store::Role::Viewer => Self::Viewer,
            store::Role::Author => Self::Author,
            store::Role::Operator => Self::Operator,
            store::Role::Admin => Self::Admin,
        }
    }
}

#[derive(Serialize, JsonSchema)]
pub struct Runbook {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub max_attempts: i64,
    pub concurrency_limit: i64,
    /// The engine's quota overrides as stored.
    pub quotas: Value,
    /// Set while it is archived: it runs nothing and is read-only.
    pub archived: Option<Archived>,
}

#[derive(Serialize, JsonSchema)]
pub struct Archived {
    pub at: i64,
    /// Who archived it (`team/token-name`).
    pub by: String,
}

pub fn runbook(runbook: &store::Runbook) -> Runbook {
    Runbook {
        id: runbook.id.clone(),
        name: runbook.name.clone(),
        description: runbook.description.clone(),
        max_attempts: runbook.max_attempts,
        concurrency_limit: runbook.concurrency_limit,
        quotas: runbook.quotas.clone(),
        archived: runbook.archived.as_ref().map(|a| Archived {
            at: a.at,
            by: a.by.clone(),
        }),
    }
}

#[derive(Serialize, JsonSchema)]
pub struct Version {
    pub id: String,
    pub number: i64,
    pub artifact_sha256: String,
    pub language: String,
    pub author: String,
    pub message: String,
    /// What it declares it needs (the grant's shape), if anything.
    pub capabilities: Option<Value>,
    pub created_at: i64,
    /// The environments running it now.
    pub deployed_in: Vec<String>,
}

pub fn version(version: &store::Version, deployed_in: &[String]) -> Version {
    Version {
        id: version.id.clone(),
        number: version.number,
        artifact_sha256: version.artifact_sha256.clone(),
        language: version.language.clone(),
        author: version.author.clone(),
        message: version.message.clone(),
        capabilities: version.capabilities.clone(),
        created_at: version.created_at,
        deployed_in: deployed_in.to_vec(),
    }
}

/// What an environment runs.
#[derive(Serialize, JsonSchema)]
pub struct Deployment {
    pub environment: String,
    /// The version's number.
    pub version: i64,
    pub version_id: String,
    pub artifact_sha256: String,
}

pub fn deployment(deployment: &store::Deployment) -> Deployment {
    Deployment {
        environment: deployment.environment.clone(),
        version: deployment.version_number,
        version_id: deployment.version_id.clone(),
        artifact_sha256: deployment.artifact_sha256.clone(),
    }
}

/// One change of what an environment runs.
#[derive(Serialize, JsonSchema)]
pub struct DeploymentChange {
    pub environment: String,
    pub version: i64,
    pub version_id: String,
    /// deploy | promote | rollback
    pub action: String,
    pub actor: String,
    pub at: i64,
}

pub fn deployment_change(change: &store::DeploymentChange) -> DeploymentChange {
    DeploymentChange {
        environment: change.environment.clone(),
        version: change.version_number,
        version_id: change.version_id.clone(),
        action: change.action.clone(),
        actor: change.actor.clone(),
        at: change.at,
    }
}

#[derive(Serialize, JsonSchema)]
pub struct Rule {
    pub id: String,
    pub name: String,
    pub environment: String,
    pub enabled: bool,
    /// A wolfe-rules spec.
    pub spec: Value,
}

pub fn rule(rule: &store::RuleRecord) -> Rule {
    Rule {
        id: rule.id.clone(),
        name: rule.name.clone(),
        environment: rule.environment.clone(),
        enabled: rule.enabled,
        spec: rule.spec.clone(),
    }
}

/// A rule that matched an event but could not map its parameters.
#[derive(Serialize, JsonSchema)]
pub struct RuleError {
    pub id: String,
    pub rule_id: String,
    pub environment: String,
    pub event_id: String,
    pub message: String,
    pub at: i64,
}

pub fn rule_error(error: &store::RuleErrorRecord) -> RuleError {
    RuleError {
        id: error.id.clone(),
        rule_id: error.rule_id.clone(),
        environment: error.environment.clone(),
        event_id: error.event_id.clone(),
        message: error.message.clone(),
        at: error.at,
    }
}

/// A token as listed: never its secret.
#[derive(Serialize, JsonSchema)]
pub struct Token {
    pub id: String,
    pub name: String,
    pub role: RoleName,
    pub created_by: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

pub fn token(token: &store::TokenRecord) -> Token {
    Token {
        id: token.id.clone(),
        name: token.name.clone(),
        role: token.role.into(),
        created_by: token.created_by.clone(),
        created_at: token.created_at,
        revoked_at: token.revoked_at,
    }
}

#[derive(Serialize, JsonSchema)]
pub struct Execution {
    pub id: String,
    pub runbook_id: String,
    pub environment: String,
    pub version_id: String,
    pub rule_id: Option<String>,
    /// queued | running | an outcome (succeeded, failed, ...) | abandoned | cancelled
    pub status: String,
    pub attempt: i64,
    pub max_attempts: i64,
    pub params: Value,
    pub dry_run: bool,
    pub output: Option<Value>,
    pub error: Option<ExecutionError>,
    pub fuel_consumed: Option<i64>,
    pub peak_memory_bytes: Option<i64>,
    pub wall_time_us: Option<i64>,
    pub queued_at: i64,
    pub finished_at: Option<i64>,
}

/// Why an execution did not succeed.
#[derive(Serialize, JsonSchema)]
pub struct ExecutionError {
    pub message: String,
    pub detail: Option<String>,
}

pub fn execution(execution: &store::ExecutionRecord) -> Execution {
    Execution {
        id: execution.id.clone(),
        runbook_id: execution.runbook_id.clone(),
        environment: execution.environment.clone(),
        version_id: execution.version_id.clone(),
        rule_id: execution.rule_id.clone(),
        status: execution.status.as_str().to_owned(),
        attempt: execution.attempt,
        max_attempts: execution.max_attempts,
        params: execution.params.clone(),
        dry_run: execution.dry_run,
        output: execution.output.clone(),
        error: execution
            .error_message
            .as_ref()
            .map(|message| ExecutionError {
                message: message.clone(),
                detail: execution.error_detail.clone(),
            }),
        fuel_consumed: execution.fuel_consumed,
        peak_memory_bytes: execution.peak_memory_bytes,
        wall_time_us: execution.wall_time_us,
        queued_at: execution.queued_at,
        finished_at: execution.finished_at,
    }
}

/// One log record of an attempt.
#[derive(Serialize, JsonSchema)]
pub struct LogLine {
    pub attempt: i64,
    pub seq: i64,
    pub at_ms: i64,
    pub level: String,
    pub stream: String,
    pub message: String,
    pub fields: Option<Value>,
}

pub fn log_line(line: &store::LogLine) -> LogLine {
    LogLine {
        attempt: line.attempt,
        seq: line.seq,
        at_ms: line.at_ms,
        level: line.level.clone(),
        stream: line.stream.clone(),
        message: line.message.clone(),
        fields: line.fields.clone(),
    }
}

#[derive(Serialize, JsonSchema)]
pub struct Attempt {
    pub attempt: i64,
    pub runner: String,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub outcome: Option<String>,
    /// When its runner stopped it after a cancel and wrote its last lines.
    pub stopped_at: Option<i64>,
    /// What the log quota dropped of this attempt's log.
    pub log_dropped: DroppedLog,
}

/// Log records past the attempt's `max_log_lines` / `max_log_bytes`.
#[derive(Serialize, JsonSchema)]
pub struct DroppedLog {
    pub lines: i64,
    pub bytes: i64,
}

pub fn attempt(attempt: &store::AttemptRecord) -> Attempt {
    Attempt {
        attempt: attempt.attempt,
        runner: attempt.runner.clone(),
        started_at: attempt.started_at,
        finished_at: attempt.finished_at,
        outcome: attempt.outcome.clone(),
        stopped_at: attempt.stopped_at,
        log_dropped: DroppedLog {
            lines: attempt.log_dropped.lines,
            bytes: attempt.log_dropped.bytes,
        },
    }
}

/// One host call of a runbook, from the audit trail.
#[derive(Serialize, JsonSchema)]
pub struct HostCall {
    pub attempt: i64,
    pub seq: i64,
    pub at: i64,
    pub interface: String,
    pub operation: String,
    pub target: String,
    /// succeeded | failed | denied | simulated | replayed
    pub outcome: String,
    pub error: Option<String>,
    pub side_effect: bool,
    pub duration_us: i64,
}

pub fn host_call(call: &store::HostCall) -> HostCall {
    HostCall {
        attempt: call.attempt,
        seq: call.seq,
        at: call.at,
        interface: call.interface.clone(),
        operation: call.operation.clone(),
        target: call.target.clone(),
        outcome: call.outcome.clone(),
        error: call.error.clone(),
        side_effect: call.side_effect,
        duration_us: call.duration_us,
    }
}

/// An event; a rejected body is shown as text (lossy) with its reason.
#[derive(Serialize, JsonSchema)]
pub struct Event {
    pub id: String,
    pub environment: String,
    pub source: String,
    pub kind: String,
    /// accepted | rejected
    pub status: String,
    pub dedupe_key: Option<String>,
    pub payload: Option<Value>,
    pub raw_body: Option<String>,
    pub error: Option<String>,
    pub received_at: i64,
    /// How many runbook emissions led to it (0: from outside).
    pub depth: i64,
    /// The execution that emitted it, if a runbook did.
    pub emitted_by: Option<String>,
}

pub fn event(event: &store::EventRecord) -> Event {
    Event {
        id: event.id.clone(),
        environment: event.environment.clone(),
        source: event.source.clone(),
        kind: event.kind.clone(),
        status: event.status.clone(),
        dedupe_key: event.dedupe_key.clone(),
        payload: event.payload.clone(),
        raw_body: event
            .raw_body
            .as_ref()
            .map(|b| String::from_utf8_lossy(b).into_owned()),
        error: event.error.clone(),
        received_at: event.received_at,
        depth: event.depth,
        emitted_by: event.emitted_by.clone(),
    }
}

/// One change in the audit log.
#[derive(Serialize, JsonSchema)]
pub struct AuditEntry {
    pub id: String,
    pub at: i64,
    /// `team/token-name`
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: Option<Value>,
}

pub fn audit(entry: &store::AuditEntry) -> AuditEntry {
    AuditEntry {
        id: entry.id.clone(),
        at: entry.at,
        actor: entry.actor.clone(),
        action: entry.action.clone(),
        target: entry.target.clone(),
        detail: entry.detail.clone(),
    }
}

/// A page of items with the cursor of the next page (null: last page).
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "{T}Page")]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

pub fn page<T>(items: Vec<T>, next_cursor: Option<String>) -> Page<T> {
    Page { items, next_cursor }
}

/// All of a kind at once (lists that are not paged).
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "{T}List")]
pub struct List<T> {
    pub items: Vec<T>,
}

pub fn list<T>(items: Vec<T>) -> List<T> {
    List { items }
}
