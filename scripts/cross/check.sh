#!/usr/bin/env bash
# Compile-checks and lints every crate of the workspace for Windows and macOS, so that code behind
# `cfg(windows)` or `cfg(target_os = "macos")` cannot rot (README, "Operating systems").
#
#   scripts/cross/check.sh [TARGET...]    default: the four targets below
#
# The rustup toolchain here has only the Linux target and rustup's downloads cannot be reached, so
# this uses Debian's rustc-web/cargo-web (1.96) with the standard library's source (rust-web-src)
# and builds std for each target (`-Zbuild-std`, accepted by a stable compiler through
# RUSTC_BOOTSTRAP=1). scripts/install-deps.sh cross installs them (shared/cross-platform.md).
#
# Windows (GNU) is compiled with mingw for real. MSVC and macOS cannot be linked here (no MSVC or
# Apple SDK); `cargo clippy` never links, but two build scripts compile C first: ring's (cc-rs)
# gets a stand-in compiler that writes empty objects (scripts/cross/stand-in-cc), and turbojpeg's
# is told to link a prebuilt library (`TURBOJPEG_SOURCE=explicit`) instead of building one. The
# Rust code of every crate is type-checked and linted in full either way.
#
# Build output goes to $GUICHET_CROSS_TARGET_DIR (default: cross/ in $CARGO_TARGET_DIR or target/),
# which can be kept between runs: a second run with nothing changed takes seconds.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  targets=(x86_64-pc-windows-gnu x86_64-pc-windows-msvc aarch64-apple-darwin x86_64-apple-darwin)
fi
target_dir="${GUICHET_CROSS_TARGET_DIR:-${CARGO_TARGET_DIR:-$root/target}/cross}"

for tool in /usr/bin/cargo /usr/bin/rustc /usr/bin/cargo-clippy; do
  [[ -x "$tool" ]] || { echo "missing $tool: run scripts/install-deps.sh cross" >&2; exit 1; }
done
[[ -d /usr/lib/rustlib/src/rust/library ]] \
  || { echo "missing the standard library's source (rust-web-src): run scripts/install-deps.sh cross" >&2; exit 1; }

stand_in="$root/scripts/cross/stand-in-cc"
no_lib="$target_dir/no-prebuilt-lib"
mkdir -p "$no_lib"
env_for=()
args=()
for t in "${targets[@]}"; do
  args+=(--target "$t")
  case "$t" in
    *-windows-gnu) ;;
    *)
      v="${t//-/_}"
      env_for+=("CC_$v=$stand_in" "AR_$v=$stand_in" "CXX_$v=$stand_in")
      V="$(echo "$v" | tr '[:lower:]' '[:upper:]')"
      env_for+=("${V}_TURBOJPEG_SOURCE=explicit" "${V}_TURBOJPEG_LIB_DIR=$no_lib")
      ;;
  esac
done

cd "$root"
echo "cross check: ${targets[*]} (Debian $(/usr/bin/rustc --version))"
# A clean environment: the rustup shims come first in PATH and must not be picked up. cargo-clippy
# is called by its path because cargo looks for subcommands in $CARGO_HOME/bin (rustup's) first.
# The test-support crate drives Linux desktops and servers (Xvfb, D-Bus, /proc): tests only.
env -i HOME="$HOME" PATH=/usr/bin:/bin LANG=C.UTF-8 \
  CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" CARGO_TARGET_DIR="$target_dir" RUSTC_BOOTSTRAP=1 \
  "${env_for[@]}" \
  /usr/bin/cargo-clippy clippy --locked -Zbuild-std "${args[@]}" \
  --workspace --exclude guichet-test-support --lib --bins -- -D warnings
