#!/usr/bin/env bash
# Installs what is missing, then builds everything and runs every test. `.ci/run` calls this.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never CARGO_INCREMENTAL=0

step() { printf '\n=== %s (%s)\n' "$*" "$(date +%T)"; }

# Space check first: a full disk otherwise surfaces as a linker "Bus error" deep in the build.
df -h . | sed 's/^/disk: /'
avail_kb="$(df -Pk . | awk 'NR==2 {print $4}')"
if [ "${avail_kb:-0}" -lt 6000000 ]; then
  echo "warning: less than 6 GB free here; the build and tests need about 5 GB" >&2
fi

step "system packages"
scripts/install-deps.sh test

step "tauri-driver (WebDriver for the end-to-end wizard test)"
command -v tauri-driver >/dev/null || [ -x "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver" ] \
  || cargo install tauri-driver --version '^2' --locked

step "TypeScript bindings of the IPC types are up to date"
fresh="$(mktemp -d)"
ui/scripts/gen-bindings.sh "$fresh"
diff -r "$fresh" ui/src/bindings || { echo "ui/src/bindings is stale: run ui/scripts/gen-bindings.sh" >&2; exit 1; }
rm -rf "$fresh"

step "web UI: install, type-check, build"
(cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run --silent check && npm run --silent build)

step "code rules: no Result<_, String>, no Rust file over 600 lines"
# Only the project's own files (git ls-files): build output anywhere (target/, fuzz/target/) is not ours.
if git ls-files -z -- '*.rs' | xargs -0 grep -nE 'Result<[^;{]*, *String>'; then
  echo "errors are typed here: no Result<_, String>" >&2; exit 1
fi
long="$(git ls-files -z -- '*.rs' | xargs -0 wc -l | awk '$2 != "total" && $1 > 600')"
if [ -n "$long" ]; then echo "Rust files over 600 lines:" >&2; echo "$long" >&2; exit 1; fi

step "lints (protocol, core, agent, GLPI double, window process)"
cargo clippy --locked --workspace --all-targets -- -D warnings
step "core stays free of Tauri"
if cargo tree --locked -p guichet-core -e normal | grep -Eq '^.* (tauri|wry|webkit2gtk|gtk) v'; then
  echo "guichet-core depends on Tauri/GTK: it must not" >&2; exit 1
fi
if cargo tree --locked -p guichet -e normal | grep -Eq ' (tauri|wry|webkit2gtk|gtk) v'; then
  echo "the guichet agent links GTK/WebKit: it must not" >&2; exit 1
fi
step "the window process needs only the protocol"
if cargo tree --locked -p guichet-ui -e normal | grep -Eq ' (guichet-core|sled|reqwest|xcap|turbojpeg) v'; then
  echo "guichet-ui depends on the core's heavy crates: it must use guichet-protocol only" >&2; exit 1
fi

step "build the whole workspace (agent, core, window process, benches)"
cargo build --locked --workspace --all-targets

step "tests"
cargo test --locked --workspace

step "Debian package: built with the Tauri bundler, installed, run from /usr/bin, removed"
deb="$(scripts/package.sh | tail -1)"
scripts/deb-smoke.sh "$deb"

step "Windows and macOS: clippy -D warnings for four targets (Debian's rustc-web, std built per target)"
scripts/cross/check.sh

step "Windows: guichet.exe built with mingw, its tests run under Wine"
windows_build="$(scripts/cross/build-windows.sh | tail -1)"
GUICHET_WINDOWS_BUILD="$windows_build" scripts/cross/wine-unit-tests.sh
GUICHET_WINDOWS_BUILD="$windows_build" cargo test --locked -p guichet --test wine -- --ignored --test-threads=1
