#!/usr/bin/env bash
# The wheel as a Python user gets it: installs target/wheels/portals_mock-*.whl (from `make wheel`)
# into a fresh virtualenv (target/wheel-venv) with pytest and the official SDK (pinned), checks
# its metadata (version = the portals-mock crate's) and that its binary is the one on the
# virtualenv's PATH, then runs the package's own tests (python/tests) and the pytest example
# (examples/python/test_dealer_workflow.py) with a PATH that has no Rust toolchain, the plugin
# loaded through its entry point and the binary from the wheel. Prints the wheel's size and the
# binary's start-up time (to its `listening on` line). Run by `make examples-wheel`.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
CARGO=${CARGO:-cargo}
VENV=target/wheel-venv

shopt -s nullglob
wheels=(target/wheels/portals_mock-*.whl)
[ "${#wheels[@]}" -eq 1 ] || { echo "expected one wheel in target/wheels, found ${#wheels[@]}: run make wheel" >&2; exit 2; }
wheel=${wheels[0]}
echo "wheel: $wheel ($(du -k "$wheel" | cut -f1) KiB)"

rm -rf "$VENV"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$wheel" \
    -r python/requirements-test.txt -r examples/python/requirements.txt

expected=$("$CARGO" metadata --locked --no-deps --format-version 1 |
    "$PYTHON" -c 'import json, sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "portals-mock"))')
# A clean environment: the virtualenv's bin and the system's, no cargo, no binary or mock named.
clean=(env -u PORTALS_MOCK_BIN -u PORTALS_MOCK_URL -u PYTEST_PLUGINS -u PYTHONPATH -u VIRTUAL_ENV
       "PATH=$PWD/$VENV/bin:/usr/bin:/bin")
"${clean[@]}" sh -c '! command -v cargo >/dev/null' || { echo "cargo is on the clean PATH" >&2; exit 1; }

"${clean[@]}" EXPECTED_VERSION="$expected" python - <<'PY'
"""The installed distribution: metadata, files, the binary on PATH."""
import os, shutil, subprocess, sys
from importlib.metadata import distribution
import portals_mock

dist = distribution("portals-mock")
meta = dist.metadata
assert meta["Name"] == "portals-mock", meta["Name"]
assert meta["Version"] == os.environ["EXPECTED_VERSION"] == portals_mock.__version__, (meta["Version"], os.environ["EXPECTED_VERSION"])
assert meta["License-Expression"] == "MIT OR Apache-2.0", meta["License-Expression"]
assert meta["Requires-Python"] == ">=3.9"
assert "Framework :: Pytest" in meta.get_all("Classifier") and "Typing :: Typed" in meta.get_all("Classifier")
assert not [r for r in (meta.get_all("Requires-Dist") or []) if "extra ==" not in r], "runtime dependencies"
assert portals_mock.__file__.startswith(sys.prefix), portals_mock.__file__
assert any(str(f).endswith("portals_mock/py.typed") for f in dist.files)
binary = shutil.which("portals-mock")
assert binary == os.path.join(sys.prefix, "bin", "portals-mock") == portals_mock.find_binary(), binary
out = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True).stdout.split()
assert out == ["portals-mock", os.environ["EXPECTED_VERSION"]], out
print(f"installed: portals-mock {meta['Version']}, binary {binary}")
PY

"${clean[@]}" python - <<'PY'
"""The binary's start-up time from the wheel: spawn to its `listening on` line, first and median of 5."""
import statistics, time
from portals_mock import MockServer

times = []
for _ in range(6):
    started = time.perf_counter()
    server = MockServer().start()
    times.append((time.perf_counter() - started) * 1000)
    server.stop()
print(f"start-up to 'listening on': first {times[0]:.0f} ms, median of the next 5 {statistics.median(times[1:]):.0f} ms")
PY

"${clean[@]}" "$VENV/bin/pytest" -p no:cacheprovider -q -rs python/tests examples/python/test_dealer_workflow.py
