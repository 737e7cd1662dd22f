//! Exit codes, distinct per way a command can end so scripts can branch.

/// The runbook succeeded (or the build worked).
pub const SUCCESS: u8 = 0;
/// Wolfe could not do what was asked: bad input, build error, incompatible runbook.
pub const ERROR: u8 = 1;
// 2 is clap's usage error.
/// The runbook reported a failure or raised.
pub const RUNBOOK_FAILED: u8 = 10;
/// The runbook trapped.
pub const RUNBOOK_CRASHED: u8 = 11;
/// A quota ended the execution: fuel, memory, deadline or output size.
pub const QUOTA_EXCEEDED: u8 = 12;
