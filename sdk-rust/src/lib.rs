//! Write Wolfe runbooks in Rust.
//!
//! A runbook is a function from a [`Context`] and the triggering [`Event`]s
//! to a JSON-serialisable output or a [`Failure`]; [`runbook!`] exports it as
//! the component's entry point. Build with
//! `cargo build --release --target wasm32-wasip2` (or `wolfe build <dir>`)
//! from a crate with `crate-type = ["cdylib"]`.
//!
//! ```ignore
//! use wolfe_sdk::{Context, Event, Failure, log};
//!
//! fn handle(ctx: &Context, events: &[Event]) -> Result<serde_json::Value, Failure> {
//!     log::info("checking", &[("events", events.len().into())]);
//!     Ok(serde_json::json!({ "runbook": ctx.runbook }))
//! }
//!
//! wolfe_sdk::runbook!(handle);
//! ```
//!
//! A panic aborts the execution; Wolfe records it as `crashed` with the wasm
//! backtrace. Return a [`Failure`] for conditions the runbook understands.
//!
//! # Host interfaces
//!
//! [`log`], [`kv`], [`http`], [`secrets`], [`metrics`], [`instances`],
//! [`discovery`], [`notify`] and [`events`]. Their calls return
//! `Result<_, `[`HostError`]`>`; `?` turns a [`HostError`] into a
//! [`Failure`]. Side-effecting calls return a receipt ([`Effect`] or a
//! richer one) whose `simulated` is true in dry-run mode. [`effects`]
//! names an idempotency key, so a side effect happens once per key across
//! executions instead of once per execution.
//!
//! Natively (a runbook's `cargo test`) there is no host: `log` writes to
//! stderr and every other call returns [`HostError::Unavailable`].

mod duration;
mod effect;
mod error;
mod failure;
mod types;

pub mod discovery;
pub mod effects;
pub mod events;
pub mod http;
pub mod instances;
pub mod kv;
pub mod log;
pub mod metrics;
pub mod notify;
pub mod secrets;

pub use effect::Effect;
pub use error::HostError;
pub use failure::Failure;
pub use types::{Context, Event};

/// Generated bindings of the `wolfe:runbook` world. Public for [`runbook!`].
#[doc(hidden)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "../wit",
        world: "runbook",
        pub_export_macro: true,
        export_macro_name: "export_runbook",
        default_bindings_module: "wolfe_sdk::bindings",
    });
}

/// Exports `handler` — `fn(&Context, &[Event]) -> Result<T, Failure>` with
/// `T: serde::Serialize` — as the runbook's entry point.
#[macro_export]
macro_rules! runbook {
    ($handler:path) => {
        // Only a component exports the entry point: native builds (a
        // runbook's `cargo test`) would fail to link the WIT symbol names.
        struct __WolfeRunbook;

        impl $crate::bindings::exports::wolfe::runbook::handler::Guest for __WolfeRunbook {
            fn handle(
                ctx: $crate::bindings::wolfe::runbook::types::Context,
                events: ::std::vec::Vec<$crate::bindings::wolfe::runbook::types::Event>,
            ) -> ::std::result::Result<
                ::std::string::String,
                $crate::bindings::wolfe::runbook::types::Failure,
            > {
                $crate::__dispatch($handler, ctx, events)
            }
        }

        #[cfg(target_family = "wasm")]
        $crate::bindings::export_runbook!(__WolfeRunbook with_types_in $crate::bindings);
        // Natively, keep the handler "used" so it is type-checked and lint-free.
        #[cfg(not(target_family = "wasm"))]
        const _: () = {
            let _ = <__WolfeRunbook as $crate::bindings::exports::wolfe::runbook::handler::Guest>::handle;
        };
    };
}

/// Converts the WIT records, calls the handler and encodes its result.
#[doc(hidden)]
pub fn __dispatch<T, F>(
    handler: F,
    ctx: bindings::wolfe::runbook::types::Context,
    events: Vec<bindings::wolfe::runbook::types::Event>,
) -> Result<String, bindings::wolfe::runbook::types::Failure>
where
    T: serde::Serialize,
    F: FnOnce(&Context, &[Event]) -> Result<T, Failure>,
{
    let run = || -> Result<String, Failure> {
        let ctx = Context::from_wit(ctx)?;
        let events = events
            .into_iter()
            .map(Event::from_wit)
            .collect::<Result<Vec<_>, _>>()?;
        let output = handler(&ctx, &events)?;
        serde_json::to_string(&output)
            .map_err(|e| Failure::new(format!("output is not JSON-serialisable: {e}")))
    };
    run().map_err(Failure::into_wit)
}
