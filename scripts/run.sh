#!/usr/bin/env bash
# Sets up everything, builds Wolfe, and runs the Kafka example runbook against
# its sample event inside the sandbox.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
cargo build --locked -p wolfe-cli
example=examples/kafka-broker-offline
exec cargo run --quiet --locked -p wolfe-cli -- run "$example" \
  --event "$example/events/broker-down-healthy-host.json" "$@"
