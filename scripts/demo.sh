#!/usr/bin/env bash
# The whole loop on one machine: a real Request Tracker 5 on loopback, and Guichet pointed at it.
# Report a problem (tray icon, Ctrl+Alt+G, or `target/release/guichet report …` in another
# terminal), play the technician with scripts/rt/tech.sh (printed below), see the notification,
# then accept or refuse the solution in "My tickets". Ctrl-C stops Guichet and RT.
#   scripts/demo.sh [PORT]     (default 8099)
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:-8099}
demo="${XDG_DATA_HOME:-$HOME/.local/share}/guichet-demo"
mkdir -p "$demo"

scripts/install-deps.sh run >&2
scripts/rt/server.sh install >&2
(cd ui && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; } && npm run --silent build) >&2
cargo build --locked --release -p guichet -p guichet-ui >&2

if [ ! -f "$demo/rt/env" ]; then
  echo "demo: preparing Request Tracker in $demo/rt" >&2
  scripts/rt/server.sh init "$demo/rt" "$port"
fi
# shellcheck disable=SC1091
source "$demo/rt/env"
setsid scripts/rt/server.sh run "$demo/rt" "$port" >"$demo/rt/server.log" 2>&1 &
rt_pid=$!
trap 'kill -TERM -- "-$rt_pid" 2>/dev/null || true' EXIT
for _ in $(seq 60); do
  curl -sf -H "Authorization: token $TECH_TOKEN" "http://127.0.0.1:$port/REST/2.0/rt" >/dev/null && break
  sleep 1
done

scripts/rt/server.sh guichet-config "$demo/rt" "$port" >"$demo/guichet.toml"

cat >&2 <<TEXT

Request Tracker: http://127.0.0.1:$port (technician: tech / guichet-tech; user: prof / guichet-prof)
Guichet is running with $demo/guichet.toml (tickets checked every 20 s).
Play the technician from another terminal:
  scripts/rt/tech.sh $demo/rt list
  scripts/rt/tech.sh $demo/rt reply N "Nous passons cet après-midi."
  scripts/rt/tech.sh $demo/rt resolve N "Câble remplacé."
TEXT
GUICHET_CONFIG="$demo/guichet.toml" GUICHET_DATA_DIR="$demo/data" target/release/guichet
