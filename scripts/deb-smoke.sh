#!/usr/bin/env bash
# Installs Guichet's .deb (scripts/package.sh), runs the installed programs, removes the package and
# checks nothing is left in /usr/bin. Needs root (or sudo); refuses to touch a Guichet installed
# before it ran.
# Usage: scripts/deb-smoke.sh path/to/Guichet_<version>_amd64.deb
# GUICHET_SMOKE_NO_DOCTOR=1 leaves out `guichet doctor` (for a build that has no doctor yet).
set -euo pipefail
deb="$(realpath "${1:?usage: deb-smoke.sh FILE.deb}")"
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
fail() { echo "deb-smoke: $*" >&2; exit 1; }

if dpkg-query -W -f='${Status}' guichet 2>/dev/null | grep -q 'install ok installed'; then
  fail "a guichet package is already installed here; remove it first (apt-get remove guichet)"
fi
[ ! -e /usr/bin/guichet ] || fail "/usr/bin/guichet exists and belongs to no guichet package"

version="$(dpkg-deb -f "$deb" Version)"
echo "deb-smoke: $(du -k "$deb" | cut -f1) KiB, installed size $(dpkg-deb -f "$deb" Installed-Size) KiB, version $version"
echo "deb-smoke: depends on $(dpkg-deb -f "$deb" Depends)"

installed=""
cleanup() { [ -z "$installed" ] || $sudo dpkg -r guichet >/dev/null 2>&1 || true; }
trap cleanup EXIT
# apt resolves the dependencies (all present on a machine that built the package: no download);
# no recommends, as on a school workstation set up by IT.
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
  -o DPkg::Lock::Timeout=600 "$deb" >/dev/null
installed=1

for f in /usr/bin/guichet /usr/bin/guichet-ui /usr/share/applications/fr.guichet.app.desktop; do
  dpkg -L guichet | grep -qx "$f" || fail "$f is not in the package"
done
[ -x /usr/bin/guichet ] && [ -x /usr/bin/guichet-ui ] || fail "the installed programs are not executable"
grep -qx 'Exec=guichet --report' /usr/share/applications/fr.guichet.app.desktop \
  || fail "the menu entry does not start the agent with the wizard"
grep -qx 'Name=Signaler un problème' /usr/share/applications/fr.guichet.app.desktop \
  || fail "the menu entry is not called « Signaler un problème »"
if ldd /usr/bin/guichet /usr/bin/guichet-ui | grep 'not found'; then
  fail "an installed program misses a library its package does not depend on"
fi
# The agent's libraries are listed by hand in tauri.conf.json (bundle.linux.deb.depends; the
# bundler adds WebKitGTK and GTK for guichet-ui): each library /usr/bin/guichet links directly
# must come from a package the .deb depends on (libc6 and libgcc-s1 are always there).
depends=" libc6 libgcc-s1 $(dpkg-deb -f "$deb" Depends | tr -d ',') "
for so in $(objdump -p /usr/bin/guichet | awk '$1 == "NEEDED" {print $2}'); do
  case "$so" in ld-linux*) continue ;; esac
  path="$(ldd /usr/bin/guichet | awk -v so="$so" '$1 == so {print $3}')"
  owner="$(dpkg -S "$path" 2>/dev/null || dpkg -S "/usr$path" 2>/dev/null || true)"
  owner="${owner%%:*}"
  case "$depends" in *" $owner "*) ;; *)
    fail "/usr/bin/guichet links $so (package '${owner:-unknown}'), which the .deb does not depend on: add it to bundle.linux.deb.depends" ;;
  esac
done

# From the installed path, with a home of its own: nothing read from or written to the caller's.
home="$(mktemp -d)"
run() { env -i PATH=/usr/bin:/bin HOME="$home" XDG_RUNTIME_DIR="$home/run" GUICHET_LANG=en "$@"; }
mkdir -m 0700 "$home/run"
out="$(run /usr/bin/guichet --version)"
echo "deb-smoke: $out"
[ "$out" = "guichet $version" ] || fail "guichet --version says '$out', the package is $version"

if [ -z "${GUICHET_SMOKE_NO_DOCTOR:-}" ]; then
  # No help desk is configured here, so doctor reports that step failed and exits 1: its exit code
  # is not the point, its report is.
  code=0; run /usr/bin/guichet doctor --json >"$home/doctor.json" || code=$?
  echo "deb-smoke: guichet doctor --json exited $code"
  python3 - "$home/doctor.json" <<'EOF' || fail "guichet doctor --json did not print its report"
import json, sys
report = json.load(open(sys.argv[1]))
steps = report["steps"]
assert isinstance(steps, list) and steps, "no steps"
for s in steps:
    assert isinstance(s["step"], str) and s["status"] in ("pass", "fail", "skip") \
        and isinstance(s["message"], str), s
    print(f"deb-smoke: doctor: {s['step']}: {s['status']}")
EOF
fi
rm -rf "$home"

DEBIAN_FRONTEND=noninteractive $sudo apt-get remove -y -qq -o DPkg::Lock::Timeout=600 guichet >/dev/null
installed=""
for f in /usr/bin/guichet /usr/bin/guichet-ui /usr/share/applications/fr.guichet.app.desktop; do
  [ ! -e "$f" ] || fail "$f is still there after removing the package"
done
dpkg-query -W -f='${Status}' guichet 2>/dev/null | grep -q 'install ok installed' \
  && fail "the guichet package is still installed"
echo "deb-smoke: installed, ran and removed cleanly"
