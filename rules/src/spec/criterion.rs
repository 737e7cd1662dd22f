//! Criteria as written: conditions and their `all`/`any`/`not` combinators.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One node of the criteria tree. In JSON a node is either a condition
/// (`{"path": ..., "op": ..., "value": ...}`) or exactly one of
/// `{"all": [...]}`, `{"any": [...]}`, `{"not": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawCriterion", into = "RawCriterion")]
pub enum Criterion {
    All(Vec<Criterion>),
    Any(Vec<Criterion>),
    Not(Box<Criterion>),
    Condition(Condition),
}

/// A test on the nodes a JSON path selects in the payload.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub path: String,
    pub op: Op,
    /// Required by every operator except `exists`.
    pub value: Option<Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Gte,
    Lt,
    Lte,
    Contains,
    Regex,
    Glob,
    Exists,
    In,
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Op::Eq => "eq",
            Op::Ne => "ne",
            Op::Gt => "gt",
            Op::Gte => "gte",
            Op::Lt => "lt",
            Op::Lte => "lte",
            Op::Contains => "contains",
            Op::Regex => "regex",
            Op::Glob => "glob",
            Op::Exists => "exists",
            Op::In => "in",
        };
        f.write_str(name)
    }
}

/// The JSON object with every key optional, so that a typo gets serde's
/// "unknown field" message instead of an untagged enum's "did not match
/// any variant".
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCriterion {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    all: Option<Vec<Criterion>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    any: Option<Vec<Criterion>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    not: Option<Box<Criterion>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    op: Option<Op>,
    #[serde(
        default,
        deserialize_with = "super::present",
        skip_serializing_if = "Option::is_none"
    )]
    value: Option<Value>,
}

impl TryFrom<RawCriterion> for Criterion {
    type Error = String;

    fn try_from(raw: RawCriterion) -> Result<Self, String> {
        let RawCriterion {
            all,
            any,
            not,
            path,
            op,
            value,
        } = raw;
        let is_condition = path.is_some() || op.is_some() || value.is_some();
        let shapes = [all.is_some(), any.is_some(), not.is_some(), is_condition];
        if shapes.iter().filter(|&&s| s).count() > 1 {
            return Err(
                "a criterion is exactly one of a condition (`path`, `op`, `value`), \
                 `all`, `any` or `not`"
                    .into(),
            );
        }
        if let Some(children) = all {
            return Ok(Criterion::All(children));
        }
        if let Some(children) = any {
            return Ok(Criterion::Any(children));
        }
        if let Some(child) = not {
            return Ok(Criterion::Not(child));
        }
        match (path, op) {
            (Some(path), Some(op)) => Ok(Criterion::Condition(Condition { path, op, value })),
            (None, Some(_)) => Err("condition is missing `path`".into()),
            (Some(_), None) => Err("condition is missing `op`".into()),
            (None, None) if value.is_some() => Err("condition is missing `path` and `op`".into()),
            (None, None) => Err("empty criterion: expected a condition \
                 (`path`, `op`, `value`) or one of `all`, `any`, `not`"
                .into()),
        }
    }
}

impl From<Criterion> for RawCriterion {
    fn from(criterion: Criterion) -> Self {
        let mut raw = RawCriterion {
            all: None,
            any: None,
            not: None,
            path: None,
            op: None,
            value: None,
        };
        match criterion {
            Criterion::All(children) => raw.all = Some(children),
            Criterion::Any(children) => raw.any = Some(children),
            Criterion::Not(child) => raw.not = Some(child),
            Criterion::Condition(Condition { path, op, value }) => {
                raw.path = Some(path);
                raw.op = Some(op);
                raw.value = value;
            }
        }
        raw
    }
}
