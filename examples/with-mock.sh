#!/usr/bin/env bash
# Runs a command against a portals-mock of its own: starts MOCK (default target/debug/portals-mock)
# on a free loopback port, waits for its `listening on` line, exports PORTALS_MOCK_URL, runs the
# command, and stops the mock on exit whatever happens. The command's exit code is the script's.
#
#   examples/with-mock.sh python3 examples/python/dealer_workflow.py
set -euo pipefail
MOCK=${MOCK:-target/debug/portals-mock}
[ "$#" -gt 0 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }
[ -x "$MOCK" ] || { echo "$MOCK not found: build it first (cargo build -p portals-mock)" >&2; exit 2; }

out=$(mktemp -d)
"$MOCK" --port 0 --job-interval-ms 0 >"$out/stdout" 2>"$out/stderr" &
pid=$!
stop() {
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$out"
}
trap stop EXIT

# The first stdout line is `listening on http://HOST:PORT`; give up after 30 s or if it exits.
for _ in $(seq 300); do
    grep -q '^listening on ' "$out/stdout" && break
    kill -0 "$pid" 2>/dev/null || { echo "portals-mock exited:" >&2; cat "$out/stderr" >&2; exit 1; }
    sleep 0.1
done
PORTALS_MOCK_URL=$(sed -n 's/^listening on //p' "$out/stdout" | head -n 1)
[ -n "$PORTALS_MOCK_URL" ] || { echo "portals-mock did not print its address" >&2; cat "$out/stderr" >&2; exit 1; }
export PORTALS_MOCK_URL
echo "portals-mock at $PORTALS_MOCK_URL"
status=0
"$@" || status=$?
if [ "$status" -ne 0 ]; then
    echo "--- portals-mock log ---" >&2
    tail -n 40 "$out/stderr" >&2
fi
exit "$status"
