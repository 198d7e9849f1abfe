#!/usr/bin/env bash
# Builds Guichet's Debian package with the Tauri bundler: the release agent and CLI `guichet`
# (as the bundle's external binary, installed as /usr/bin/guichet) and the window process
# `guichet-ui` (Tauri's main binary, /usr/bin/guichet-ui). Prints the .deb's path as its last line.
# Usage: scripts/package.sh [BUNDLES]   (default: deb; on Windows `msi`, on macOS `app,dmg`)
#
# The external binary lives only in src-tauri/bundle.conf.json, merged with --config here: in
# tauri.conf.json it would make every plain `cargo build` of guichet-ui (tauri-build copies
# external binaries at build time) fail until a release `guichet` had been copied into
# src-tauri/binaries/.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
bundles="${1:-deb}"

target_dir="${CARGO_TARGET_DIR:-$root/target}"
triple="$(rustc -vV | sed -n 's/^host: //p')"
exe=""; case "$triple" in *windows*) exe=".exe" ;; esac

# The web UI's tooling, the Tauri CLI among it (its native binary comes from the npm registry).
[ -x ui/node_modules/.bin/tauri ] || (cd ui && npm ci --no-audit --no-fund --loglevel=error)

cargo build --locked --release -p guichet
# The bundler takes external binaries from src-tauri/binaries/<name>-<target triple> and installs
# them without the suffix beside the main binary (/usr/bin on Linux, the install folder on
# Windows, Contents/MacOS on macOS), where the agent looks for guichet-ui and vice versa.
mkdir -p src-tauri/binaries
cp "$target_dir/release/guichet$exe" "src-tauri/binaries/guichet-$triple$exe"

rm -rf "$target_dir/release/bundle/deb"
# The --config path is relative to ui/ (a POSIX absolute path would not reach node under Git Bash).
(cd ui && npm run --silent tauri -- build --ci --bundles "$bundles" \
  --config ../src-tauri/bundle.conf.json -- --locked) >&2

if [ "$bundles" = deb ]; then
  deb="$(ls "$target_dir"/release/bundle/deb/*.deb)"
  # The bundler compresses with gzip: 11.3 MB. The same files in xz -9, which every dpkg reads,
  # make 7.1 MB (docs/PERFORMANCE.md, "Packages"); the contents and control file are unchanged.
  work="$(mktemp -d)"
  dpkg-deb -R "$deb" "$work/root"
  # The menu entry is named by the application id (tauri.conf.json's identifier), which Guichet
  # registers with the desktop's portals: GNOME and the portal's host registry find its
  # permissions (the screenshot's among them) by that name. The bundler names it Guichet.desktop.
  apps="$work/root/usr/share/applications"
  mv "$apps/Guichet.desktop" "$apps/fr.guichet.app.desktop"
  if [ -f "$work/root/DEBIAN/md5sums" ]; then
    sed -i 's|usr/share/applications/Guichet.desktop$|usr/share/applications/fr.guichet.app.desktop|' \
      "$work/root/DEBIAN/md5sums"
  fi
  dpkg-deb --root-owner-group -Zxz -z9 -b "$work/root" "$deb" >&2
  rm -rf "$work"
  echo "$deb"
fi
