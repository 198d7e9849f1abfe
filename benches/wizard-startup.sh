#!/usr/bin/env bash
# Trigger → wizard interactive: release agent and window process, each build under its own Xvfb.
# Each round asks each build's running agent for the wizard (`guichet --report`), waits for the
# agent's "window Wizard ready … ms after the trigger" line, then closes that window process (the
# agent's child, by its process id). With several builds, their rounds alternate, so that the
# machine's load weighs on each alike: a side-by-side comparison in one run.
# Usage: cargo build --release -p guichet -p guichet-ui
#        benches/wizard-startup.sh [rounds] [TARGET_DIR...]   (default: target)
# Prints, for each build, the agent's memory after the rounds, the ready times, their p50, and the
# first capture times.
set -u
cd "$(dirname "$0")/.."
rounds=${1:-8}
shift || true
[ $# -gt 0 ] || set -- target
D=$(mktemp -d)
declare -a XPIDS APIDS
n=0
for target in "$@"; do
  mkdir -p "$D/$n"
  Xvfb -displayfd 3 -noreset -screen 0 1920x1080x24 -nolisten tcp 3>"$D/$n/display" 2>/dev/null &
  XPIDS[$n]=$!
  n=$((n + 1))
done
sleep 1
# agent_env N COMMAND…: COMMAND in build N's session (its display, data and socket).
agent_env() {
  env -u GUICHET_CONFIG -u DBUS_SESSION_BUS_ADDRESS DISPLAY=":$(cat "$D/$1/display")" \
    GUICHET_DATA_DIR="$D/$1/data" GUICHET_RUNTIME_DIR="$D/$1/run" GUICHET_LOG=info "${@:2}"
}
i=0
for target in "$@"; do
  # `exec`: the agent is this subshell's process, whose children (the window processes) are
  # closed by its process id below.
  (exec 2>"$D/$i/agent.log"; exec env -u GUICHET_CONFIG -u DBUS_SESSION_BUS_ADDRESS \
    DISPLAY=":$(cat "$D/$i/display")" GUICHET_DATA_DIR="$D/$i/data" \
    GUICHET_RUNTIME_DIR="$D/$i/run" GUICHET_LOG=info "$target/release/guichet") &
  APIDS[$i]=$!
  i=$((i + 1))
done
sleep 1
for r in $(seq 1 "$rounds"); do
  for i in $(seq 0 $((n - 1))); do
    target=${*:$((i + 1)):1}
    agent_env $i "$target/release/guichet" --report
    for _ in $(seq 1 100); do
      [ "$(grep -c 'ready .* after the trigger' "$D/$i/agent.log")" -ge "$r" ] && break
      sleep 0.1
    done
    sleep 0.5
    pkill -P "${APIDS[$i]}" 2>/dev/null
    for _ in $(seq 1 50); do pgrep -P "${APIDS[$i]}" >/dev/null || break; sleep 0.1; done
    sleep 0.5
  done
done
# Longer than the agent's quiet time (src/agent/rest.rs, 5 s): the idle agent once at rest.
sleep 7
i=0
for target in "$@"; do
  echo "== $target"
  # The agent after real use (each wizard asked for its context): its memory 7 s after the last.
  awk '/^Rss:/ {rss = $2} /^Pss:/ {pss = $2} END {print "idle agent after the rounds: RSS", rss, "kB, PSS", pss, "kB"}' \
    "/proc/${APIDS[$i]}/smaps_rollup"
  times=$(grep -o 'ready [0-9.]* ms after the trigger' "$D/$i/agent.log" | grep -o '[0-9.]*' | head -n 1000)
  echo "ready (ms):" $times
  echo "p50 of all: $(echo "$times" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}') ms;" \
    "p50 without the first: $(echo "$times" | tail -n +2 | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}') ms"
  grep -o 'captured [0-9]* screen(s) in [0-9.]* ms' "$D/$i/agent.log" | head -3
  kill "${APIDS[$i]}" "${XPIDS[$i]}"
  i=$((i + 1))
done
rm -rf "$D"
