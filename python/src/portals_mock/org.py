"""Org: one isolated org of the mock, its credentials, and helpers for its control plane.

The helpers are thin: one request each to `/__mock/orgs/{org_id}/…` (the README's control-plane
table), answering the part of the JSON a test needs.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence, Union

if TYPE_CHECKING:
    from portals_mock.control import ControlPlane

Json = Dict[str, Any]


@dataclass(frozen=True)
class Org:
    """A fresh org: what the code under test needs to reach it, and the control plane's helpers.

    `base_url` is both the API domain and the accounts server (`token_url`); `access_token` is a
    full-scope admin token; `client_id`, `client_secret` and `refresh_token` are for the
    refresh-token flow, as Zoho's SDKs use it.
    """

    base_url: str
    org_id: str
    fixture: str
    access_token: str
    client_id: str
    client_secret: str
    redirect_uri: str
    refresh_token: str
    control: "ControlPlane" = field(repr=False, compare=False)

    @property
    def token_url(self) -> str:
        """The mock's OAuth token endpoint (`{base_url}/oauth/v2/token`)."""
        return self.base_url + "/oauth/v2/token"

    @property
    def headers(self) -> Dict[str, str]:
        """`Authorization: Zoho-oauthtoken …` with the org's access token."""
        return {"Authorization": f"Zoho-oauthtoken {self.access_token}"}

    def _call(self, method: str, suffix: str = "", body: Any = None, **options: Any) -> Any:
        path = "/__mock/orgs/" + urllib.parse.quote(self.org_id, safe="") + suffix
        return self.control.call(method, path, body, **options)

    # The journal.

    def requests(
        self,
        *,
        method: Optional[str] = None,
        path: Optional[str] = None,
        path_pattern: Optional[str] = None,
        status: Optional[int] = None,
        since: Optional[Union[int, str]] = None,
    ) -> List[Json]:
        """The journal: the org's `/crm/` and `/oauth/` requests, oldest first, filtered."""
        query = {"method": method, "path": path, "path_pattern": path_pattern, "status": status, "since": since}
        return list(self._call("GET", "/requests", query=query)["requests"])

    def clear_requests(self) -> None:
        """Empty the org's journal."""
        self._call("DELETE", "/requests")

    def count_requests(self, **pattern: Any) -> int:
        """How many journaled requests match the pattern (`method`, `url_path`,
        `url_path_pattern`, `query`, `body_contains`; every key optional)."""
        return int(self._call("POST", "/requests/count", pattern)["count"])

    def near_misses(self, **pattern: Any) -> List[Json]:
        """When nothing matches the pattern: the requests that came closest, with what differed."""
        return list(self._call("POST", "/requests/count", pattern).get("near_misses", []))

    # Faults.

    def add_fault(self, fault: Optional[Mapping[str, Any]] = None, **fields: Any) -> str:
        """Inject a fault (`method`, `url_path_pattern`, then `error`, `latency_ms` or
        `reset_connection`; `rate`, `seed`, `times`); answers its `fault_id`."""
        return str(self._call("POST", "/faults", {**(fault or {}), **fields})["fault_id"])

    def faults(self) -> List[Json]:
        """The org's faults, each with its `fault_id` and `remaining` hits."""
        return list(self._call("GET", "/faults")["faults"])

    def remove_fault(self, fault_id: str) -> None:
        """Remove one fault."""
        self._call("DELETE", "/faults/" + urllib.parse.quote(fault_id, safe=""))

    def clear_faults(self) -> int:
        """Remove every fault of the org; answers how many were removed."""
        return int(self._call("DELETE", "/faults")["removed"])

    # The clock.

    def clock(self) -> Json:
        """The org's clock: `now` (RFC 3339), `fixed`, `shift_seconds`."""
        return dict(self._call("GET", "/clock"))

    def set_clock(self, now: Union[str, datetime]) -> Json:
        """Fix the org's clock at `now` (an RFC 3339 string, or an aware datetime)."""
        instant = now.isoformat() if isinstance(now, datetime) else now
        return dict(self._call("PUT", "/clock", {"now": instant}))

    def advance_clock(self, by: Union[str, int, timedelta]) -> Json:
        """Move the org's clock forward: `"7d"`, `"90m"` (`s`, `m`, `h`, `d`), seconds, or a timedelta."""
        if isinstance(by, timedelta):
            by = int(by.total_seconds())
        body = {"by": by} if isinstance(by, str) else {"seconds": int(by)}
        return dict(self._call("POST", "/clock/advance", body))

    def reset_clock(self) -> Json:
        """Back to real time."""
        return dict(self._call("DELETE", "/clock"))

    # Snapshots.

    def snapshot(self) -> str:
        """Save the org as it is now; answers the `snapshot_id` to restore."""
        return str(self._call("POST", "/snapshots")["snapshot_id"])

    def restore(self, snapshot_id: str) -> None:
        """Put the org back exactly as it was at the snapshot."""
        self._call("POST", "/snapshots/" + urllib.parse.quote(snapshot_id, safe="") + "/restore")

    def snapshots(self) -> List[Json]:
        """The org's snapshots (`snapshot_id`, `created_time`)."""
        return list(self._call("GET", "/snapshots")["snapshots"])

    def delete_snapshot(self, snapshot_id: str) -> None:
        """Forget a snapshot."""
        self._call("DELETE", "/snapshots/" + urllib.parse.quote(snapshot_id, safe=""))

    # Jobs and invitations.

    def run_jobs(self) -> int:
        """Run every scheduled job now (bulk invites, status changes, large transfers and deletes);
        answers how many ran."""
        return int(self._call("POST", "/jobs/run")["jobs_run"])

    def jobs(self) -> List[Json]:
        """The org's jobs, with their status and per-item results."""
        return list(self._call("GET", "/jobs")["jobs"])

    def confirm_user(self, personality_id: Union[int, str]) -> None:
        """The portal user (a record's id) accepts the invitation (`NO_PENDING_INVITATION` when
        there is none to accept)."""
        self._call("POST", f"/users/{urllib.parse.quote(str(personality_id), safe='')}/confirm")

    def expire_invitations(self) -> int:
        """Expire invitations older than 7 days by the org's clock; answers how many expired."""
        return int(self._call("POST", "/invitations/expire")["expired"])

    # The org as a whole.

    def reset(self) -> None:
        """Back to its fixture (snapshots and tokens stay)."""
        self._call("POST", "/reset")

    def state(self) -> Json:
        """The org as fixture JSON (what `--fixtures` loads back)."""
        return dict(self._call("GET", "/state"))

    def check(self) -> Json:
        """The org's invariants: `{"ok": bool, "violations": [{"rule", "message"}, …]}`."""
        return dict(self._call("GET", "/check", ok_statuses=(409,)))

    def violations(self) -> Sequence[Json]:
        """The broken invariants (empty when the state is sound)."""
        return list(self.check()["violations"])

    def delete(self) -> None:
        """Delete the org and its tokens."""
        self.control.delete_org(self.org_id)
