//! A runbook's rules: list, create, read, change, delete, and "would this
//! event match, and with which parameters?" without storing or running
//! anything. Specs are compiled when saved, so a saved rule always compiles;
//! intake's compiled-rule cache is dropped after every change.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use wolfe_rules::{CompiledRule, EventView, RuleSpec};
use wolfe_store::NewRule;

use crate::api::lookup;
use crate::api::views::{self, List};
use crate::auth::Caller;
use crate::body::Body;
use crate::{ApiError, AppState};

/// Compiles a spec, or a 400 naming the offending part (`spec.criteria.all[1]`).
fn compile(spec: &Value) -> Result<CompiledRule, ApiError> {
    let located = |location: &str, problem: String| {
        let field = if location.is_empty() {
            "spec".to_owned()
        } else {
            format!("spec.{location}")
        };
        ApiError::invalid(format!("invalid rule at `{field}`: {problem}")).with("field", field)
    };
    let parsed =
        RuleSpec::from_json(&spec.to_string()).map_err(|e| located(&e.location, e.problem))?;
    CompiledRule::compile(&parsed).map_err(|e| located(&e.location, e.problem))
}

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> Result<Json<List<views::Rule>>, ApiError> {
    let runbook = lookup::runbook(&state, &caller, &name).await?;
    let rules = state.store.runbook_rules(&runbook.id).await?;
    Ok(Json(views::list(rules.iter().map(views::rule).collect())))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewRuleBody {
    name: String,
    environment: String,
    spec: Value,
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    Body(new): Body<NewRuleBody>,
) -> Result<(StatusCode, Json<views::Rule>), ApiError> {
    let runbook = lookup::runbook(&state, &caller, &name).await?;
    state.environment_index(&new.environment)?;
    caller.require(state.role_to_change(&new.environment))?;
    lookup::writable(&runbook)?;
    lookup::check_name("rule", &new.name)?;
    compile(&new.spec)?;
    let rule = state
        .store
        .create_rule(
            NewRule {
                runbook_id: runbook.id,
                environment: new.environment,
                name: new.name,
                spec: new.spec,
            },
            &caller.actor(),
        )
        .await?;
    state.intake.rules().invalidate().await;
    Ok((StatusCode::CREATED, Json(views::rule(&rule))))
}

pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path((name, id)): Path<(String, String)>,
) -> Result<Json<views::Rule>, ApiError> {
    let runbook = lookup::runbook(&state, &caller, &name).await?;
    let rule = lookup::rule(&state, &runbook, &id).await?;
    Ok(Json(views::rule(&rule)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleChange {
    #[serde(default)]
    spec: Option<Value>,
    #[serde(default)]
    enabled: Option<bool>,
}

pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path((name, id)): Path<(String, String)>,
    Body(change): Body<RuleChange>,
) -> Result<Json<views::Rule>, ApiError> {
    let runbook = lookup::runbook(&state, &caller, &name).await?;
    let mut rule = lookup::rule(&state, &runbook, &id).await?;
    caller.require(state.role_to_change(&rule.environment))?;
    lookup::writable(&runbook)?;
    if change.spec.is_none() && change.enabled.is_none() {
        return Err(ApiError::invalid(
            "nothing to change: give spec and/or enabled",
        ));
    }
    if let Some(spec) = change.spec {
        compile(&spec)?;
        rule.spec = spec;
    }
    if let Some(enabled) = change.enabled {
        rule.enabled = enabled;
    }
    state.store.update_rule(&rule, &caller.actor()).await?;
    state.intake.rules().invalidate().await;
    Ok(Json(views::rule(&rule)))
}

pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path((name, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let runbook = lookup::runbook(&state, &caller, &name).await?;
    let rule = lookup::rule(&state, &runbook, &id).await?;
    caller.require(state.role_to_change(&rule.environment))?;
    lookup::writable(&runbook)?;
    state.store.delete_rule(&rule, &caller.actor()).await?;
    state.intake.rules().invalidate().await;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleTest {
    /// A spec to try (e.g. one being edited)...
    #[serde(default)]
    spec: Option<Value>,
    /// ... or the id of a stored rule of this runbook.
    #[serde(default)]
    rule_id: Option<String>,
    event: TestEvent,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestEvent {
    source: String,
    kind: String,
    #[serde(default)]
    payload: Value,
}

/// Whether a test event would match, how each condition fared, and the
/// parameters an execution would get.
#[derive(Serialize, JsonSchema)]
pub struct RuleTestResult {
    /// The criteria held.
    pub triggered: bool,
    /// The rule would fire (its parameters mapped, or failed to).
    pub matched: bool,
    pub params: Option<serde_json::Map<String, Value>>,
    pub correlation_key: Option<String>,
    /// Why the parameters could not be mapped (nothing would run).
    pub mapping_error: Option<String>,
    pub conditions: Vec<RuleCondition>,
}

#[derive(Serialize, JsonSchema)]
pub struct RuleCondition {
    /// Where in the spec, e.g. `criteria.all[1]`.
    pub location: String,
    /// Nesting depth, for indentation.
    pub depth: usize,
    pub condition: String,
    pub held: bool,
}

pub async fn test(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    Body(test): Body<RuleTest>,
) -> Result<Json<RuleTestResult>, ApiError> {
    let runbook = lookup::runbook(&state, &caller, &name).await?;
    let spec = match (test.spec, test.rule_id) {
        (Some(spec), None) => spec,
        (None, Some(id)) => lookup::rule(&state, &runbook, &id).await?.spec,
        _ => return Err(ApiError::invalid("give exactly one of spec and rule_id")),
    };
    let rule = compile(&spec)?;
    let received_at = humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string();
    let view = EventView {
        id: "test",
        source: &test.event.source,
        kind: &test.event.kind,
        received_at: &received_at,
        payload: &test.event.payload,
    };
    let explanation = rule.explain(&view);
    let conditions = explanation
        .conditions
        .iter()
        .map(|c| RuleCondition {
            location: c.location.clone(),
            depth: c.depth,
            condition: c.description.clone(),
            held: c.held,
        })
        .collect();
    let (matched, params, correlation_key, mapping_error) = match &explanation.result {
        Ok(Some(m)) => (
            true,
            Some(m.params.clone()),
            m.correlation.as_ref().map(|c| c.key.clone()),
            None,
        ),
        Ok(None) => (false, None, None, None),
        Err(e) => (true, None, None, Some(e.to_string())),
    };
    Ok(Json(RuleTestResult {
        triggered: explanation.triggered,
        matched,
        params,
        correlation_key,
        mapping_error,
        conditions,
    }))
}
