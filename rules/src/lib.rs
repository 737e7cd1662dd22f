//! Wolfe rules: which events fire which runbooks, with which parameters.
//!
//! A rule binds a trigger (event source and kind) to a runbook. It is
//! written as JSON, parsed into a [`RuleSpec`] and compiled once into a
//! [`CompiledRule`], so that every regex, glob, JSON path and template is
//! checked when the rule is saved, with the error's location. At event
//! time [`CompiledRule::evaluate`] says whether the rule matches and maps
//! the runbook's parameters. Pure logic: no I/O, no clock, no async.
//!
//! ```json
//! {
//!   "source": "alertmanager",
//!   "kind": "alert.*",
//!   "criteria": { "all": [
//!     {"path": "$.labels.severity", "op": "in", "value": ["critical", "page"]},
//!     {"path": "$.status", "op": "eq", "value": "firing"},
//!     {"not": {"path": "$.labels.env", "op": "glob", "value": "staging-*"}},
//!     {"any": [
//!       {"path": "$.annotations.value", "op": "gt", "value": 0.05},
//!       {"path": "$.labels.alertname", "op": "regex", "value": "^Kafka.*Offline$"}
//!     ]},
//!     {"path": "$.labels.team", "op": "exists"}
//!   ]},
//!   "params": {
//!     "broker_id": {"path": "$.labels.broker", "type": "integer"},
//!     "cluster": {"path": "$.labels.cluster", "type": "string", "default": "unknown"},
//!     "summary": {"template": "{{ payload.labels.alertname }} on {{ payload.labels.instance }}"},
//!     "dry_run_threshold": {"value": 3}
//!   },
//!   "correlation": {"key": "{{ payload.labels.cluster }}", "window": "5m"}
//! }
//! ```
//!
//! - `source` is exact (`"*"`: any); `kind` is a glob.
//! - Operators: `eq`, `ne`, `gt`, `gte`, `lt`, `lte`, `contains`, `regex`,
//!   `glob`, `exists`, `in`; combinators `all`, `any`, `not`, nested at
//!   most [`MAX_DEPTH`] levels. A number and a numeric string compare as
//!   numbers. A missing path makes a condition false, except `ne`, which
//!   is `not eq` and so true. A path selecting several nodes matches if any
//!   node does. See `criteria.rs` for the details.
//! - Parameters: `path` (first node; `type` string|integer|number|boolean|json;
//!   `default` when missing), `template` (minijinja over `payload` and
//!   `event.{id,source,kind,received_at}`, strict undefined, optional `type`),
//!   or a literal `value`.
//! - `correlation`: optional `key` template and required `window`
//!   (humantime). The store does the grouping; rules compute the key.

mod compare;
mod convert;
mod criteria;
mod error;
mod event;
mod explain;
mod params;
mod pattern;
mod rule;
mod spec;
mod template;

pub use criteria::MAX_DEPTH;
pub use error::{MappingError, RuleError};
pub use event::EventView;
pub use explain::{ConditionTrace, Explanation};
pub use rule::{CompiledRule, Correlation, RuleMatch};
pub use spec::{Condition, CorrelationSpec, Criterion, Op, ParamSpec, RuleSpec, ValueType};
