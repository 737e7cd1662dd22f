//! The management API under `/api/v1`: one table of routes. The router and
//! the OpenAPI document are both built from it, so neither can list a route
//! the other lacks.

pub mod audit;
pub mod deployments;
pub mod events;
pub mod executions;
pub mod grants;
pub mod kv;
pub mod log_stream;
pub mod lookup;
pub mod quotas;
pub mod rules;
pub mod runbooks;
pub mod secrets;
pub mod teams;
pub mod tokens;
pub mod versions;
pub mod views;

use axum::http::Method;
use axum::routing::{MethodRouter, delete, get, patch, post, put};

use crate::AppState;

/// One route: what the OpenAPI document says about it, and its handler.
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub tag: &'static str,
    pub summary: &'static str,
    /// The weakest role that may call it; `None`: not authenticated by an
    /// API token (webhooks, health, this document).
    pub role: Option<&'static str>,
    /// Name of the request body's schema in the document's components.
    pub body: Option<&'static str>,
    /// Query parameters.
    pub query: &'static [&'static str],
    pub handler: MethodRouter<AppState>,
}

#[allow(clippy::too_many_arguments)]
fn route(
    method: Method,
    path: &'static str,
    tag: &'static str,
    summary: &'static str,
    role: Option<&'static str>,
    body: Option<&'static str>,
    query: &'static [&'static str],
    handler: MethodRouter<AppState>,
) -> Route {
    Route {
        method,
        path,
        tag,
        summary,
        role,
        body,
        query,
        handler,
    }
}

const VIEWER: Option<&str> = Some("viewer");
const AUTHOR: Option<&str> = Some("author");
/// Author in every environment but the last, operator there.
const AUTHOR_OR_OPERATOR: Option<&str> = Some("author (operator for the last environment)");
const OPERATOR: Option<&str> = Some("operator");
const ADMIN: Option<&str> = Some("admin");
const PAGE: &[&str] = &["cursor", "limit"];

/// Every route of the API.
pub fn routes() -> Vec<Route> {
    use Method as M;
    vec![
        route(M::GET, "/api/v1/whoami", "teams", "The token's team and role", VIEWER, None, &[], get(teams::whoami)),
        route(M::GET, "/api/v1/teams", "teams", "The caller's team", VIEWER, None, &[], get(teams::list)),
        route(M::POST, "/api/v1/teams", "teams", "Create a team and its first admin token", ADMIN, Some("NewTeam"), &[], post(teams::create)),
        route(M::GET, "/api/v1/teams/{team}", "teams", "One team (only the caller's)", VIEWER, None, &[], get(teams::show)),
        route(M::GET, "/api/v1/tokens", "tokens", "The team's tokens (never their secrets)", ADMIN, None, &[], get(tokens::list)),
        route(M::POST, "/api/v1/tokens", "tokens", "Create a token; its secret is shown once", ADMIN, Some("NewToken"), &[], post(tokens::create)),
        route(M::DELETE, "/api/v1/tokens/{token}", "tokens", "Revoke a token", ADMIN, None, &[], delete(tokens::revoke)),
        route(M::GET, "/api/v1/runbooks", "runbooks", "Runbooks with each environment's version and last outcome", VIEWER, None, &[], get(runbooks::list)),
        route(M::POST, "/api/v1/runbooks", "runbooks", "Create a runbook", AUTHOR, Some("NewRunbook"), &[], post(runbooks::create)),
        route(M::GET, "/api/v1/runbooks/{runbook}", "runbooks", "One runbook with its deployments", VIEWER, None, &[], get(runbooks::show)),
        route(M::PATCH, "/api/v1/runbooks/{runbook}", "runbooks", "Change the description", AUTHOR, Some("RunbookPatch"), &[], patch(runbooks::update)),
        route(M::GET, "/api/v1/runbooks/{runbook}/quotas", "quotas", "Attempts, concurrency and execution quotas", VIEWER, None, &[], get(quotas::show)),
        route(M::PUT, "/api/v1/runbooks/{runbook}/quotas", "quotas", "Set attempts, concurrency and execution quotas", OPERATOR, Some("Quotas"), &[], put(quotas::update)),
        route(M::GET, "/api/v1/runbooks/{runbook}/versions", "versions", "Versions, newest first, with the environments running them", VIEWER, None, &[], get(versions::list)),
        route(M::POST, "/api/v1/runbooks/{runbook}/versions", "versions", "Save Python source: build it into a new version and deploy it to the first environment", AUTHOR, Some("SaveSource"), &[], post(versions::create)),
        route(M::GET, "/api/v1/runbooks/{runbook}/versions/{number}", "versions", "One version with its source files and build log", VIEWER, None, &[], get(versions::show)),
        route(M::GET, "/api/v1/runbooks/{runbook}/deployments", "deployments", "What each environment runs, and the history of changes", VIEWER, None, &[], get(deployments::list)),
        route(M::POST, "/api/v1/runbooks/{runbook}/promote", "deployments", "Promote a version to the next environment (force: any order, operators only)", AUTHOR_OR_OPERATOR, Some("Promotion"), &[], post(deployments::promote)),
        route(M::POST, "/api/v1/runbooks/{runbook}/rollback", "deployments", "Point an environment back at a version it ran before", AUTHOR_OR_OPERATOR, Some("Rollback"), &[], post(deployments::rollback)),
        route(M::GET, "/api/v1/runbooks/{runbook}/rules", "rules", "The runbook's rules", VIEWER, None, &[], get(rules::list)),
        route(M::POST, "/api/v1/runbooks/{runbook}/rules", "rules", "Create a rule (the spec is compiled first)", AUTHOR_OR_OPERATOR, Some("NewRule"), &[], post(rules::create)),
        route(M::POST, "/api/v1/runbooks/{runbook}/rules/test", "rules", "Would this event match, and with which parameters?", VIEWER, Some("RuleTest"), &[], post(rules::test)),
        route(M::GET, "/api/v1/runbooks/{runbook}/rules/{rule}", "rules", "One rule", VIEWER, None, &[], get(rules::show)),
        route(M::PUT, "/api/v1/runbooks/{runbook}/rules/{rule}", "rules", "Change a rule's spec or enabled flag", AUTHOR_OR_OPERATOR, Some("RuleChange"), &[], put(rules::update)),
        route(M::DELETE, "/api/v1/runbooks/{runbook}/rules/{rule}", "rules", "Delete a rule", AUTHOR_OR_OPERATOR, None, &[], delete(rules::delete)),
        route(M::GET, "/api/v1/runbooks/{runbook}/grants/{environment}", "grants", "The grant in one environment ({} grants nothing)", VIEWER, None, &[], get(grants::show)),
        route(M::PUT, "/api/v1/runbooks/{runbook}/grants/{environment}", "grants", "Set the grant in one environment", OPERATOR, Some("Grant"), &[], put(grants::update)),
        route(M::GET, "/api/v1/runbooks/{runbook}/failure-notifications/{environment}", "grants", "Notify targets told when an execution does not succeed", VIEWER, None, &[], get(grants::show_notifications)),
        route(M::PUT, "/api/v1/runbooks/{runbook}/failure-notifications/{environment}", "grants", "Set the failure notify targets", OPERATOR, Some("Targets"), &[], put(grants::update_notifications)),
        route(M::POST, "/api/v1/runbooks/{runbook}/runs", "runs", "Run the deployed version by hand with a sample event (optionally dry-run)", AUTHOR_OR_OPERATOR, Some("Run"), &[], post(crate::runs::create_for_runbook)),
        route(M::POST, "/api/v1/runs", "runs", "Run a runbook named in the body by hand", AUTHOR_OR_OPERATOR, Some("RunRequest"), &[], post(crate::runs::create)),
        route(M::GET, "/api/v1/secrets", "secrets", "Names of the team's secrets (never values)", VIEWER, None, &[], get(secrets::list)),
        route(M::PUT, "/api/v1/secrets/{environment}/{name}", "secrets", "Set a secret (write-only)", OPERATOR, Some("SecretValue"), &[], put(secrets::put)),
        route(M::DELETE, "/api/v1/secrets/{environment}/{name}", "secrets", "Delete a secret", OPERATOR, None, &[], delete(secrets::delete)),
        route(M::GET, "/api/v1/executions", "executions", "Executions newest first, filtered, cursor-paged", VIEWER, None, &["runbook", "environment", "status", "since", "until", "cursor", "limit"], get(executions::list)),
        route(M::GET, "/api/v1/executions/{execution}", "executions", "One execution with attempts, events, logs and host-call audit trail", VIEWER, None, &[], get(crate::executions::show)),
        route(M::GET, "/api/v1/executions/{execution}/logs/stream", "executions", "Logs as server-sent events (status, log, end) while it runs", VIEWER, None, &[], get(log_stream::stream)),
        route(M::GET, "/api/v1/events", "events", "Events that reached the team's runbooks, or rejected bodies (admins)", VIEWER, None, &["status", "cursor", "limit"], get(events::list)),
        route(M::POST, "/api/v1/events/{source}", "events", "Webhook sensor (authenticated per source, not by API token)", None, Some("WebhookBody"), &[], post(crate::events::receive)),
        route(M::GET, "/api/v1/kv/{environment}", "kv", "Key-value entries of a runbook or of the team", VIEWER, None, &["runbook", "prefix", "limit"], get(kv::list)),
        route(M::GET, "/api/v1/audit", "audit", "The team's audit log, newest first", VIEWER, None, PAGE, get(audit::list)),
        route(M::GET, "/api/openapi.json", "meta", "This document", None, None, &[], get(crate::openapi::serve)),
        route(M::GET, "/healthz", "meta", "Liveness", None, None, &[], get(|| async { "ok" })),
    ]
}
