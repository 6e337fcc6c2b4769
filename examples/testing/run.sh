#!/usr/bin/env bash
# `make examples-testing`: runs both "Testing your integration" examples of the README against a
# portals-mock that ../with-mock.sh starts (built by the Makefile), in a virtualenv with `requests`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -x "$here/.venv/bin/python" ]; then
  python3 -m venv "$here/.venv"
  "$here/.venv/bin/pip" install -q -r "$here/requirements.txt"
fi
MOCK="$here/../../target/debug/portals-mock" exec "$here/../with-mock.sh" bash -c 'set -e
  bash "$1/with_curl.sh" "$PORTALS_MOCK_URL"
  "$1/.venv/bin/python" "$1/with_requests.py" "$PORTALS_MOCK_URL"' run.sh "$here"
