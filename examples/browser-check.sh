#!/usr/bin/env bash
# Sourced (not run) by the browser checks, examples/dashboard/check.sh and
# examples/report/check.sh, after they set NAME (the example's name) and `set -euo pipefail`:
# goes to the repository root (ROOT), makes $OUT (default target/examples/$NAME), sets CARGO,
# and defines fail (prints "examples/$NAME: FAILED: ..." and exits 1) and ensure_chromium
# (installs Debian's chromium with apt-get when it is missing; CI runs as root on Debian).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="${OUT:-$ROOT/target/examples/$NAME}"
CARGO="${CARGO:-cargo}"
mkdir -p "$OUT"

fail() {
    echo "examples/$NAME: FAILED: $*" >&2
    exit 1
}

ensure_chromium() {
    command -v chromium > /dev/null && return 0
    echo "== chromium is missing: installing Debian's chromium"
    [ "$(id -u)" -eq 0 ] || fail "chromium is missing; install it (apt-get install chromium) or run as root"
    local log
    log="$(mktemp)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > "$log" 2>&1 \
        || fail "apt-get install chromium: $(tail -5 "$log")"
    rm -f "$log"
}
