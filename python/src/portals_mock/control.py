"""ControlPlane: the mock's server-wide control plane (`/__mock/`): make, list and delete orgs."""

from __future__ import annotations

import urllib.parse
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Tuple

from portals_mock._http import ControlPlaneError, request_json
from portals_mock.org import Org

if TYPE_CHECKING:
    from portals_mock.server import MockServer


class ControlPlane:
    """The control plane of the mock at `base_url` (`http://HOST:PORT`, no trailing slash needed).

    `server` is the MockServer process when this package started the mock, else None (a mock
    started elsewhere). `admin_token` is sent as `X-Mock-Admin-Token`, for a mock started with
    `--admin-token`.
    """

    def __init__(
        self,
        base_url: str,
        *,
        admin_token: Optional[str] = None,
        timeout: float = 30.0,
        server: Optional["MockServer"] = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.admin_token = admin_token
        self.timeout = timeout
        self.server = server

    def __repr__(self) -> str:
        return f"ControlPlane({self.base_url!r})"

    def call(
        self,
        method: str,
        path: str,
        body: Optional[Any] = None,
        *,
        query: Optional[Mapping[str, Any]] = None,
        ok_statuses: Tuple[int, ...] = (),
    ) -> Any:
        """One control-plane request (`path` starts with `/__mock/`); the answer's JSON.

        Raises ControlPlaneError for a status of 400 or more not in `ok_statuses`.
        """
        return request_json(
            method,
            self.base_url + path,
            body,
            query=query,
            admin_token=self.admin_token,
            timeout=self.timeout,
            ok_statuses=ok_statuses,
        )

    def create_org(self, fixture: str = "blank") -> Org:
        """A new isolated org from `fixture` (`blank`, `zylker`, `trial`, `crowded`, or one of
        `--fixtures`), with a full-scope admin access token and its own OAuth credentials."""
        answer = self.call("POST", "/__mock/orgs", {"fixture": fixture})
        return Org(
            base_url=self.base_url,
            org_id=answer["org_id"],
            fixture=fixture,
            access_token=answer["access_token"],
            client_id=answer["client_id"],
            client_secret=answer["client_secret"],
            redirect_uri=answer["redirect_uri"],
            refresh_token=answer["refresh_token"],
            control=self,
        )

    def orgs(self) -> List[Dict[str, Any]]:
        """Every org the mock holds: `[{"org_id": …, "fixture": …}, …]`."""
        return list(self.call("GET", "/__mock/orgs")["orgs"])

    def delete_org(self, org_id: str) -> None:
        """Delete an org and its tokens (ControlPlaneError `UNKNOWN_ORG` when there is none)."""
        self.call("DELETE", "/__mock/orgs/" + urllib.parse.quote(org_id, safe=""))

    def clear_requests(self) -> None:
        """Empty the journal of every org."""
        self.call("DELETE", "/__mock/requests")

    def clear_faults(self) -> int:
        """Remove every fault of every org; answers how many were removed."""
        return int(self.call("DELETE", "/__mock/faults")["removed"])


__all__ = ["ControlPlane", "ControlPlaneError"]
