"""The Org helpers against a real mock (the plugin's session mock, a fresh org per test): the
journal and request counts, faults, the clock, snapshots, jobs, confirm, expiry, state, errors."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from datetime import timedelta

import pytest

from conftest import RAVI, ZYLKER_USER_TYPE, crm
from portals_mock import ControlPlane, ControlPlaneError, Org

PORTALS = "/crm/v8/settings/portals"


def test_a_fresh_org_is_blank_and_its_credentials_work(portals_org: Org, portals_mock_server: ControlPlane) -> None:
    assert portals_org.fixture == "blank" and portals_org.org_id.startswith("blank-")
    assert portals_org.base_url == portals_mock_server.base_url
    assert crm(portals_org, "GET", PORTALS) == (204, None)  # blank: no portal yet
    form = urllib.parse.urlencode({
        "grant_type": "refresh_token", "client_id": portals_org.client_id,
        "client_secret": portals_org.client_secret, "refresh_token": portals_org.refresh_token,
    }).encode()
    with urllib.request.urlopen(urllib.request.Request(portals_org.token_url, data=form), timeout=30) as answer:
        token = json.load(answer)
    assert token["access_token"].startswith("1000.") and token["api_domain"] == portals_org.base_url


def test_the_journal_lists_filters_counts_and_clears(portals_org: Org) -> None:
    crm(portals_org, "GET", PORTALS)
    crm(portals_org, "GET", "/crm/v8/org")
    assert [r["path"] for r in portals_org.requests()] == [PORTALS, "/crm/v8/org"]
    assert [r["status"] for r in portals_org.requests(path="/crm/v8/org")] == [200]
    assert portals_org.requests(method="POST") == []
    assert portals_org.count_requests(method="GET", url_path=PORTALS) == 1
    assert portals_org.count_requests(url_path_pattern="^/crm/v8/") == 2
    assert portals_org.count_requests(method="POST") == 0
    misses = portals_org.near_misses(method="POST", url_path=PORTALS)
    assert misses[0]["differences"] == ["method: expected POST, was GET"]
    portals_org.clear_requests()
    assert portals_org.requests() == [] and portals_org.count_requests() == 0


def test_a_fault_answers_instead_of_the_api_until_it_is_used_up_or_removed(portals_org: Org) -> None:
    fault_id = portals_org.add_fault(method="GET", url_path_pattern="/settings/portals$",
                                     error={"code": "INTERNAL_ERROR"}, times=1)
    assert [f["fault_id"] for f in portals_org.faults()] == [fault_id]
    status, body = crm(portals_org, "GET", PORTALS)
    assert status == 500 and body["code"] == "INTERNAL_ERROR"
    assert crm(portals_org, "GET", PORTALS)[0] == 204 and portals_org.faults() == []
    kept = portals_org.add_fault({"url_path_pattern": "/settings/portals$", "error": {"status": 503, "body": {}}})
    assert crm(portals_org, "GET", PORTALS)[0] == 503
    portals_org.remove_fault(kept)
    assert crm(portals_org, "GET", PORTALS)[0] == 204
    portals_org.add_fault(url_path_pattern="x", latency_ms=1)
    portals_org.add_fault(url_path_pattern="y", latency_ms=1)
    assert portals_org.clear_faults() == 2 and portals_org.faults() == []


def test_the_clock_is_fixed_advanced_and_set_back_to_real_time(portals_org: Org) -> None:
    assert portals_org.set_clock("2023-02-07T20:13:20+05:30")["fixed"] is True
    assert portals_org.clock()["now"] == "2023-02-07T20:13:20+05:30"
    assert portals_org.advance_clock("1d")["now"] == "2023-02-08T20:13:20+05:30"
    assert portals_org.advance_clock(timedelta(hours=1))["now"] == "2023-02-08T21:13:20+05:30"
    assert portals_org.advance_clock(60)["now"] == "2023-02-08T21:14:20+05:30"
    assert portals_org.reset_clock()["fixed"] is False
    assert not portals_org.clock()["now"].startswith("2023-")


def test_a_snapshot_puts_the_org_back_exactly(portals_org: Org) -> None:
    snapshot_id = portals_org.snapshot()
    name = "Snap" + portals_org.org_id.replace("-", "")
    assert crm(portals_org, "POST", PORTALS, {"portals": [{"name": name}]})[0] == 200
    assert crm(portals_org, "GET", PORTALS)[0] == 200
    assert [s["snapshot_id"] for s in portals_org.snapshots()] == [snapshot_id]
    portals_org.restore(snapshot_id)
    assert crm(portals_org, "GET", PORTALS) == (204, None)
    portals_org.delete_snapshot(snapshot_id)
    assert portals_org.snapshots() == []


@pytest.mark.portals_org(fixture="zylker")
def test_a_bulk_invite_waits_for_run_jobs_then_the_user_confirms(portals_org: Org) -> None:
    invite = {"portal_invite": [{"data": [
        {"id": RAVI, "user_type_id": ZYLKER_USER_TYPE, "type": "invite", "language": "en_US"}]}]}
    status, body = crm(portals_org, "POST", "/crm/v8/Contacts/actions/portal_invite", invite)
    assert status == 200 and body["portal_invite"][0]["code"] == "SCHEDULED"
    assert [job["status"] for job in portals_org.jobs()] == ["scheduled"]  # the plugin's mock has no job worker
    assert portals_org.run_jobs() == 1
    assert [job["status"] for job in portals_org.jobs()] == ["completed"]
    portals_org.confirm_user(RAVI)
    with pytest.raises(ControlPlaneError) as again:
        portals_org.confirm_user(int(RAVI))
    assert again.value.code == "NO_PENDING_INVITATION" and again.value.status >= 400


@pytest.mark.portals_org(fixture="zylker")
def test_invitations_expire_after_seven_days_of_the_orgs_clock(portals_org: Org) -> None:
    path = f"/crm/v8/Contacts/{RAVI}/actions/portal_invite?user_type_id={ZYLKER_USER_TYPE}&type=invite"
    assert crm(portals_org, "POST", path)[0] == 200
    assert portals_org.expire_invitations() == 0
    portals_org.advance_clock("8d")
    assert portals_org.expire_invitations() == 1


def test_reset_state_and_check(portals_org: Org) -> None:
    fixture_state = portals_org.state()
    assert crm(portals_org, "POST", PORTALS, {"portals": [{"name": "Reset" + portals_org.org_id.replace("-", "")}]})[0] == 200
    assert portals_org.state() != fixture_state
    assert portals_org.check() == {"org_id": portals_org.org_id, "ok": True, "violations": []}
    assert portals_org.violations() == []
    portals_org.reset()
    assert crm(portals_org, "GET", PORTALS) == (204, None)


def test_orgs_are_listed_until_deleted_and_an_unknown_one_is_an_error(portals_mock_server: ControlPlane) -> None:
    org = portals_mock_server.create_org("zylker")
    assert org.fixture == "zylker" and org.org_id in [o["org_id"] for o in portals_mock_server.orgs()]
    org.delete()
    assert org.org_id not in [o["org_id"] for o in portals_mock_server.orgs()]
    with pytest.raises(ControlPlaneError) as unknown:
        portals_mock_server.delete_org(org.org_id)
    assert (unknown.value.status, unknown.value.code) == (404, "UNKNOWN_ORG")
    with pytest.raises(ControlPlaneError) as unknown_fixture:
        portals_mock_server.create_org("no-such-fixture")
    assert unknown_fixture.value.status == 400 or unknown_fixture.value.status == 404
