#!/usr/bin/env bash
# A quick probe of the idle agent's memory: the release `guichet` (as scripts/package.sh builds
# it) started under its own Xvfb and session bus, RSS and PSS from /proc/<pid>/smaps_rollup 10 s
# after start, or `GUICHET_PROBE_WAIT` seconds (the agent trims itself once start-up has been
# quiet for 5 s, about 10 s after start: 15 s sees it at rest). Prints "RSS_kB PSS_kB".
# docs/PERFORMANCE.md ("Resident agent") has the figures; the bench (`cargo bench --bench
# agent`) is the fuller measure.
# Usage: scripts/idle-probe.sh [CONFIG.toml]   (no argument: no help desk configured)
# The agent is `$CARGO_TARGET_DIR/release/guichet` (default `target`); `GUICHET_PROBE_AGENT`
# names another executable (a build beside this one, for a side-by-side run). With
# `GUICHET_PROBE_BREAKDOWN=1`, scripts/rest-breakdown.py then prints where the memory is
# (`GUICHET_PROBE_SYMBOLS` names the unstripped twin of the agent, for its code by crate).
set -euo pipefail
cfg="${1:-}"
agent="${GUICHET_PROBE_AGENT:-${CARGO_TARGET_DIR:-$(dirname "$0")/../target}/release/guichet}"
[ -x "$agent" ] || { echo "build it first: cargo build --release -p guichet" >&2; exit 2; }
dir="$(mktemp -d)"; mkdir -m 0700 "$dir/run"
display=":$((90 + RANDOM % 100))"
Xvfb "$display" -screen 0 1280x800x24 >/dev/null 2>&1 & xvfb=$!
bus="$(dbus-daemon --session --fork --print-address=1 --print-pid=1)"
export DBUS_SESSION_BUS_ADDRESS="$(echo "$bus" | sed -n 1p)"
bus_pid="$(echo "$bus" | sed -n 2p)"
cleanup() { kill "${pid:-}" "$bus_pid" "$xvfb" 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
sleep 1
env DISPLAY="$display" GUICHET_RUNTIME_DIR="$dir/run" GUICHET_DATA_DIR="$dir/data" \
  ${cfg:+GUICHET_CONFIG="$cfg"} "$agent" >/dev/null 2>&1 & pid=$!
sleep "${GUICHET_PROBE_WAIT:-10}"
awk '/^Rss:/ {rss = $2} /^Pss:/ {pss = $2} END {print rss, pss}' "/proc/$pid/smaps_rollup"
if [ "${GUICHET_PROBE_BREAKDOWN:-}" = 1 ]; then
  "$(dirname "$0")/rest-breakdown.py" "$pid" ${GUICHET_PROBE_SYMBOLS:+"$GUICHET_PROBE_SYMBOLS"}
fi
