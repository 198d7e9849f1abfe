#!/usr/bin/env bash
# Fuzzes every cargo-fuzz target of fuzz/ for a bounded time each, one after the other, growing
# fuzz/corpus/<target>/ (which core/tests/fuzz_corpus.rs replays in CI), with the tokens of
# fuzz/dict/<target>.dict. See docs/RELIABILITY.md, "Fuzzing".
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]   SECONDS per target, default 60; default every target
#
# Environment:
#   FUZZ_SANITIZER=address|none   default address; `none` if the sanitizer runtime is missing
#   FUZZ_CMIN=1                   minimise each corpus afterwards (cargo fuzz cmin)
#
# cargo-fuzz passes nightly `-Z` flags to rustc: with a stable toolchain they are accepted through
# RUSTC_BOOTSTRAP=1, set here. cargo-fuzz is installed from crates.io when missing (about 30 s).
# Crashes are written to fuzz/artifacts/<target>/ (ignored by git); the script goes on with the
# next target and exits 1 at the end if any target failed.
set -euo pipefail

seconds="${1:-60}"
if [[ $# -gt 0 ]]; then shift; fi
all_targets=(config report glpi rt html)
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then targets=("${all_targets[@]}"); fi
sanitizer="${FUZZ_SANITIZER:-address}"
# Inputs above this size are dropped from the corpus, which is committed.
max_file_bytes=65536

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/fuzz"
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz"
    start=$(date +%s)
    cargo install cargo-fuzz --locked
    echo "== cargo-fuzz installed in $(($(date +%s) - start)) s"
fi

echo "== building the targets (sanitizer: $sanitizer)"
start=$(date +%s)
cargo fuzz build --sanitizer "$sanitizer"
echo "== built in $(($(date +%s) - start)) s"

logs="$root/fuzz/target/fuzz-logs"
mkdir -p "$logs"
failed=()
summary=()
for target in "${targets[@]}"; do
    corpus="corpus/$target"
    mkdir -p "$corpus"
    log="$logs/$target.log"
    echo "== $target: ${seconds} s, corpus $corpus ($(find "$corpus" -type f | wc -l) files)"
    options=(-max_total_time="$seconds" -timeout=10 -print_final_stats=1)
    if [[ -f "dict/$target.dict" ]]; then options+=(-dict="dict/$target.dict"); fi
    started=$(date +%s)
    set +e
    cargo fuzz run --sanitizer "$sanitizer" "$target" "$corpus" -- "${options[@]}" >"$log" 2>&1
    rc=$?
    set -e
    elapsed=$(($(date +%s) - started))
    grep -a -E '^(#[0-9]+ +INITED|Done [0-9]+ runs|SUMMARY|stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb))' "$log" || true
    if [[ $rc -eq 0 ]]; then
        status=ok
    else
        status="FAILED (exit $rc, log $log)"
        failed+=("$target")
        grep -a -E -m 20 -A 12 'panicked at|ERROR: (libFuzzer|AddressSanitizer)' "$log" || true
    fi
    find "$corpus" -type f -size +"${max_file_bytes}c" -delete
    execs=$(grep -a -E '^stat::number_of_executed_units' "$log" | tail -1 | awk '{print $2}' || true)
    files=$(find "$corpus" -type f | wc -l)
    kib=$(du -sk "$corpus" | cut -f1)
    summary+=("$target: $status, ${execs:-?} executions in ${elapsed} s, corpus $files files, $kib KiB")
done

if [[ "${FUZZ_CMIN:-0}" == 1 ]]; then
    for target in "${targets[@]}"; do
        echo "== minimising corpus/$target"
        cargo fuzz cmin --sanitizer "$sanitizer" "$target" "corpus/$target"
    done
fi

echo "== summary"
printf '%s\n' "${summary[@]}"
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "failed: ${failed[*]} (crashing inputs in fuzz/artifacts/<target>/; replay with" \
        "RUSTC_BOOTSTRAP=1 cargo fuzz run <target> fuzz/artifacts/<target>/<file>)"
    exit 1
fi
