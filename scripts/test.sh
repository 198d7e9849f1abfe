#!/usr/bin/env bash
# Installs what is missing, then builds everything and runs every test. `.ci/run` calls this.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never CARGO_INCREMENTAL=0

target_dir="${CARGO_TARGET_DIR:-$PWD/target}"
free_gb() { df -Pk "$(dirname "$target_dir")" | awk 'NR==2 {printf "%d", $4 / 1048576}'; }
step() { printf '\n=== %s (%s, %s GB free)\n' "$*" "$(date +%T)" "$(free_gb)"; }

# A full disk surfaces as a linker "Bus error" deep in the build, so the space is checked first.
# From empty build folders the three builds (Windows, debug, release) take about 12 GB together.
# When less than 25 GB is free, each build's output is deleted once the tests that need it have
# run (GUICHET_KEEP_BUILDS=1 keeps them; GUICHET_PRUNE_BUILDS=1 prunes even with room to spare),
# so that the run needs only the largest of the three, about 6.5 GB (docs/PERFORMANCE.md).
df -h "$(dirname "$target_dir")" | sed 's/^/disk: /'
prune=0
if [[ -n "${GUICHET_PRUNE_BUILDS:-}" ]] || { [[ -z "${GUICHET_KEEP_BUILDS:-}" ]] && (( $(free_gb) < 25 )); }; then
  prune=1
  echo "builds are deleted once used (less than 25 GB free, or GUICHET_PRUNE_BUILDS)"
fi
if (( $(free_gb) < 7 )); then
  echo "warning: less than 7 GB free here; the build and tests need about 6.5 GB" >&2
fi
done_with() { if (( prune )); then rm -rf "$@"; fi; }

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

step "Windows and macOS: clippy -D warnings (Debian's rustc-web, std built per target)"
# One target per OS: the product's code differs by OS (cfg(windows), cfg(target_os = "macos")),
# never by Windows toolchain or Mac processor, so MSVC's and Apple silicon's lints cover it. The
# mingw target is compiled and linked for real just below (guichet.exe, guichet-ui.exe, the MSI);
# `scripts/cross/check.sh` with no argument still checks all four. This saves about 5 minutes.
scripts/cross/check.sh x86_64-pc-windows-msvc aarch64-apple-darwin

step "Windows: guichet.exe built with mingw, the protocol's tests run under Wine"
windows_build="$(scripts/cross/build-windows.sh | tail -1)"
GUICHET_WINDOWS_BUILD="$windows_build" scripts/cross/wine-unit-tests.sh
# tests/wine.rs runs guichet.exe later, beside Wine's shim; only those two are kept.
windows_exe="$(mktemp -d)"
msi_dir="$(mktemp -d)"
trap 'rm -rf "$windows_exe" "$msi_dir"' EXIT
cp "$windows_build/guichet.exe" "$windows_build/bcryptprimitives.dll" "$windows_exe/"

step "Windows: the MSI (wixl), and a higher version signed with a throw-away certificate"
msi="$(scripts/package-windows.sh --from "$windows_build" --out "$msi_dir" | tail -1)"
echo "MSI: $msi, $(du -k "$msi" | cut -f1) KB (docs/PERFORMANCE.md: goal 12 MB)"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Guichet test code signing" \
  -addext extendedKeyUsage=codeSigning -keyout "$msi_dir/key.pem" -out "$msi_dir/cert.pem" 2>/dev/null
version="$(sed -n '/^\[workspace.package\]/,/^\[/s/^version *= *"\(.*\)"/\1/p' Cargo.toml)"
version="${version%%-*}"
next_version="${version%.*}.$(( ${version##*.} + 1 ))"
msi_next="$(scripts/package-windows.sh --from "$windows_build" --out "$msi_dir/next" \
  --version "$next_version" --cert "$msi_dir/cert.pem" --key "$msi_dir/key.pem" | tail -1)"
done_with "$target_dir/cross"

step "build the whole workspace (agent, core, window process, benches)"
cargo build --locked --workspace --all-targets

step "tests"
cargo test --locked --workspace

step "Windows: the agent and CLI under Wine (tests/wine.rs)"
# --workspace, as above, so that features resolve the same and nothing is built again.
GUICHET_WINDOWS_BUILD="$windows_exe" cargo test --locked --workspace --test wine -- --ignored --test-threads=1

step "Windows: the MSI installed, upgraded and removed by msiexec under Wine (tests/msi.rs)"
GUICHET_WINDOWS_BUILD="$windows_exe" GUICHET_MSI="$msi" GUICHET_MSI_NEXT="$msi_next" \
  GUICHET_MSI_SIGNER="$msi_dir/cert.pem" \
  cargo test --locked --workspace --test msi -- --ignored --test-threads=1

step "the demo's loop from a French session, timed (report, resolve, notification, accept, rate)"
scripts/rt/timed-loop.sh debug
done_with "$target_dir/debug"

step "Debian package: built with the Tauri bundler, installed, run from /usr/bin, removed"
deb="$(scripts/package.sh | tail -1)"
scripts/deb-smoke.sh "$deb"
