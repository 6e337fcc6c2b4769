"""`python -m portals_mock ARGS…`: runs the installed `portals-mock` binary with ARGS (as `ruff` does)."""

from __future__ import annotations

import os
import subprocess
import sys

from portals_mock._binary import find_binary


def main() -> int:
    """Run the binary with this process's arguments; its exit code is ours."""
    binary = find_binary()
    if sys.platform == "win32":
        return subprocess.call([binary, *sys.argv[1:]])
    os.execv(binary, [binary, *sys.argv[1:]])
    return 0  # not reached: execv replaces this process


if __name__ == "__main__":
    sys.exit(main())
