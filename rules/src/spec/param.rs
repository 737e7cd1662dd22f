//! Parameter mappings as written: a JSON path, a template or a literal.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How one runbook parameter is computed from the event. In JSON exactly
/// one of `path`, `template` or `value` is given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawParam", into = "RawParam")]
pub enum ParamSpec {
    /// First node the path selects in the payload, optionally converted;
    /// `default` (converted too) when the path selects nothing.
    Path {
        path: String,
        ty: Option<ValueType>,
        default: Option<Value>,
    },
    /// Rendered string, optionally converted.
    Template {
        template: String,
        ty: Option<ValueType>,
    },
    /// Literal JSON.
    Value { value: Value },
}

/// Target type of a parameter (`"type"` in JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueType {
    String,
    Integer,
    Number,
    Boolean,
    /// Path: the selected JSON as is. Template: the rendered text parsed as JSON.
    Json,
}

impl ValueType {
    /// The noun used in messages: "yielded "three", not an integer".
    pub(crate) fn noun(self) -> &'static str {
        match self {
            ValueType::String => "a string",
            ValueType::Integer => "an integer",
            ValueType::Number => "a number",
            ValueType::Boolean => "a boolean",
            ValueType::Json => "JSON",
        }
    }
}

impl fmt::Display for ValueType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            ValueType::String => "string",
            ValueType::Integer => "integer",
            ValueType::Number => "number",
            ValueType::Boolean => "boolean",
            ValueType::Json => "json",
        };
        f.write_str(name)
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParam {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    template: Option<String>,
    #[serde(
        default,
        deserialize_with = "super::present",
        skip_serializing_if = "Option::is_none"
    )]
    value: Option<Value>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    ty: Option<ValueType>,
    #[serde(
        default,
        deserialize_with = "super::present",
        skip_serializing_if = "Option::is_none"
    )]
    default: Option<Value>,
}

impl TryFrom<RawParam> for ParamSpec {
    type Error = String;

    fn try_from(raw: RawParam) -> Result<Self, String> {
        match raw {
            RawParam {
                path: Some(path),
                template: None,
                value: None,
                ty,
                default,
            } => Ok(ParamSpec::Path { path, ty, default }),
            RawParam {
                path: None,
                template: Some(template),
                value: None,
                ty,
                default: None,
            } => Ok(ParamSpec::Template { template, ty }),
            RawParam {
                path: None,
                template: None,
                value: Some(value),
                ty: None,
                default: None,
            } => Ok(ParamSpec::Value { value }),
            RawParam {
                path: None,
                template: Some(_),
                value: None,
                default: Some(_),
                ..
            } => Err("`default` applies to `path` only; in a template use \
                 `{{ x | default(...) }}`"
                .into()),
            RawParam {
                path: None,
                template: None,
                value: Some(_),
                ..
            } => Err("a literal `value` takes no `type` or `default`".into()),
            RawParam {
                path: None,
                template: None,
                value: None,
                ..
            } => Err("parameter needs one of `path`, `template` or `value`".into()),
            _ => Err("parameter takes only one of `path`, `template` or `value`".into()),
        }
    }
}

impl From<ParamSpec> for RawParam {
    fn from(spec: ParamSpec) -> Self {
        let mut raw = RawParam {
            path: None,
            template: None,
            value: None,
            ty: None,
            default: None,
        };
        match spec {
            ParamSpec::Path { path, ty, default } => {
                raw.path = Some(path);
                raw.ty = ty;
                raw.default = default;
            }
            ParamSpec::Template { template, ty } => {
                raw.template = Some(template);
                raw.ty = ty;
            }
            ParamSpec::Value { value } => raw.value = Some(value),
        }
        raw
    }
}
