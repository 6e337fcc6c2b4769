"""Finding the binary (the wheel's, beside the interpreter, unless PORTALS_MOCK_BIN names one),
and `python -m portals_mock`, which runs it."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import portals_mock
from portals_mock import ENV_BINARY, BinaryNotFoundError, find_binary


def test_the_environment_variable_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    binary = tmp_path / "portals-mock"
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    monkeypatch.setenv(ENV_BINARY, str(binary))
    assert find_binary() == str(binary)
    binary.chmod(0o644)
    with pytest.raises(BinaryNotFoundError, match="not an executable file"):
        find_binary()


@pytest.mark.skipif(bool(os.environ.get(ENV_BINARY)), reason=f"{ENV_BINARY} is set: not the installed binary")
def test_the_installed_binary_is_the_one_beside_the_interpreter() -> None:
    assert find_binary() == str(Path(sysconfig.get_path("scripts")) / "portals-mock")


def test_python_m_portals_mock_runs_the_binary() -> None:
    done = subprocess.run([sys.executable, "-m", "portals_mock", "--version"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    name, version = done.stdout.split()
    assert name == "portals-mock"
    if portals_mock.__version__ != "0+source":  # installed: the wheel's version is the binary's
        assert version == portals_mock.__version__
    bad = subprocess.run([sys.executable, "-m", "portals_mock", "--no-such-option"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "--no-such-option" in bad.stderr
