#!/usr/bin/env bash
# Sets up everything and runs every check and test of the project:
# formatting, clippy (host and wasm guests), the Rust test suites (which build
# the Python and Rust guests from source) and the Python SDK/example tests.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh

echo "== cargo fmt"
cargo fmt --all -- --check

echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy --locked --target wasm32-wasip2 \
  -p wolfe-sdk -p disk-pressure-rust -p hostile-rust -p api-probe-rust -- -D warnings

echo "== cargo test"
cargo test --workspace --locked

echo "== pytest"
.venv/bin/pytest
