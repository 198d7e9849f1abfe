#!/usr/bin/env bash
# Builds Guichet's Windows installer, Guichet-<version>-x64.msi, on this Linux machine: the
# programs cross-built with mingw (scripts/cross/build-windows.sh), packed by Debian's wixl from
# packaging/windows/guichet.wxs, with msibuild adding what wixl cannot write. When a certificate
# is given, the programs and the MSI are signed with osslsigncode (Authenticode).
#
#   scripts/package-windows.sh [--release] [--from DIR] [--version X.Y.Z] [--out DIR]
#                              [--cert FILE] [--key FILE] [--pass-file FILE] [--timestamp URL]
#
#   --release        build the release profile (default: debug, as the test run does)
#   --from DIR       pack the programs already built in DIR (guichet.exe, guichet-ui.exe,
#                    WebView2Loader.dll) instead of building them
#   --version X.Y.Z  the MSI's version (default: the workspace's, from Cargo.toml); the test run
#                    builds a higher one to test upgrades
#   --out DIR        where the MSI goes (default: target/windows, or $CARGO_TARGET_DIR/windows)
#   --cert FILE      the code-signing certificate: PEM or DER (with --key), or PKCS#12 (.pfx/.p12,
#                    holding the key; then --pass-file if it has a password)
#   --key FILE       the certificate's private key (PEM or DER)
#   --pass-file FILE a file holding the key's or the .pfx's password
#   --timestamp URL  an RFC 3161 timestamping server, so the signature outlives the certificate
# The same settings as environment variables: GUICHET_SIGN_CERT, GUICHET_SIGN_KEY,
# GUICHET_SIGN_PASS_FILE, GUICHET_SIGN_TIMESTAMP. Without a certificate nothing is signed.
#
# Prints the MSI's path on its last line. Needs scripts/install-deps.sh cross (wixl, msitools,
# osslsigncode, and the cross build's packages). docs/DEPLOYMENT.md, "Windows", documents the MSI.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
release=() from="" version="" out=""
cert="${GUICHET_SIGN_CERT:-}" key="${GUICHET_SIGN_KEY:-}"
pass_file="${GUICHET_SIGN_PASS_FILE:-}" timestamp="${GUICHET_SIGN_TIMESTAMP:-}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --release) release=(--release) ;;
    --from) from="$2"; shift ;;
    --version) version="$2"; shift ;;
    --out) out="$2"; shift ;;
    --cert) cert="$2"; shift ;;
    --key) key="$2"; shift ;;
    --pass-file) pass_file="$2"; shift ;;
    --timestamp) timestamp="$2"; shift ;;
    *) echo "package-windows: unknown argument $1 (see the header of $0)" >&2; exit 2 ;;
  esac
  shift
done

for tool in wixl msibuild msiinfo; do
  command -v "$tool" >/dev/null || { echo "missing $tool: run scripts/install-deps.sh cross" >&2; exit 1; }
done
if [[ -z "$version" ]]; then
  version="$(sed -n '/^\[workspace.package\]/,/^\[/s/^version *= *"\(.*\)"/\1/p' "$root/Cargo.toml")"
fi
# An MSI's ProductVersion is three numbers; a pre-release suffix (0.2.0-beta.1) is left out.
version="${version%%-*}"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "package-windows: bad version '$version'" >&2; exit 1; }
if [[ -z "$from" ]]; then
  from="$("$root/scripts/cross/build-windows.sh" "${release[@]}" | tail -1)"
fi
out="${out:-${CARGO_TARGET_DIR:-$root/target}/windows}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
msi="$out/Guichet-$version-x64.msi"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
for f in guichet.exe guichet-ui.exe WebView2Loader.dll; do
  [[ -f "$from/$f" ]] || { echo "package-windows: no $from/$f (scripts/cross/build-windows.sh builds it)" >&2; exit 1; }
  cp "$from/$f" "$stage/"
done
cp "$root/icons/icon.ico" "$stage/guichet.ico"

# Authenticode: the programs first (they go inside the MSI), then the MSI.
sign() {
  local file="$1" args=(-h sha256 -n Guichet)
  if [[ "$cert" == *.pfx || "$cert" == *.p12 ]]; then
    args+=(-pkcs12 "$cert")
  else
    [[ -n "$key" ]] || { echo "package-windows: --cert needs --key (or a .pfx/.p12)" >&2; exit 1; }
    args+=(-certs "$cert" -key "$key")
  fi
  [[ -z "$pass_file" ]] || args+=(-readpass "$pass_file")
  [[ -z "$timestamp" ]] || args+=(-ts "$timestamp")
  osslsigncode sign "${args[@]}" -in "$file" -out "$file.signed" >&2
  mv "$file.signed" "$file"
}
if [[ -n "$cert" ]]; then
  command -v osslsigncode >/dev/null || { echo "missing osslsigncode: run scripts/install-deps.sh cross" >&2; exit 1; }
  sign "$stage/guichet.exe"
  sign "$stage/guichet-ui.exe"
fi

# wixl resolves the sources against the folder it runs in.
(cd "$stage" && wixl -a x64 -D Version="$version" -o guichet.msi "$root/packaging/windows/guichet.wxs" 2>&1 \
  | { grep -v -e '^$' || true; } >&2)

# What wixl 0.101 cannot write (shared/windows-packaging.md):
# - the login item's condition (a Condition inside a Component stops wixl);
# - IT's properties as secure, so that they reach the server side of a UI install (declaring
#   SecureCustomProperties by hand clashes with the one MajorUpgrade makes: it is completed here);
# - the application token hidden from verbose logs (Windows honours it; Wine does not).
secure="WIX_DOWNGRADE_DETECTED;WIX_UPGRADE_DETECTED"
for p in SERVER_URL SERVER_KIND APP_TOKEN RT_QUEUE LOCK SHORTCUT AUTOSTART EXTRA_CA PROXY_URL PHONE; do
  secure+=";$p;CMD_$p"
done
msibuild "$stage/guichet.msi" -q "UPDATE Component SET Condition = 'AUTOSTART <> \"0\"' WHERE Component = 'LoginItem'"
msibuild "$stage/guichet.msi" -q "UPDATE Property SET Value = '$secure' WHERE Property = 'SecureCustomProperties'"
msibuild "$stage/guichet.msi" -q "INSERT INTO Property (Property, Value) VALUES ('MsiHiddenProperties', 'APP_TOKEN;CMD_APP_TOKEN')"

if [[ -n "$cert" ]]; then sign "$stage/guichet.msi"; fi
mv "$stage/guichet.msi" "$msi"
echo "package-windows: $(du -k "$msi" | cut -f1) KB, version $version$([[ -n "$cert" ]] && echo ", signed")" >&2
echo "$msi"
