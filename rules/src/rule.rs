//! A rule compiled once, evaluated against every event of its environment.

use std::time::Duration;

use globset::GlobMatcher;
use serde_json::{Map, Value};

use crate::criteria::CompiledCriterion;
use crate::explain::Explanation;
use crate::params::CompiledParam;
use crate::spec::{CorrelationSpec, RuleSpec};
use crate::template::{Context, Templates};
use crate::{EventView, MappingError, RuleError, pattern};

const CORRELATION_KEY: &str = "correlation.key";

/// A [`RuleSpec`] with every pattern, path and template parsed and checked.
#[derive(Debug)]
pub struct CompiledRule {
    /// `None`: any source.
    source: Option<String>,
    kind: GlobMatcher,
    criteria: Option<CompiledCriterion>,
    params: Vec<CompiledParam>,
    correlation: Option<CompiledCorrelation>,
    templates: Templates,
}

#[derive(Debug)]
struct CompiledCorrelation {
    has_key: bool,
    window: Duration,
}

/// What a matching rule hands to the pipeline.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleMatch {
    /// The runbook's parameters, by name.
    pub params: Map<String, Value>,
    pub correlation: Option<Correlation>,
}

/// The group this firing joins: same rule, same `key`, within `window`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correlation {
    /// Rendered key template; empty when the rule has no key.
    pub key: String,
    pub window: Duration,
}

impl CompiledRule {
    /// Checks everything that can be checked without an event. The first
    /// problem found is returned, with its location.
    pub fn compile(spec: &RuleSpec) -> Result<Self, RuleError> {
        let source = match spec.source.as_str() {
            "" => {
                return Err(RuleError::new(
                    "source",
                    "must not be empty (\"*\" matches any source)",
                ));
            }
            "*" => None,
            source => Some(source.to_owned()),
        };
        if spec.kind.is_empty() {
            return Err(RuleError::new(
                "kind",
                "must not be empty (\"*\" matches any kind)",
            ));
        }
        let kind = pattern::glob("kind", &spec.kind)?;
        let criteria = spec
            .criteria
            .as_ref()
            .map(|c| CompiledCriterion::compile(c, "criteria".to_owned(), 1))
            .transpose()?;
        let mut templates = Templates::new();
        let params = spec
            .params
            .iter()
            .map(|(name, param)| CompiledParam::compile(name, param, &mut templates))
            .collect::<Result<_, _>>()?;
        let correlation = spec
            .correlation
            .as_ref()
            .map(|c| compile_correlation(c, &mut templates))
            .transpose()?;
        Ok(Self {
            source,
            kind,
            criteria,
            params,
            correlation,
            templates,
        })
    }

    /// Whether events of this source and kind are for this rule at all.
    pub fn triggers_on(&self, source: &str, kind: &str) -> bool {
        self.source.as_deref().is_none_or(|s| s == source) && self.kind.is_match(kind)
    }

    /// `Ok(None)` when the trigger or criteria do not match; `Err` when they
    /// match but a parameter or the correlation key cannot be computed.
    pub fn evaluate(&self, event: &EventView<'_>) -> Result<Option<RuleMatch>, MappingError> {
        if !self.triggers_on(event.source, event.kind) {
            return Ok(None);
        }
        if let Some(criteria) = &self.criteria
            && !criteria.holds(event.payload)
        {
            return Ok(None);
        }
        self.map(event).map(Some)
    }

    /// Like [`Self::evaluate`], recording every criteria node's result.
    pub fn explain(&self, event: &EventView<'_>) -> Explanation {
        let triggered = self.triggers_on(event.source, event.kind);
        let mut conditions = Vec::new();
        let held = self
            .criteria
            .as_ref()
            .is_none_or(|c| c.trace(event.payload, 0, &mut conditions));
        let result = if triggered && held {
            self.map(event).map(Some)
        } else {
            Ok(None)
        };
        Explanation {
            triggered,
            conditions,
            result,
        }
    }

    fn map(&self, event: &EventView<'_>) -> Result<RuleMatch, MappingError> {
        let context = Context::new(*event);
        let params = self
            .params
            .iter()
            .map(|p| {
                Ok((
                    p.name.clone(),
                    p.map(event.payload, &self.templates, &context)?,
                ))
            })
            .collect::<Result<_, MappingError>>()?;
        let correlation = match &self.correlation {
            None => None,
            Some(c) => Some(Correlation {
                key: if c.has_key {
                    self.templates.render(CORRELATION_KEY, context.get())?
                } else {
                    String::new()
                },
                window: c.window,
            }),
        };
        Ok(RuleMatch {
            params,
            correlation,
        })
    }
}

fn compile_correlation(
    spec: &CorrelationSpec,
    templates: &mut Templates,
) -> Result<CompiledCorrelation, RuleError> {
    let window = humantime::parse_duration(&spec.window).map_err(|err| {
        RuleError::new(
            "correlation.window",
            format!("invalid duration {:?}: {err}", spec.window),
        )
    })?;
    if window.is_zero() {
        return Err(RuleError::new(
            "correlation.window",
            "must be longer than zero",
        ));
    }
    if let Some(key) = &spec.key {
        templates.add(CORRELATION_KEY, key)?;
    }
    Ok(CompiledCorrelation {
        has_key: spec.key.is_some(),
        window,
    })
}
