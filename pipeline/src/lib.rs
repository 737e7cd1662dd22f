//! Events in, rules match, executions run.
//!
//! [`intake`] stores accepted events together with the executions the rules
//! plan for them; [`runner`] claims queued executions with a lease and runs
//! them in the sandbox; [`sweeper`] requeues the work of runners that died.
//! Everything durable goes through `wolfe-store`.

mod retry;
pub mod runner;
pub mod sweeper;
