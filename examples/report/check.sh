#!/usr/bin/env bash
# The HTML report in a real browser: builds portals-conformance, runs a deliberately divergent
# set of scenarios (three real areas of fixtures/scenarios plus the wrong ones in
# examples/report/divergent/) against the embedded mock with --report-html, renders the page in
# headless Debian chromium (installed with apt-get when missing; CI runs as root on Debian), and
# checks that the rendered page shows both failures, their requests and the side-by-side diff.
#
# Leaves report.html, dom.html and report.png in $OUT (default target/examples/report).
# Usage: bash examples/report/check.sh        (or: make examples-report)
set -euo pipefail

NAME=report
source "$(dirname "${BASH_SOURCE[0]}")/../browser-check.sh"
rm -f "$OUT/report.html" "$OUT/dom.html" "$OUT/report.png"

echo "== build portals-conformance"
"$CARGO" build --locked -q -p portals-conformance
RUNNER="$ROOT/target/debug/portals-conformance"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/scenarios"
cp -r fixtures/scenarios/portals fixtures/scenarios/meta fixtures/scenarios/auth "$WORK/scenarios/"
cp examples/report/divergent/portals/*.json "$WORK/scenarios/portals/"
cp examples/report/divergent/meta/*.json "$WORK/scenarios/meta/"

echo "== a deliberately divergent run with --report-html"
set +e
"$RUNNER" --scenarios "$WORK/scenarios" --report-html "$OUT/report.html" --progress off \
    > "$WORK/run.out" 2>&1
code=$?
set -e
[ "$code" -ne 0 ] || fail "the divergent run exited 0"
[ -s "$OUT/report.html" ] || fail "no report.html written (exit code $code): $(tail -5 "$WORK/run.out")"
grep -q "test result: FAILED. [0-9]* passed; 2 failed" "$WORK/run.out" \
    || fail "expected exactly 2 failed scenarios: $(grep 'test result' "$WORK/run.out")"
echo "   exit code $code, $(wc -c < "$OUT/report.html") bytes of HTML"

ensure_chromium

chrome() {
    timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$(mktemp -d -p "$WORK")" "$@" 2>> "$WORK/chromium.log"
}

echo "== render in headless chromium ($(chromium --version 2>/dev/null || echo unknown version))"
chrome --dump-dom "file://$OUT/report.html" > "$OUT/dom.html" \
    || fail "chromium --dump-dom failed: $(tail -5 "$WORK/chromium.log")"
chrome --window-size=1400,2400 --hide-scrollbars --screenshot="$OUT/report.png" \
    "file://$OUT/report.html" > /dev/null \
    || fail "chromium --screenshot failed: $(tail -5 "$WORK/chromium.log")"
[ -s "$OUT/report.png" ] || fail "no screenshot written"

echo "== check the rendered page"
expect() {
    grep -qF -- "$1" "$OUT/dom.html" || fail "the rendered page lacks: $1"
}
expect '<h1>Conformance report</h1>'
expect '<span class="failed">2 failed</span>'
expect 'meta::meta_for_deals_expects_a_module_list'
expect 'portals::rename_expects_another_message'
# the requests: method, path, query parameters, body
expect '<code class="method">GET</code> <code>/crm/v4/settings/portals/meta</code>'
expect '<code class="method">PUT</code>'
expect '<th scope="row"><code>module</code></th><td><code>Deals</code></td>'
# the side-by-side diff, diverging paths highlighted on each side
expect '<table class="diff">'
expect 'title="$.portals[0].message: expected &quot;Portal renamed successfully&quot;, got &quot;Portal updated successfully&quot;"'
expect '<td class="ln expected">'
expect '<td class="ln actual">'
expect '"code": "INVALID_MODULE"'
# the summary by area and endpoint
expect '<caption>By area</caption>'
expect '<caption>By endpoint</caption>'
# content is text, never markup: the <script> sent in a query parameter stays text
expect '&lt;script&gt;alert('
if grep -qi '<script' "$OUT/dom.html"; then
    fail "the rendered page holds a script element"
fi
if grep -qiE '(src|href)="(https?:)?//' "$OUT/dom.html"; then
    fail "the page refers to an external resource"
fi
echo "examples/report: ok: $OUT/report.html rendered ($OUT/report.png)"
