#!/usr/bin/env bash
# Regenerates ui/src/bindings/ (or the directory given as $1) from the IPC types of guichet-protocol,
# with ts-rs. The files are committed and never edited by hand; scripts/test.sh checks that they
# are up to date.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$(realpath -m "${1:-$root/ui/src/bindings}")"
mkdir -p "$out"
rm -f "$out"/*.ts   # so that a type removed from the protocol disappears here too
# serde_json writes 64-bit integers as plain JSON numbers: bind them as `number`, not `bigint`.
TS_RS_EXPORT_DIR="$out" TS_RS_LARGE_INT=number \
  cargo test --quiet --locked -p guichet-protocol --features ts --lib export_bindings >/dev/null
# A filter that matched nothing would leave an empty directory and a green run.
ls "$out"/*.ts >/dev/null 2>&1 || { echo "gen-bindings: no bindings were written" >&2; exit 1; }
