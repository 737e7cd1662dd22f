//! A Rust runbook that misbehaves on purpose, one way per `mode` parameter.

use std::hint::black_box;

use serde_json::{Value, json};
use wolfe_sdk::{Context, Event, Failure};

fn handle(ctx: &Context, _events: &[Event]) -> Result<Value, Failure> {
    let mode: String = ctx.param("mode")?.unwrap_or_default();
    match mode.as_str() {
        "spin" => spin(),
        "recurse" => Ok(json!(recurse(black_box(0)))),
        "allocate" => allocate(),
        "panic" => panic!("the runbook panicked on purpose"),
        "sleep" => {
            std::thread::sleep(std::time::Duration::from_secs(60));
            Ok(json!("woke up"))
        }
        "echo" => Ok(json!({ "params": ctx.params })),
        other => Err(Failure::new(format!("unknown mode {other:?}"))),
    }
}

fn spin() -> Result<Value, Failure> {
    let mut counter: u64 = 0;
    loop {
        counter = black_box(counter.wrapping_add(1));
    }
}

#[allow(unconditional_recursion)]
fn recurse(depth: u64) -> u64 {
    let frame = black_box([depth; 16]);
    recurse(black_box(depth + 1)) + frame[0]
}

fn allocate() -> Result<Value, Failure> {
    let mut hoard: Vec<Vec<u8>> = Vec::new();
    loop {
        hoard.push(black_box(vec![1u8; 1 << 20]));
    }
}

wolfe_sdk::runbook!(handle);
