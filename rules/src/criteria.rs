//! Criteria compiled for evaluation: paths, regexes and globs parsed, every
//! value checked against its operator, every node knowing its location.
//!
//! Semantics, per condition, over the nodes its path selects:
//! - no node (missing path): false, except `exists` (false by definition)
//!   and `ne`, which is exactly `not eq` and so true;
//! - several nodes (`$.alerts[*].status`): true if any node satisfies the
//!   operator; for `ne`, if no node equals the value;
//! - a node of the wrong type (a regex against a number, `gt` against
//!   "high"): that node does not match; it is not an error.

use std::cmp::Ordering;

use globset::GlobMatcher;
use regex::Regex;
use serde_json::Value;
use serde_json_path::JsonPath;

use crate::RuleError;
use crate::compare::{Num, brief, contains, loosely_equal};
use crate::explain::ConditionTrace;
use crate::pattern;
use crate::spec::{Condition, Criterion, Op};

/// Nesting deeper than this is a mistake, and would make evaluation
/// recursion unbounded.
pub const MAX_DEPTH: usize = 32;

#[derive(Debug)]
pub(crate) struct CompiledCriterion {
    location: String,
    node: Node,
}

#[derive(Debug)]
enum Node {
    All(Vec<CompiledCriterion>),
    Any(Vec<CompiledCriterion>),
    Not(Box<CompiledCriterion>),
    Test(Test),
}

#[derive(Debug)]
struct Test {
    path: JsonPath,
    /// `$.labels.severity in ["critical","page"]`, for traces.
    text: String,
    matcher: Matcher,
}

#[derive(Debug)]
enum Matcher {
    Eq(Value),
    Ne(Value),
    /// `Ordering::is_gt` and friends, against the bound.
    Order(fn(Ordering) -> bool, Num),
    Contains(Value),
    Regex(Regex),
    Glob(GlobMatcher),
    Exists,
    In(Vec<Value>),
}

impl CompiledCriterion {
    /// `depth` of the root is 1.
    pub(crate) fn compile(
        spec: &Criterion,
        location: String,
        depth: usize,
    ) -> Result<Self, RuleError> {
        if depth > MAX_DEPTH {
            return Err(RuleError::new(
                location,
                format!("criteria nest deeper than {MAX_DEPTH} levels"),
            ));
        }
        let children = |name: &str, specs: &[Criterion]| {
            if specs.is_empty() {
                return Err(RuleError::new(
                    location.as_str(),
                    format!("`{name}` needs at least one criterion"),
                ));
            }
            specs
                .iter()
                .enumerate()
                .map(|(i, child)| {
                    Self::compile(child, format!("{location}.{name}[{i}]"), depth + 1)
                })
                .collect::<Result<Vec<_>, _>>()
        };
        let node = match spec {
            Criterion::All(specs) => Node::All(children("all", specs)?),
            Criterion::Any(specs) => Node::Any(children("any", specs)?),
            Criterion::Not(spec) => Node::Not(Box::new(Self::compile(
                spec,
                format!("{location}.not"),
                depth + 1,
            )?)),
            Criterion::Condition(condition) => Node::Test(Test::compile(&location, condition)?),
        };
        Ok(Self { location, node })
    }

    /// Short-circuiting evaluation.
    pub(crate) fn holds(&self, payload: &Value) -> bool {
        match &self.node {
            Node::All(children) => children.iter().all(|c| c.holds(payload)),
            Node::Any(children) => children.iter().any(|c| c.holds(payload)),
            Node::Not(child) => !child.holds(payload),
            Node::Test(test) => test.holds(payload),
        }
    }

    /// Evaluates every node, without short-circuiting, recording each
    /// result in pre-order so that a reader sees the whole tree.
    pub(crate) fn trace(
        &self,
        payload: &Value,
        depth: usize,
        out: &mut Vec<ConditionTrace>,
    ) -> bool {
        let index = out.len();
        let description = match &self.node {
            Node::All(_) => "all".to_owned(),
            Node::Any(_) => "any".to_owned(),
            Node::Not(_) => "not".to_owned(),
            Node::Test(test) => test.text.clone(),
        };
        out.push(ConditionTrace {
            location: self.location.clone(),
            depth,
            description,
            held: false,
        });
        // `&`, not `&&`: every child is traced.
        let mut each = |children: &[CompiledCriterion], all: bool| {
            children.iter().fold(all, |acc, c| {
                let held = c.trace(payload, depth + 1, out);
                if all { acc & held } else { acc | held }
            })
        };
        let held = match &self.node {
            Node::All(children) => each(children, true),
            Node::Any(children) => each(children, false),
            Node::Not(child) => !child.trace(payload, depth + 1, out),
            Node::Test(test) => test.holds(payload),
        };
        out[index].held = held;
        held
    }
}

impl Test {
    fn compile(location: &str, condition: &Condition) -> Result<Self, RuleError> {
        let Condition { path, op, value } = condition;
        let op = *op;
        let json_path = pattern::json_path(location, path)?;
        let fail = |problem: String| RuleError::new(location, problem);
        let matcher = match (op, value) {
            (Op::Exists, None) => Matcher::Exists,
            (Op::Exists, Some(_)) => return Err(fail("`exists` takes no `value`".into())),
            (_, None) => return Err(fail(format!("`{op}` needs a `value`"))),
            (Op::Eq, Some(v)) => Matcher::Eq(v.clone()),
            (Op::Ne, Some(v)) => Matcher::Ne(v.clone()),
            (Op::Contains, Some(v)) => Matcher::Contains(v.clone()),
            (Op::Gt | Op::Gte | Op::Lt | Op::Lte, Some(v)) => match Num::of(v) {
                Some(bound) => Matcher::Order(
                    match op {
                        Op::Gt => Ordering::is_gt,
                        Op::Gte => Ordering::is_ge,
                        Op::Lt => Ordering::is_lt,
                        _ => Ordering::is_le,
                    },
                    bound,
                ),
                None => {
                    return Err(fail(format!(
                        "`{op}` compares numbers; value {} is not one",
                        brief(v)
                    )));
                }
            },
            (Op::Regex, Some(Value::String(p))) => Matcher::Regex(pattern::regex(location, p)?),
            (Op::Glob, Some(Value::String(p))) => Matcher::Glob(pattern::glob(location, p)?),
            (Op::Regex | Op::Glob, Some(v)) => {
                return Err(fail(format!(
                    "`{op}` needs a string pattern, not {}",
                    brief(v)
                )));
            }
            (Op::In, Some(Value::Array(items))) => Matcher::In(items.clone()),
            (Op::In, Some(v)) => {
                return Err(fail(format!("`in` needs a list, not {}", brief(v))));
            }
        };
        let text = match value {
            Some(v) => format!("{path} {op} {}", brief(v)),
            None => format!("{path} {op}"),
        };
        Ok(Self {
            path: json_path,
            text,
            matcher,
        })
    }

    fn holds(&self, payload: &Value) -> bool {
        let nodes = self.path.query(payload);
        match &self.matcher {
            Matcher::Exists => !nodes.is_empty(),
            Matcher::Ne(expected) => !nodes.iter().any(|node| loosely_equal(node, expected)),
            matcher => nodes.iter().any(|node| matcher.matches(node)),
        }
    }
}

impl Matcher {
    fn matches(&self, node: &Value) -> bool {
        match self {
            Matcher::Eq(expected) => loosely_equal(node, expected),
            Matcher::Ne(expected) => !loosely_equal(node, expected),
            Matcher::Order(accepts, bound) => Num::of(node)
                .and_then(|n| n.compare(*bound))
                .is_some_and(accepts),
            Matcher::Contains(expected) => contains(node, expected),
            Matcher::Regex(regex) => node.as_str().is_some_and(|s| regex.is_match(s)),
            Matcher::Glob(glob) => node.as_str().is_some_and(|s| glob.is_match(s)),
            Matcher::Exists => true,
            Matcher::In(items) => items.iter().any(|item| loosely_equal(node, item)),
        }
    }
}
