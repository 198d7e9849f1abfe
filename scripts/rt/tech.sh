#!/usr/bin/env bash
# Plays the technician on the demo's (or a test's) Request Tracker, with the agent's token that
# scripts/rt/server.sh init wrote into DIR/env.
#   scripts/rt/tech.sh DIR list                  the open tickets
#   scripts/rt/tech.sh DIR reply N "text"        answers on ticket N
#   scripts/rt/tech.sh DIR resolve N "text"      proposes a solution (the ticket becomes resolved)
set -euo pipefail
dir=$(realpath -m "$1"); what=${2:-list}
# shellcheck disable=SC1091
source "$dir/env"
url=$(sed -n "s/^Set(\$WebBaseURL, '\(.*\)');/\1/p" "$dir/RT_SiteConfig.pm")
api=(curl -sS -H "Authorization: token $TECH_TOKEN")
case "$what" in
  list)
    "${api[@]}" -G --data-urlencode "query=Status != 'resolved'" \
      --data-urlencode "fields=Subject,Status,LastUpdated" "$url/REST/2.0/tickets" ;;
  reply|resolve)
    ticket=$3; text=$4; status=""
    [ "$what" = resolve ] && status=',"Status":"resolved"'
    body=$(printf '{"Content":%s,"ContentType":"text/plain"%s}' \
      "$(printf '%s' "$text" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))')" "$status")
    "${api[@]}" --json "$body" "$url/REST/2.0/ticket/$ticket/correspond" ;;
  *) sed -n '2,6p' "$0" >&2; exit 2 ;;
esac
echo
