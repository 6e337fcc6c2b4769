"""portals-mock for Python: the mock of the Zoho CRM Portals API, a small API and a pytest plugin.

- `MockServer`: start the installed `portals-mock` binary on a free port, always stop it.
- `ControlPlane`: the mock's `/__mock/` control plane; `create_org()` answers an `Org`.
- `Org`: one isolated org's credentials and helpers (journal, request counts, faults, clock,
  snapshots, jobs, confirming invitations).
- The pytest plugin (`portals_mock.pytest_plugin`, loaded by pytest on its own): the fixtures
  `portals_mock_server` (session) and `portals_org` (a fresh org per test).
- `find_binary()`: where the binary is; `python -m portals_mock ARGS…` runs it.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from portals_mock._binary import ENV_BINARY, BinaryNotFoundError, find_binary
from portals_mock._http import ControlPlaneError
from portals_mock.control import ControlPlane
from portals_mock.org import Org
from portals_mock.server import MockServer, MockStartError

try:
    __version__ = version("portals-mock")
except PackageNotFoundError:  # running from a source checkout, not installed
    __version__ = "0+source"

__all__ = [
    "ENV_BINARY",
    "BinaryNotFoundError",
    "ControlPlane",
    "ControlPlaneError",
    "MockServer",
    "MockStartError",
    "Org",
    "find_binary",
    "__version__",
]
