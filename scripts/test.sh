#!/usr/bin/env bash
# Installs what is missing, then builds everything and runs every test. `.ci/run` calls this.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never CARGO_INCREMENTAL=0

step() { printf '\n=== %s (%s)\n' "$*" "$(date +%T)"; }

step "system packages"
scripts/install-deps.sh test

step "web UI: install, type-check, build"
(cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run --silent check && npm run --silent build)

step "lints (core, agent, GLPI double)"
cargo clippy --locked -p guichet-core -p guichet -p guichet-glpi-double --all-targets -- -D warnings
step "core stays free of Tauri"
if cargo tree --locked -p guichet-core -e normal | grep -Eq '^.* (tauri|wry|webkit2gtk|gtk) v'; then
  echo "guichet-core depends on Tauri/GTK: it must not" >&2; exit 1
fi
if cargo tree --locked -p guichet -e normal | grep -Eq ' (tauri|wry|webkit2gtk|gtk) v'; then
  echo "the guichet agent links GTK/WebKit: it must not" >&2; exit 1
fi

step "build the whole workspace (agent, core, window process, benches)"
cargo build --locked --workspace --all-targets

step "tests"
cargo test --locked --workspace
