#!/usr/bin/env bash
# Builds the agent and CLI (guichet.exe) and the window process (guichet-ui.exe, with the
# WebView2Loader.dll it links, copied beside it by tauri-build) for Windows (x86_64-pc-windows-gnu,
# linked by mingw) on this Linux machine, and the bcryptprimitives.dll shim that Wine 8 needs to
# run them (scripts/cross/wine/). The window process embeds ui/dist: build the web UI first.
#
#   scripts/cross/build-windows.sh [--release]
#
# Prints the folder holding guichet.exe, guichet-ui.exe, WebView2Loader.dll and
# bcryptprimitives.dll. Needs scripts/install-deps.sh
# cross (Debian's rustc-web, cargo-web, rust-web-src, mingw, wine); see README, "Windows".
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
target=x86_64-pc-windows-gnu
target_dir="${GUICHET_CROSS_TARGET_DIR:-${CARGO_TARGET_DIR:-$root/target}/cross}"
profile=debug
args=()
if [[ "${1:-}" == "--release" ]]; then profile=release; args+=(--release); fi

cd "$root"
env -i HOME="$HOME" PATH=/usr/bin:/bin LANG=C.UTF-8 \
  CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" CARGO_TARGET_DIR="$target_dir" RUSTC_BOOTSTRAP=1 \
  /usr/bin/cargo build --locked -Zbuild-std --target "$target" -p guichet -p guichet-ui "${args[@]}" >&2

out="$target_dir/$target/$profile"
dll="$out/bcryptprimitives.dll"
if [[ ! -f "$dll" || "$root/scripts/cross/wine/prng.c" -nt "$dll" ]]; then
  x86_64-w64-mingw32-gcc -shared -O2 -o "$dll" \
    "$root/scripts/cross/wine/prng.c" "$root/scripts/cross/wine/prng.def" -ladvapi32 >&2
fi
echo "$out"
