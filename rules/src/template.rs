//! Templates (minijinja) for parameters and correlation keys: parsed and
//! checked at save time, rendered with strict undefined at event time.

use std::cell::OnceCell;

use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value, context};

use crate::{EventView, MappingError, RuleError};

/// Fields of `event` a template may use.
const EVENT_FIELDS: [&str; 4] = ["id", "source", "kind", "received_at"];

/// Bounds one render's work and memory (roughly 100k instructions or
/// 6 MB); real templates use a few dozen.
const FUEL: u64 = 100_000;

/// The templates of one rule, each registered under its location.
#[derive(Debug)]
pub(crate) struct Templates {
    env: Environment<'static>,
}

impl Templates {
    pub(crate) fn new() -> Self {
        let mut env = Environment::new();
        // A typo must fail loudly, not render as an empty string.
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        // Output is parameter text, never HTML, whatever the name's suffix.
        env.set_auto_escape_callback(|_| AutoEscape::None);
        env.set_fuel(Some(FUEL));
        // Gives render errors the span of the failing expression.
        env.set_debug(true);
        Self { env }
    }

    /// Parses `source` and checks that it only refers to `payload`, the
    /// fields of `event` and built-in functions.
    pub(crate) fn add(&mut self, location: &str, source: &str) -> Result<(), RuleError> {
        let invalid = |err: minijinja::Error| {
            RuleError::new(location, format!("invalid template: {}", describe(&err)))
        };
        self.env
            .add_template_owned(location.to_owned(), source.to_owned())
            .map_err(invalid)?;
        let template = self.env.get_template(location).map_err(invalid)?;
        let mut names: Vec<String> = template.undeclared_variables(true).into_iter().collect();
        names.sort();
        for name in names {
            let mut parts = name.split('.');
            let root = parts.next().unwrap_or_default();
            let known = match root {
                "payload" => true,
                "event" => parts
                    .next()
                    .is_none_or(|field| EVENT_FIELDS.contains(&field)),
                _ => self.env.globals().any(|(global, _)| global == root),
            };
            if !known {
                return Err(RuleError::new(
                    location,
                    format!(
                        "template refers to unknown variable `{name}`; templates see `payload` \
                         and `event` ({})",
                        EVENT_FIELDS.map(|f| format!("event.{f}")).join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }

    pub(crate) fn render(&self, location: &str, context: &Value) -> Result<String, MappingError> {
        self.env
            .get_template(location)
            .and_then(|template| template.render(context))
            .map_err(|err| {
                MappingError::new(location, format!("template failed: {}", describe(&err)))
            })
    }
}

/// The template context of one event, built on first use: most rules
/// have no template, and converting the payload costs a copy.
pub(crate) struct Context<'a> {
    event: EventView<'a>,
    value: OnceCell<Value>,
}

impl<'a> Context<'a> {
    pub(crate) fn new(event: EventView<'a>) -> Self {
        Self {
            event,
            value: OnceCell::new(),
        }
    }

    pub(crate) fn get(&self) -> &Value {
        self.value.get_or_init(|| {
            let e = &self.event;
            context! {
                payload => Value::from(Serde(e.payload)),
                event => context! {
                    id => e.id,
                    source => e.source,
                    kind => e.kind,
                    received_at => e.received_at,
                },
            }
        })
    }
}

/// One line: what went wrong, on which line, at which expression.
fn describe(err: &minijinja::Error) -> String {
    let mut text = match err.detail() {
        Some(detail) => format!("{}: {detail}", err.kind()),
        None => err.kind().to_string(),
    };
    if let Some(line) = err.line() {
        text.push_str(&format!(" (line {line}"));
        if let (Some(source), Some(range)) = (err.template_source(), err.range())
            && let Some(expr) = source.get(range)
            && !text.contains(expr)
        {
            text.push_str(&format!(", at `{expr}`"));
        }
        text.push(')');
    }
    text
}
