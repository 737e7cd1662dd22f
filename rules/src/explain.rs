//! What `wolfe rules test` shows: which conditions held and what came out.

use crate::{MappingError, RuleMatch};

/// A rule evaluated against one event with every step recorded.
#[derive(Debug, Clone)]
pub struct Explanation {
    /// Source and kind matched the rule's trigger.
    pub triggered: bool,
    /// Every criteria node in pre-order (children after their parent),
    /// evaluated even when the trigger did not match or an earlier sibling
    /// already decided the result. Empty when the rule has no criteria.
    pub conditions: Vec<ConditionTrace>,
    /// Exactly what [`crate::CompiledRule::evaluate`] returns.
    pub result: Result<Option<RuleMatch>, MappingError>,
}

/// One criteria node and whether it held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionTrace {
    /// `criteria.all[2].not`.
    pub location: String,
    /// 0 for the root, for indenting.
    pub depth: usize,
    /// `$.status eq "firing"`, or `all`, `any`, `not`.
    pub description: String,
    pub held: bool,
}
