#!/usr/bin/env bash
# Sets up everything and runs every check and test of the project:
# formatting, clippy (host and wasm guests), the Rust test suites (which build
# the Python and Rust guests from source), the Python SDK/example tests, and
# the Studio UI: type check, build (with its size budget), and the browser
# tests against a real `wolfe serve`.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh

# The UI is built first, so the binary the Rust tests and the browser tests
# use has it embedded (server/build.rs).
echo "== studio build"
npm --prefix studio run build

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

echo "== studio browser tests"
cargo build --locked -p wolfe-cli
WOLFE_BIN="${CARGO_TARGET_DIR:-target}/debug/wolfe" npm --prefix studio test
