"""MockServer: a `portals-mock` child process on a free loopback port, started and always stopped.

It reads the binary's first stdout line (`listening on http://HOST:PORT`) for its address, keeps
its log (stderr) in a temporary file for error messages, and stops it with SIGTERM (graceful:
in-flight requests finish), then SIGKILL if it has not exited within `stop_timeout`.
"""

from __future__ import annotations

import subprocess
import tempfile
import threading
import time
from types import TracebackType
from typing import IO, List, Optional, Sequence, Type

from portals_mock._binary import find_binary
from portals_mock.control import ControlPlane

LISTENING_PREFIX = "listening on "


class MockStartError(RuntimeError):
    """The binary exited, or printed no address within the start-up timeout; with its log."""


class MockServer:
    """One `portals-mock` process. Use it as a context manager, or call start() and stop().

    ```python
    with MockServer(["--job-interval-ms", "0"]) as server:
        org = server.control.create_org("blank")
    ```
    """

    def __init__(
        self,
        args: Sequence[str] = (),
        *,
        binary: Optional[str] = None,
        host: str = "127.0.0.1",
        port: int = 0,
        startup_timeout: float = 30.0,
        stop_timeout: float = 10.0,
    ) -> None:
        self.args = list(args)
        self.binary = binary
        self.host = host
        self.port = port
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self.stdout_lines: List[str] = []
        self._url: Optional[str] = None
        self._process: Optional[subprocess.Popen[bytes]] = None
        self._stderr: Optional[IO[bytes]] = None
        self._reader: Optional[threading.Thread] = None
        self._first_line = threading.Event()

    @property
    def url(self) -> str:
        """The mock's address, `http://HOST:PORT` (raises before start())."""
        if self._url is None:
            raise RuntimeError("the mock is not running: call start() first")
        return self._url

    @property
    def pid(self) -> Optional[int]:
        """The process id while it runs (None before start() and after stop())."""
        return None if self._process is None else self._process.pid

    @property
    def control(self) -> ControlPlane:
        """A control-plane client for this mock."""
        return ControlPlane(self.url, server=self)

    def command(self) -> List[str]:
        """The command line start() runs."""
        binary = self.binary or find_binary()
        host = f"[{self.host}]" if ":" in self.host else self.host
        return [binary, "--bind", f"{host}:{self.port}", *self.args]

    def start(self) -> "MockServer":
        """Start the process and wait for its address; raises MockStartError (and stops it)."""
        if self._process is not None:
            raise RuntimeError("the mock is already running")
        command = self.command()  # raises BinaryNotFoundError before anything is started
        self._stderr = tempfile.TemporaryFile()
        self._process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._stderr
        )
        self._reader = threading.Thread(target=self._read_stdout, name="portals-mock stdout", daemon=True)
        self._reader.start()
        started = time.monotonic()
        while not self._first_line.wait(0.05):
            if time.monotonic() - started > self.startup_timeout:
                self._fail(f"printed no address within {self.startup_timeout} s")
        if not self.stdout_lines or not self.stdout_lines[0].startswith(LISTENING_PREFIX):
            self._fail("exited before printing its address")
        self._url = self.stdout_lines[0][len(LISTENING_PREFIX):].strip()
        return self

    def _read_stdout(self) -> None:
        process = self._process
        assert process is not None and process.stdout is not None
        for raw in process.stdout:  # drained to the end, so the mock never blocks on a full pipe
            self.stdout_lines.append(raw.decode("utf-8", "replace").rstrip("\r\n"))
            self._first_line.set()
        self._first_line.set()

    def _fail(self, why: str) -> None:
        self.stop()
        raise MockStartError(f"portals-mock ({' '.join(self.args)}) {why}; its log:\n{self.log()}")

    def log(self) -> str:
        """What the mock wrote to stderr so far (its log), also after stop()."""
        if self._stderr is None:
            return ""
        self._stderr.flush()
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace")

    def stop(self) -> Optional[int]:
        """Stop the process (SIGTERM, then SIGKILL after `stop_timeout`) and reap it.

        Answers its exit code (None when it was not running). Safe to call twice.
        """
        process, self._process = self._process, None
        self._url = None
        if process is None:
            return None
        try:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(self.stop_timeout)
                except subprocess.TimeoutExpired:
                    process.kill()
            process.wait()
        finally:
            if self._reader is not None:
                self._reader.join(self.stop_timeout)
            if process.stdout is not None:
                process.stdout.close()
        return process.returncode

    def __enter__(self) -> "MockServer":
        return self.start()

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        self.stop()
