"""One JSON request to the mock's control plane over urllib, and the error it raises."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Mapping, Optional, Tuple

ADMIN_TOKEN_HEADER = "X-Mock-Admin-Token"


class ControlPlaneError(Exception):
    """The control plane answered an error: `status`, and Zoho-free `code` and `message`.

    `code` is the mock's error code (`UNKNOWN_ORG`, `NO_PENDING_INVITATION`, …), or `None` when
    the body was not the control plane's `{"error":{"code","message"}}`.
    """

    def __init__(self, method: str, url: str, status: int, code: Optional[str], message: str) -> None:
        super().__init__(f"{method} {url}: {status} {code or ''} {message}".rstrip())
        self.method = method
        self.url = url
        self.status = status
        self.code = code
        self.message = message


def request_json(
    method: str,
    url: str,
    body: Optional[Any] = None,
    *,
    query: Optional[Mapping[str, Any]] = None,
    admin_token: Optional[str] = None,
    timeout: float = 30.0,
    ok_statuses: Tuple[int, ...] = (),
) -> Any:
    """Send `body` (as JSON, when not None) and answer the parsed JSON body (None when empty).

    A status of 400 or more raises ControlPlaneError, unless it is in `ok_statuses`.
    """
    if query:
        pairs = {key: value for key, value in query.items() if value is not None}
        if pairs:
            url = f"{url}?{urllib.parse.urlencode(pairs)}"
    data = None if body is None else json.dumps(body).encode("utf-8")
    headers = {"Accept": "application/json"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    if admin_token is not None:
        headers[ADMIN_TOKEN_HEADER] = admin_token
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return _parse(answer.read())
    except urllib.error.HTTPError as error:
        raw = error.read()
        if error.code in ok_statuses:
            return _parse(raw)
        raise _control_error(method, url, error.code, raw) from None


def _parse(raw: bytes) -> Any:
    return json.loads(raw) if raw.strip() else None


def _control_error(method: str, url: str, status: int, raw: bytes) -> ControlPlaneError:
    try:
        detail = json.loads(raw)["error"]
        return ControlPlaneError(method, url, status, detail.get("code"), detail.get("message", ""))
    except (ValueError, KeyError, TypeError, AttributeError):
        return ControlPlaneError(method, url, status, None, raw.decode("utf-8", "replace")[:500])
