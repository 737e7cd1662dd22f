//! Parameter mappings compiled for evaluation.

use serde_json::Value;
use serde_json_path::JsonPath;

use crate::compare::brief;
use crate::convert::{convert, convert_rendered};
use crate::pattern;
use crate::spec::{ParamSpec, ValueType};
use crate::template::{Context, Templates};
use crate::{MappingError, RuleError};

#[derive(Debug)]
pub(crate) struct CompiledParam {
    pub(crate) name: String,
    location: String,
    mapping: Mapping,
}

#[derive(Debug)]
enum Mapping {
    Path {
        path: JsonPath,
        text: String,
        ty: Option<ValueType>,
        /// Already converted to `ty`.
        default: Option<Value>,
    },
    /// Registered in [`Templates`] under the parameter's location.
    Template {
        ty: Option<ValueType>,
    },
    Literal(Value),
}

impl CompiledParam {
    pub(crate) fn compile(
        name: &str,
        spec: &ParamSpec,
        templates: &mut Templates,
    ) -> Result<Self, RuleError> {
        let location = format!("params.{name}");
        if name.trim().is_empty() {
            return Err(RuleError::new(
                "params",
                "parameter names must not be empty",
            ));
        }
        let mapping = match spec {
            ParamSpec::Path { path, ty, default } => {
                let default = match (default, ty) {
                    (Some(value), Some(ty)) => Some(convert(value, *ty).ok_or_else(|| {
                        RuleError::new(
                            location.as_str(),
                            format!("default {} is not {}", brief(value), ty.noun()),
                        )
                    })?),
                    (default, _) => default.clone(),
                };
                Mapping::Path {
                    path: pattern::json_path(&location, path)?,
                    text: path.clone(),
                    ty: *ty,
                    default,
                }
            }
            ParamSpec::Template { template, ty } => {
                templates.add(&location, template)?;
                Mapping::Template { ty: *ty }
            }
            ParamSpec::Value { value } => Mapping::Literal(value.clone()),
        };
        Ok(Self {
            name: name.to_owned(),
            location,
            mapping,
        })
    }

    pub(crate) fn map(
        &self,
        payload: &Value,
        templates: &Templates,
        context: &Context<'_>,
    ) -> Result<Value, MappingError> {
        let fail = |problem: String| MappingError::new(self.location.as_str(), problem);
        match &self.mapping {
            Mapping::Path {
                path,
                text,
                ty,
                default,
            } => {
                // Several nodes: the first one, in document order.
                let Some(node) = path.query(payload).first() else {
                    return default.clone().ok_or_else(|| {
                        fail(format!(
                            "path {text} matched nothing and there is no default"
                        ))
                    });
                };
                match ty {
                    None => Ok(node.clone()),
                    Some(ty) => convert(node, *ty).ok_or_else(|| {
                        fail(format!(
                            "path {text} yielded {}, not {}",
                            brief(node),
                            ty.noun()
                        ))
                    }),
                }
            }
            Mapping::Template { ty } => {
                let text = templates.render(&self.location, context.get())?;
                match ty {
                    None => Ok(Value::String(text)),
                    Some(ty) => convert_rendered(&text, *ty).map_err(|why| {
                        fail(format!(
                            "template rendered {}, {why}",
                            brief(&Value::String(text))
                        ))
                    }),
                }
            }
            Mapping::Literal(value) => Ok(value.clone()),
        }
    }
}
