#!/usr/bin/env bash
# Installs what is missing, builds Guichet, and runs it. With no arguments it starts the resident
# agent, which delivers queued reports; with arguments it runs that CLI command, for example:
#   scripts/run.sh report --subject "Imprimante" --description "La salle 12 n'imprime plus"
# With no help desk configured (no GUICHET_CONFIG), reports are queued locally.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh run >&2
(cd ui && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; } && npm run --silent build) >&2
cargo build --locked --release -p guichet -p guichet-ui >&2
if [ $# -eq 0 ]; then
  echo "Guichet agent running (Ctrl-C to stop). Report a problem with the tray icon, Ctrl+Alt+G," >&2
  echo "target/release/guichet --report, or from a terminal:" >&2
  echo "  target/release/guichet report --subject \"…\" --description \"…\"" >&2
fi
exec target/release/guichet "$@"
