"""Shared pieces of the package's own tests: pytester, and `crm()`, a plain Zoho API call.

The tests run against the installed package (the wheel, in `python/check-wheel.sh`) or, from a
checkout, with PYTHONPATH=python/src, PYTEST_PLUGINS=portals_mock.pytest_plugin and
PORTALS_MOCK_BIN=target/debug/portals-mock.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any, Optional, Tuple

from portals_mock import Org

pytest_plugins = ["pytester"]

# The built-in zylker fixture (fixtures/seed/): its portal, a user type, and a contact every
# invitation check passes for.
ZYLKER_PORTAL = "ZylkerAutos"
ZYLKER_USER_TYPE = "1306462000001813022"
RAVI = "1306462000000670001"


def crm(org: Org, method: str, path: str, body: Optional[Any] = None) -> Tuple[int, Any]:
    """One Zoho API request with the org's token: its status and JSON body (None when empty)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(org.base_url + path, data=data, method=method, headers=org.headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            status, raw = answer.status, answer.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    return status, (json.loads(raw) if raw else None)
