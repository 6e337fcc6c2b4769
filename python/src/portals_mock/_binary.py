"""Finding the `portals-mock` binary: the one pip installed from the wheel, or another one.

The order: the `PORTALS_MOCK_BIN` environment variable (a path, for a binary built from source),
then the scripts folder of this interpreter's environment (where pip puts the wheel's binary,
whether or not the virtualenv is activated), then the user scheme's scripts folder, then `PATH`.
"""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
from pathlib import Path
from typing import List

ENV_BINARY = "PORTALS_MOCK_BIN"
BINARY_NAME = "portals-mock.exe" if sys.platform == "win32" else "portals-mock"


class BinaryNotFoundError(FileNotFoundError):
    """No `portals-mock` binary was found where the package looks for it."""


def _scripts_folders() -> List[Path]:
    folders = [sysconfig.get_path("scripts")]
    user_scheme = f"{os.name}_user"
    if user_scheme in sysconfig.get_scheme_names():
        folders.append(sysconfig.get_path("scripts", scheme=user_scheme))
    return [Path(folder) for folder in folders if folder]


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def find_binary() -> str:
    """The path of the `portals-mock` binary to run.

    Raises BinaryNotFoundError when `PORTALS_MOCK_BIN` names no executable file, or when no
    binary is installed beside this interpreter nor on `PATH`.
    """
    override = os.environ.get(ENV_BINARY)
    if override:
        if not _is_executable(Path(override)):
            raise BinaryNotFoundError(f"{ENV_BINARY}={override!r} is not an executable file")
        return override
    for folder in _scripts_folders():
        candidate = folder / BINARY_NAME
        if _is_executable(candidate):
            return str(candidate)
    on_path = shutil.which(BINARY_NAME)
    if on_path:
        return on_path
    raise BinaryNotFoundError(
        f"{BINARY_NAME} not found beside {sys.executable} nor on PATH: install the portals-mock "
        f"wheel, or set {ENV_BINARY} to a binary built with `cargo build -p portals-mock`"
    )
