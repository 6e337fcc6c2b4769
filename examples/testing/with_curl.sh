#!/usr/bin/env bash
# Testing an integration with portals-mock from a shell: reset an org, call the API as your code
# would, then ask the mock what was sent. Usage: with_curl.sh [BASE_URL] (default: a mock it starts).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -ge 1 ]; then
  BASE=$1
else
  out=$(mktemp)
  "$here/../../target/debug/portals-mock" --port 0 --job-interval-ms 0 >"$out" 2>/dev/null &
  mock=$!
  trap 'kill $mock 2>/dev/null; rm -f "$out"' EXIT
  for _ in $(seq 100); do grep -q '^listening on ' "$out" && break; sleep 0.05; done
  BASE=$(sed -n 's/^listening on //p' "$out")
fi
fail() { echo "with_curl.sh: $*" >&2; exit 1; }

# 1. A fresh org of our own (isolated from every other test on this server), and its token.
org=$(curl -sf -X POST "$BASE/__mock/orgs" -d '{"fixture":"blank"}')
org_id=$(printf '%s' "$org" | sed -n 's/.*"org_id":"\([^"]*\)".*/\1/p')
token=$(printf '%s' "$org" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
curl -sf -X POST "$BASE/__mock/orgs/$org_id/reset" >/dev/null

# 2. What the integration does: create the portal (the code under test would do this).
created=$(curl -s -X POST "$BASE/crm/v8/settings/portals" \
  -H "Authorization: Zoho-oauthtoken $token" -d "{\"portals\":[{\"name\":\"Curl${org_id//-/}\"}]}")
case $created in *'"code":"SUCCESS"'*) ;; *) fail "create portal answered $created" ;; esac

# 3. Verify what was sent: exactly one create, with the name in the body.
count=$(curl -sf -X POST "$BASE/__mock/orgs/$org_id/requests/count" \
  -d "{\"method\":\"POST\",\"url_path\":\"/crm/v8/settings/portals\",\"body_contains\":\"Curl\"}")
[ "$count" = '{"count":1}' ] || fail "expected one create, the mock says $count"
# A call that was never made shows the closest requests and what differed.
miss=$(curl -sf -X POST "$BASE/__mock/orgs/$org_id/requests/count" -d '{"method":"PUT"}')
case $miss in *'"near_misses"'*'method: expected PUT, was POST'*) ;; *) fail "near miss: $miss" ;; esac
# The journal never holds the token.
journal=$(curl -sf "$BASE/__mock/orgs/$org_id/requests")
case $journal in *"$token"*) fail "the journal holds the token" ;; esac
echo "with_curl.sh: ok ($org_id)"
