//! Events in, rules match, executions run.
//!
//! [`intake`] stores accepted events together with the executions the rules
//! plan for them; [`runner`] claims queued executions with a lease and runs
//! them in the sandbox; [`sweeper`] requeues the work of runners that died;
//! [`timers`] and [`sqs`] are sensors that feed intake.
//! Everything durable goes through `wolfe-store`.

pub mod engine;
mod failure_notices;
mod group_commit;
pub mod host;
pub mod intake;
mod leases;
mod retry;
pub mod rule_set;
pub mod runner;
pub mod sqs;
pub mod sweeper;
mod time;
pub mod timers;
