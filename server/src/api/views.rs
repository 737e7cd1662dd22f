//! The JSON shapes of the API's resources, in one place so every route
//! shows a thing the same way. Times are milliseconds since the epoch.

use serde_json::{Value, json};
use wolfe_store::{
    AttemptRecord, AuditEntry, Deployment, DeploymentChange, EventRecord, ExecutionRecord,
    HostCall, LogLine, RuleErrorRecord, RuleRecord, Runbook, TokenRecord, Version,
};

pub fn runbook(runbook: &Runbook) -> Value {
    json!({
        "id": runbook.id,
        "name": runbook.name,
        "description": runbook.description,
        "max_attempts": runbook.max_attempts,
        "concurrency_limit": runbook.concurrency_limit,
        "quotas": runbook.quotas,
        "archived": runbook.archived.as_ref().map(|a| json!({"at": a.at, "by": a.by})),
    })
}

pub fn version(version: &Version, deployed_in: &[String]) -> Value {
    json!({
        "id": version.id,
        "number": version.number,
        "artifact_sha256": version.artifact_sha256,
        "language": version.language,
        "author": version.author,
        "message": version.message,
        "capabilities": version.capabilities,
        "created_at": version.created_at,
        "deployed_in": deployed_in,
    })
}

pub fn deployment(deployment: &Deployment) -> Value {
    json!({
        "environment": deployment.environment,
        "version": deployment.version_number,
        "version_id": deployment.version_id,
        "artifact_sha256": deployment.artifact_sha256,
    })
}

pub fn deployment_change(change: &DeploymentChange) -> Value {
    json!({
        "environment": change.environment,
        "version": change.version_number,
        "version_id": change.version_id,
        "action": change.action,
        "actor": change.actor,
        "at": change.at,
    })
}

pub fn rule(rule: &RuleRecord) -> Value {
    json!({
        "id": rule.id,
        "name": rule.name,
        "environment": rule.environment,
        "enabled": rule.enabled,
        "spec": rule.spec,
    })
}

pub fn rule_error(error: &RuleErrorRecord) -> Value {
    json!({
        "id": error.id,
        "rule_id": error.rule_id,
        "environment": error.environment,
        "event_id": error.event_id,
        "message": error.message,
        "at": error.at,
    })
}

pub fn token(token: &TokenRecord) -> Value {
    json!({
        "id": token.id,
        "name": token.name,
        "role": token.role.as_str(),
        "created_by": token.created_by,
        "created_at": token.created_at,
        "revoked_at": token.revoked_at,
    })
}

pub fn execution(execution: &ExecutionRecord) -> Value {
    json!({
        "id": execution.id,
        "runbook_id": execution.runbook_id,
        "environment": execution.environment,
        "version_id": execution.version_id,
        "rule_id": execution.rule_id,
        "status": execution.status.as_str(),
        "attempt": execution.attempt,
        "max_attempts": execution.max_attempts,
        "params": execution.params,
        "dry_run": execution.dry_run,
        "output": execution.output,
        "error": execution.error_message.as_ref()
            .map(|m| json!({"message": m, "detail": execution.error_detail})),
        "fuel_consumed": execution.fuel_consumed,
        "peak_memory_bytes": execution.peak_memory_bytes,
        "wall_time_us": execution.wall_time_us,
        "queued_at": execution.queued_at,
        "finished_at": execution.finished_at,
    })
}

pub fn log_line(line: &LogLine) -> Value {
    json!({"attempt": line.attempt, "seq": line.seq, "at_ms": line.at_ms, "level": line.level,
           "stream": line.stream, "message": line.message, "fields": line.fields})
}

pub fn attempt(attempt: &AttemptRecord) -> Value {
    json!({"attempt": attempt.attempt, "runner": attempt.runner, "started_at": attempt.started_at,
           "finished_at": attempt.finished_at, "outcome": attempt.outcome,
           "stopped_at": attempt.stopped_at,
           "log_dropped": {"lines": attempt.log_dropped.lines, "bytes": attempt.log_dropped.bytes}})
}

pub fn host_call(call: &HostCall) -> Value {
    json!({
        "attempt": call.attempt,
        "seq": call.seq,
        "at": call.at,
        "interface": call.interface,
        "operation": call.operation,
        "target": call.target,
        "outcome": call.outcome,
        "error": call.error,
        "side_effect": call.side_effect,
        "duration_us": call.duration_us,
    })
}

/// An event; a rejected body is shown as text (lossy) with its reason.
pub fn event(event: &EventRecord) -> Value {
    json!({
        "id": event.id,
        "environment": event.environment,
        "source": event.source,
        "kind": event.kind,
        "status": event.status,
        "dedupe_key": event.dedupe_key,
        "payload": event.payload,
        "raw_body": event.raw_body.as_ref().map(|b| String::from_utf8_lossy(b).into_owned()),
        "error": event.error,
        "received_at": event.received_at,
        "depth": event.depth,
        "emitted_by": event.emitted_by,
    })
}

pub fn audit(entry: &AuditEntry) -> Value {
    json!({
        "id": entry.id,
        "at": entry.at,
        "actor": entry.actor,
        "action": entry.action,
        "target": entry.target,
        "detail": entry.detail,
    })
}

/// A page of items with the cursor of the next page (null: last page).
pub fn page(items: Vec<Value>, next_cursor: Option<String>) -> Value {
    json!({"items": items, "next_cursor": next_cursor})
}
