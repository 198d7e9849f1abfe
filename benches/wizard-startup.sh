#!/usr/bin/env bash
# Trigger → wizard interactive: release agent and window process, under its own Xvfb. Each round
# asks the running agent for the wizard (`guichet --report`), waits for the agent's
# "window Wizard ready … ms after the trigger" line, then closes the window process.
# Usage: cargo build --release -p guichet -p guichet-ui && benches/wizard-startup.sh [rounds]
set -u
cd "$(dirname "$0")/.."
D=$(mktemp -d)
Xvfb -displayfd 3 -noreset -screen 0 1920x1080x24 -nolisten tcp 3>"$D/display" 2>/dev/null &
XPID=$!
sleep 1
export DISPLAY=":$(cat $D/display)"
export GUICHET_DATA_DIR="$D/data" GUICHET_RUNTIME_DIR="$D/run" GUICHET_LOG=info
unset GUICHET_CONFIG DBUS_SESSION_BUS_ADDRESS
target/release/guichet 2>"$D/agent.log" &
APID=$!
sleep 1
for i in $(seq 1 ${1:-8}); do
  target/release/guichet --report
  for _ in $(seq 1 100); do
    [ "$(grep -c 'ready .* after the trigger' "$D/agent.log")" -ge "$i" ] && break
    sleep 0.1
  done
  sleep 0.5
  pkill -f target/release/guichet-ui
  for _ in $(seq 1 50); do pgrep -f target/release/guichet-ui >/dev/null || break; sleep 0.1; done
  sleep 0.5
done
grep -o 'ready [0-9.]* ms after the trigger' "$D/agent.log"
grep -o 'captured [0-9]* screen(s) in [0-9.]* ms' "$D/agent.log" | head -3
kill $APID $XPID
rm -rf "$D"
