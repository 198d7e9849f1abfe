#!/usr/bin/env bash
# Builds the Windows tests of guichet-protocol (the named pipe, its security descriptor, the pipe
# names) for x86_64-pc-windows-gnu and runs them under Wine, in a throw-away WINEPREFIX.
#
#   [GUICHET_WINDOWS_BUILD=<folder of guichet.exe>] scripts/cross/wine-unit-tests.sh
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
target=x86_64-pc-windows-gnu
target_dir="${GUICHET_CROSS_TARGET_DIR:-${CARGO_TARGET_DIR:-$root/target}/cross}"
cd "$root"

# The test executables, from cargo's JSON messages: artifacts with an "executable" built as tests.
executables="$(env -i HOME="$HOME" PATH=/usr/bin:/bin LANG=C.UTF-8 \
  CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" CARGO_TARGET_DIR="$target_dir" RUSTC_BOOTSTRAP=1 \
  /usr/bin/cargo test --locked -Zbuild-std --target "$target" -p guichet-protocol --no-run \
  --message-format=json \
  | grep '"test":true' | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p')"

# Wine's shim DLL comes with the Windows build: the one given (scripts/test.sh has just made it),
# else built now.
build="${GUICHET_WINDOWS_BUILD:-$("$root/scripts/cross/build-windows.sh" | tail -1)}"
dll="$build/bcryptprimitives.dll"
prefix="$(mktemp -d)"
trap 'WINEPREFIX="$prefix" wineserver -k 2>/dev/null || true; rm -rf "$prefix"' EXIT
export WINEPREFIX="$prefix" WINEDEBUG=-all
failed=0
for exe in $executables; do
  cp "$dll" "$(dirname "$exe")/"
  echo "== wine $(basename "$exe")"
  if ! (unset DISPLAY; timeout 300 wine "$exe" --test-threads=2); then failed=1; fi
done
[[ -n "$executables" ]] || { echo "no test executable was built" >&2; exit 1; }
exit "$failed"
