//! Rules against realistic Alertmanager and Atlas events.
//!
//! One test binary: each `tests/*.rs` file would be linked separately.

mod combinators;
mod errors;
mod explain;
mod operators;
mod params;
mod support;
mod triggers;

#[test]
fn compiled_rules_can_be_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<wolfe_rules::CompiledRule>();
}
