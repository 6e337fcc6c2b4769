#!/usr/bin/env bash
# `make examples-testing`: runs both "Testing your integration" examples of the README against a
# portals-mock it starts (built by the Makefile), in a virtualenv with `requests`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp)
"$here/../../target/debug/portals-mock" --port 0 --job-interval-ms 0 >"$out" 2>/dev/null &
mock=$!
trap 'kill $mock 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 100); do grep -q '^listening on ' "$out" && break; sleep 0.05; done
base=$(sed -n 's/^listening on //p' "$out")
[ -n "$base" ] || { echo "run.sh: the mock did not start" >&2; exit 1; }
bash "$here/with_curl.sh" "$base"
if [ ! -x "$here/.venv/bin/python" ]; then
  python3 -m venv "$here/.venv"
  "$here/.venv/bin/pip" install -q -r "$here/requirements.txt"
fi
"$here/.venv/bin/python" "$here/with_requests.py" "$base"
