#!/usr/bin/env bash
# Installs, on a fresh Debian 12 / Ubuntu machine, the system packages Guichet needs to build, run and
# be tested. Idempotent: packages already present are skipped, so a second run costs a few seconds.
# Usage: scripts/install-deps.sh [run|cross|test]   (default: test, the superset)
#   cross: only what builds and checks Guichet for Windows and macOS (README, "Operating systems")
set -euo pipefail
profile=${1:-test}

# Windows and macOS from this machine: Debian's rustc-web/cargo-web (which can build the standard
# library for other targets from rust-web-src), its clippy, mingw to link for Windows, and Wine to
# run the result (shared/cross-platform.md).
# The Windows installer: wixl and msitools (msibuild, msiinfo, msiextract) build and read the MSI,
# osslsigncode signs it (shared/windows-packaging.md); openssl makes the tests' throw-away certificate.
cross_pkgs=(rustc-web cargo-web rust-web-src rust-web-clippy gcc-mingw-w64-x86-64 wine wine64
            wixl msitools osslsigncode openssl)

# Build and run: WebKitGTK for the window process, appindicator (Tauri's tray panics without it),
# xcap's capture back ends (PipeWire via bindgen needs libclang; libgbm for linking); cmake and
# nasm build the bundled SIMD libjpeg-turbo that encodes screenshots.
pkgs=(build-essential pkg-config curl ca-certificates cmake nasm
      libwebkit2gtk-4.1-dev libayatana-appindicator3-1 libayatana-appindicator3-dev
      libpipewire-0.3-dev libclang1-14 libclang-common-14-dev libxcb-randr0-dev libgbm-dev
      libdbus-1-dev nodejs npm)
if [ "$profile" = cross ]; then
  pkgs=(build-essential cmake nasm xvfb x11-xserver-utils "${cross_pkgs[@]}")
fi
if [ "$profile" = test ]; then
  pkgs+=("${cross_pkgs[@]}")
  # Headless tests: an X server, a private D-Bus, WebDriver for WebKitGTK, a notification daemon;
  # Xorg with the dummy driver for a real multi-monitor desktop (Xvfb has one RandR monitor).
  # python3: scripts/deb-smoke.sh reads `guichet doctor --json` of the installed package.
  pkgs+=(curl openssl python3 webkit2gtk-driver xvfb xauth dbus dbus-bin dunst x11-apps x11-xserver-utils xdotool haskell-status-notifier-item-utils
         xserver-xorg-core xserver-xorg-video-dummy)
  # The connection doctor's real servers (an HTTPS front with the test's own authority, an HTTP
  # proxy; faketime signs an expired certificate) and a real Secret Service for the keyring
  # (GNOME Keyring, read back with secret-tool).
  pkgs+=(stunnel4 tinyproxy-bin faketime gnome-keyring libsecret-tools)
  # A real Wayland session (tests/wayland.rs, ../shared/wayland.md): headless sway with XWayland,
  # PipeWire and the Screenshot portal (-wlr captures, -gtk gives the "Access" interface without
  # which xdg-desktop-portal 1.16 hides Screenshot), wtype to press keys; GNOME's media-keys
  # schemas and gsettings for the custom shortcut Settings installs.
  pkgs+=(sway swaybg grim xwayland pipewire xdg-desktop-portal xdg-desktop-portal-wlr
         xdg-desktop-portal-gtk wtype gnome-settings-daemon-common libglib2.0-bin)
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# Node may come from elsewhere than Debian (this image ships its own); do not fight it.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
read -r -a missing <<<"${missing[*]:-}"
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "install-deps: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null
fi
# A real Request Tracker 5 for the connector conformance suite and the RT end-to-end tests (and
# `scripts/demo.sh`): Debian's packages, on SQLite, with its standalone server.
if [ "$profile" = test ]; then
  "$(dirname "$0")/rt/server.sh" install
fi
command -v cargo >/dev/null || { echo "install-deps: cargo not found; install Rust with rustup first" >&2; exit 1; }
