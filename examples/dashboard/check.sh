#!/usr/bin/env bash
# The dashboard (GET /__mock/ui) in a real browser: builds portals-mock, starts it on a free
# loopback port (examples/with-mock.sh), and runs examples/dashboard/drive.mjs, which drives
# Debian's headless chromium (installed with apt-get when missing; CI runs as root on Debian)
# over the DevTools protocol on a pipe: it loads the page, sends requests, sees them appear,
# filters them, opens one, checks what the page shows, and saves a screenshot.
#
# Leaves dashboard.png (the screenshot) and dom.html in $OUT (default target/examples/dashboard);
# UPDATE_DOCS=1 also copies the screenshot to docs/dashboard.png, the one the README shows.
# Needs node 18+. Usage: bash examples/dashboard/check.sh        (or: make examples-dashboard)
set -euo pipefail

NAME=dashboard
source "$(dirname "${BASH_SOURCE[0]}")/../browser-check.sh"
rm -f "$OUT/dashboard.png" "$OUT/dom.html"

echo "== build portals-mock"
"$CARGO" build --locked -q -p portals-mock

command -v node > /dev/null || fail "node (18 or later) is missing"
ensure_chromium

echo "== the dashboard in headless chromium ($(chromium --version 2>/dev/null || echo unknown version))"
OUT="$OUT" MOCK="$ROOT/target/debug/portals-mock" \
    timeout 300 examples/with-mock.sh node examples/dashboard/drive.mjs \
    || fail "the browser checks failed (above)"
[ -s "$OUT/dashboard.png" ] || fail "no screenshot written"
if [ -n "${UPDATE_DOCS:-}" ]; then
    cp "$OUT/dashboard.png" docs/dashboard.png
    echo "   docs/dashboard.png updated"
fi
echo "examples/dashboard: ok: screenshot $OUT/dashboard.png"
