//! Host bindings generated from `wit/` by wasmtime's `bindgen!`.
//!
//! Every import is `async` (providers such as kv or http do I/O) and
//! `trappable` (an outer `Err` traps the guest; an inner WIT `result` error is
//! the guest's to handle). Exports are called with `call_async`.

wasmtime::component::bindgen!({
    path: "../wit",
    world: "runbook",
    imports: { default: async | trappable },
    exports: { default: async },
});

pub use exports::wolfe::runbook::handler::{Context, Event, Failure};
pub use wolfe::runbook::log::{Field, Level};
