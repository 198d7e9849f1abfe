#!/usr/bin/env bash
# A private Request Tracker 5 for Guichet's tests and demo, on SQLite, under one directory.
#   scripts/rt/server.sh install        installs Debian's RT packages when they are missing
#   scripts/rt/server.sh init DIR PORT  writes DIR/RT_SiteConfig.pm, creates DIR/rt.db, adds the
#                                       users, tokens, rights and custom fields (DIR/env)
#   scripts/rt/server.sh run DIR PORT   runs the server in the foreground on 127.0.0.1:PORT
#   scripts/rt/server.sh guichet-config DIR PORT
#                                       prints Guichet's configuration for DIR's requester (the
#                                       demo's and scripts/rt/timed-loop.sh's; tickets checked
#                                       every 20 s)
# Nothing is written outside DIR: RT_SITE_CONFIG points RT at DIR's configuration.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
server=/usr/share/request-tracker5/libexec/rt-server

install() {
  if [ -x "$server" ] && [ -x /usr/sbin/rt-setup-database-5 ] \
     && perl -e 'use DBD::SQLite' 2>/dev/null && perl -e 'use Plack::Handler::Starlet' 2>/dev/null; then
    return
  fi
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "request-tracker5 request-tracker5/dbconfig-install boolean false" | $sudo debconf-set-selections
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    -o DPkg::Lock::Timeout=600 request-tracker5 rt5-db-sqlite rt5-standalone >/dev/null
}

config() {
  local dir=$1 port=$2
  mkdir -p "$dir/RT_SiteConfig.d"
  cat >"$dir/RT_SiteConfig.pm" <<PERL
Set(\$rtname, 'guichet-test');
Set(\$Organization, 'guichet.test');
Set(\$WebDomain, '127.0.0.1');
Set(\$WebPort, $port);
Set(\$WebBaseURL, 'http://127.0.0.1:$port');
Set(\$WebPath, '');
Set(\$DatabaseType, 'SQLite');
Set(\$DatabaseName, '$dir/rt.db');
Set(\$MailCommand, 'mbox');
Set(\$LogToSTDERR, 'warning');
Set(\$LogToSyslog, undef);
Set(\$LogToFile, undef);
1;
PERL
  export RT_SITE_CONFIG="$dir/RT_SiteConfig.pm" RT_SITE_CONFIG_DIR="$dir/RT_SiteConfig.d"
}

case "${1:-}" in
  install) install ;;
  init)
    dir=$(realpath -m "$2"); port=$3
    install
    config "$dir" "$port"
    rm -f "$dir/rt.db"
    head -c 24 /dev/urandom | base64 >"$dir/root-password"
    /usr/sbin/rt-setup-database-5 --action init --root-password-file "$dir/root-password" \
      >"$dir/setup.log" 2>&1 || { cat "$dir/setup.log" >&2; exit 1; }
    perl "$here/setup.pl" 2>>"$dir/setup.log" | tee "$dir/env" >/dev/null
    grep -q REQUESTOR_TOKEN "$dir/env" || { cat "$dir/setup.log" >&2; exit 1; }
    ;;
  run)
    dir=$(realpath -m "$2"); port=$3
    config "$dir" "$port"
    # Two workers: each costs about 210 MB (ten by default would be over 2 GB).
    exec "$server" --server Starlet --host 127.0.0.1 --port "$port" --max-workers 2
    ;;
  guichet-config)
    dir=$(realpath -m "$2"); port=$3
    # shellcheck disable=SC1091
    source "$dir/env"
    cat <<TOML
[server]
kind = "rt"
url = "http://127.0.0.1:$port"
token = "$REQUESTOR_TOKEN"
requestor = "$REQUESTOR"
acceptance_field = "Accepted"
satisfaction_field = "Satisfaction"

[poll]
interval_secs = 20
TOML
    ;;
  *) sed -n '2,11p' "$0" >&2; exit 2 ;;
esac
