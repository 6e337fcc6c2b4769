"""MockServer: starts the binary on a free loopback port, reads its address, and always stops it
(SIGTERM, SIGKILL when ignored); a binary that fails or stays silent is an error with its log."""

from __future__ import annotations

import os
import re
import sys
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from portals_mock import BinaryNotFoundError, MockServer, MockStartError


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def refused(url: str) -> bool:
    try:
        urllib.request.urlopen(url + "/__mock/orgs", timeout=5)
    except urllib.error.URLError as error:
        return isinstance(error.reason, ConnectionRefusedError)
    return False


def fake_binary(tmp_path: Path, body: str) -> str:
    """An executable Python script standing in for the binary."""
    script = tmp_path / "fake-portals-mock"
    script.write_text(f"#!{sys.executable}\n" + textwrap.dedent(body))
    script.chmod(0o755)
    return str(script)


def test_it_serves_on_a_free_loopback_port_and_is_stopped_on_exit() -> None:
    with MockServer(["--job-interval-ms", "0"]) as first, MockServer() as second:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", first.url)
        assert first.url != second.url
        with urllib.request.urlopen(first.url + "/__mock/orgs", timeout=5) as answer:
            assert answer.status == 200
        pid, url = first.pid, first.url
        assert pid is not None and not gone(pid)
        assert first.control.create_org().org_id.startswith("blank-")
    assert first.pid is None and gone(pid) and refused(url)
    assert "listening" in first.log() or first.log() != ""  # its log outlives it
    assert first.stop() is None  # a second stop does nothing


def test_stop_is_graceful_and_answers_the_exit_code() -> None:
    server = MockServer().start()
    server.control.orgs()  # serving: its SIGTERM handler is in place (a SIGTERM before it kills it: -15)
    assert server.stop() == 0


def test_a_binary_that_refuses_its_arguments_is_an_error_with_its_log() -> None:
    server = MockServer(["--no-such-option"])
    with pytest.raises(MockStartError) as error:
        server.start()
    assert "exited before printing its address" in str(error.value)
    assert "--no-such-option" in str(error.value)
    assert server.pid is None


def test_a_silent_binary_is_stopped_after_the_startup_timeout(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    binary = fake_binary(tmp_path, f"""
        import os, time
        open({str(pid_file)!r}, "w").write(str(os.getpid()))
        time.sleep(60)
    """)
    started = time.monotonic()
    with pytest.raises(MockStartError, match="printed no address within 0.5 s"):
        MockServer(binary=binary, startup_timeout=0.5).start()
    assert time.monotonic() - started < 10
    assert gone(int(pid_file.read_text()))


def test_a_binary_that_ignores_sigterm_is_killed(tmp_path: Path) -> None:
    binary = fake_binary(tmp_path, """
        import signal, time
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print("listening on http://127.0.0.1:9", flush=True)
        time.sleep(60)
    """)
    server = MockServer(binary=binary, stop_timeout=0.5).start()
    assert server.url == "http://127.0.0.1:9"
    pid = server.pid
    assert server.stop() == -9 and pid is not None and gone(pid)


def test_a_missing_binary_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PORTALS_MOCK_BIN", str(tmp_path / "nothing-here"))
    with pytest.raises(BinaryNotFoundError, match="PORTALS_MOCK_BIN=.*nothing-here"):
        MockServer().start()
