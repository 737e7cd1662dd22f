#!/usr/bin/env bash
# Installs everything Wolfe needs to build, run and test, idempotently: the
# wasm32-wasip2 Rust target, Debian packages (python3-venv, postgresql) when
# missing, a Python venv (.venv) with the pinned componentize-py and
# pytest, Node/npm and chromium for the Studio UI and its browser tests, and
# the UI's npm packages. Safe to run again; fast when nothing is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null; then
  echo "setup: cargo not found; install Rust (rustup) first" >&2
  exit 1
fi
# rust-toolchain.toml pins the toolchain and lists the wasm target; make
# sure both are present (a no-op when they are).
rustup show active-toolchain >/dev/null
rustup target add wasm32-wasip2 >/dev/null 2>&1 || {
  echo "setup: rustup target add wasm32-wasip2 failed" >&2
  exit 1
}

# Debian packages: python3-venv for .venv, PostgreSQL server binaries for the
# store's test suite (each test run starts a throwaway cluster itself).
missing=()
python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v curl >/dev/null || missing+=(curl)
# The Studio UI (studio/): Node and npm build it, Debian's chromium runs its
# browser tests (Playwright downloads no browser here).
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
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

# The UI's packages, exactly as locked; again only when the lockfile changed.
studio_stamp=studio/node_modules/.package-lock.sha256
studio_want=$(sha256sum studio/package-lock.json | cut -d' ' -f1)
if [ "$(cat "$studio_stamp" 2>/dev/null)" != "$studio_want" ]; then
  (cd studio && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  echo "$studio_want" > "$studio_stamp"
fi
