#!/usr/bin/env bash
# Installs everything Wolfe needs to build and run runbooks, idempotently:
# the wasm32-wasip2 Rust target and a Python venv (.venv) with the pinned
# componentize-py and pytest. Safe to run again; fast when nothing is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null; then
  echo "setup: cargo not found; install Rust (rustup) first" >&2
  exit 1
fi
# rust-toolchain.toml pins the toolchain and lists the wasm target; make
# sure both are present (a no-op when they are).
rustup show active-toolchain >/dev/null
rustup target add wasm32-wasip2 >/dev/null

if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  echo "setup: installing python3-venv" >&2
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq python3-venv; else sudo apt-get update -qq && sudo apt-get install -y -qq python3-venv; fi
fi
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements-dev.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
  .venv/bin/pip install --quiet --disable-pip-version-check -e sdk-python
  echo "$want" > "$stamp"
fi
