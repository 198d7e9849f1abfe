#!/usr/bin/env bash
# The demo's loop (scripts/demo.sh), unattended and timed, from a French session: a fresh
# Request Tracker on loopback, the agent on a private X display, D-Bus and notification daemon
# (Xvfb, dbus-daemon, dunst), then report → the technician resolves (scripts/rt/tech.sh) → the
# desktop notification → accept → the ticket reads as closed → rating. Prints how long each step
# took (the figures in the README) and fails if a step does not happen.
#   scripts/rt/timed-loop.sh [debug|release]     (default debug; build it first)
set -euo pipefail
cd "$(dirname "$0")/../.."
profile=${1:-debug}
g="${CARGO_TARGET_DIR:-$PWD/target}/$profile/guichet"
[ -x "$g" ] || { echo "build $g first (cargo build -p guichet)" >&2; exit 2; }
export LANG=fr_FR.UTF-8
d=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "${rt:-}" ] && kill -TERM -- "-$rt" 2>/dev/null || true
  sleep 1; rm -rf "$d"
}
trap cleanup EXIT
now() { date +%s.%N; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f} s')" "$1" "$(now)"; }
fail() { echo "timed-loop: $*" >&2; exit 1; }

t=$(now)
scripts/rt/server.sh init "$d/rt" "$port" >/dev/null
# shellcheck disable=SC1091
source "$d/rt/env"
setsid scripts/rt/server.sh run "$d/rt" "$port" >"$d/rt.log" 2>&1 & rt=$!
until curl -sf -H "Authorization: token $TECH_TOKEN" "http://127.0.0.1:$port/REST/2.0/rt" >/dev/null; do
  sleep 0.2
done
echo "Request Tracker prepared and answering: $(since "$t")"

display=:$((100 + RANDOM % 400))
Xvfb "$display" -screen 0 1280x800x24 >/dev/null 2>&1 & pids+=($!)
export DISPLAY=$display
export DBUS_SESSION_BUS_ADDRESS
DBUS_SESSION_BUS_ADDRESS=$(dbus-daemon --session --fork --print-address=1 --print-pid=3 3>"$d/bus.pid" | head -1)
pids+=("$(cat "$d/bus.pid")")
sleep 1
dunst >/dev/null 2>&1 & pids+=($!)
dbus-monitor --session "interface='org.freedesktop.Notifications',member='Notify'" >"$d/notify.log" 2>&1 & pids+=($!)
export XDG_RUNTIME_DIR="$d/run"; mkdir -p -m 700 "$XDG_RUNTIME_DIR"
scripts/rt/server.sh guichet-config "$d/rt" "$port" >"$d/guichet.toml"
export GUICHET_CONFIG="$d/guichet.toml" GUICHET_DATA_DIR="$d/data" GUICHET_LOG_DIR="$d/logs"
"$g" >"$d/agent.log" 2>&1 & pids+=($!)
sleep 2

field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
t=$(now)
out=$("$g" report --subject "Vidéoprojecteur salle 12" --phone "01 23 45 67 89" --json \
  --description "Le vidéoprojecteur ne s'allume plus depuis ce matin.")
ticket=$(field '["ticket"]' <<<"$out")
echo "report sent, ticket $ticket: $(since "$t")"
sleep 1
t=$(now)
scripts/rt/tech.sh "$d/rt" resolve "$ticket" "Lampe changée." >/dev/null
until grep -q "Ticket n°$ticket" "$d/notify.log"; do
  sleep 0.2
  (( $(date +%s) - ${t%.*} < 60 )) || fail "no notification within 60 s"
done
echo "technician resolves → desktop notification: $(since "$t") (checks every 20 s ± 20 %)"
t=$(now)
out=$("$g" approve "$ticket" --comment "Merci, ça marche." --json)
[ "$(field '["status"]' <<<"$out")" = sent ] || fail "approve: $out"
echo "accepted: $(since "$t")"
status=$("$g" tickets --json | python3 -c "import json,sys; print([t['status'] for t in json.load(sys.stdin) if t['id'] == $ticket][0])")
[ "$status" = closed ] || fail "the ticket reads as $status"
echo "the ticket reads as closed in My tickets"
t=$(now)
out=$("$g" rate "$ticket" --score 5 --json)
[ "$(field '["status"]' <<<"$out")" = sent ] || fail "rate: $out"
score=$("$g" show "$ticket" --json | field '["detail"]["survey"]["score"]')
[ "$score" = 5 ] || fail "the score reads $score"
echo "rated 5/5: $(since "$t")"
queued=$("$g" queue list --json | field '.__len__()')
[ "$queued" = 0 ] || fail "$queued entries left in the queue"
echo "nothing left in the queue"
