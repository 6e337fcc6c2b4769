"""Testing an integration with portals-mock from Python, with plain `requests`: reset an org,
call the API as the code under test would, then verify what was sent through the journal.

Usage: python with_requests.py BASE_URL   (e.g. http://127.0.0.1:8089)
"""

import sys

import requests


def main(base: str) -> None:
    # 1. A fresh, isolated org and its token; reset it to its fixture.
    org = requests.post(f"{base}/__mock/orgs", json={"fixture": "blank"}, timeout=10).json()
    org_id, token = org["org_id"], org["access_token"]
    requests.post(f"{base}/__mock/orgs/{org_id}/reset", timeout=10).raise_for_status()
    auth = {"Authorization": f"Zoho-oauthtoken {token}"}

    # 2. The code under test: create a portal, then a contact through the Records API.
    name = "Py" + org_id.replace("-", "")
    created = requests.post(
        f"{base}/crm/v8/settings/portals", json={"portals": [{"name": name}]}, headers=auth, timeout=10
    ).json()
    assert created["portals"][0]["code"] == "SUCCESS", created
    contact = requests.post(
        f"{base}/crm/v8/Contacts",
        json={"data": [{"Last_Name": "Tester", "Email": f"{name.lower()}@example.com"}]},
        headers=auth,
        timeout=10,
    )
    assert contact.status_code == 201, contact.text

    # 3. Verify: one create with that name was sent, and the journal shows the exchange.
    count = requests.post(
        f"{base}/__mock/orgs/{org_id}/requests/count",
        json={"method": "POST", "url_path": "/crm/v8/settings/portals", "body_contains": name},
        timeout=10,
    ).json()
    assert count == {"count": 1}, count
    journal = requests.get(
        f"{base}/__mock/orgs/{org_id}/requests", params={"method": "POST"}, timeout=10
    ).json()["requests"]
    assert [entry["path"] for entry in journal] == ["/crm/v8/settings/portals", "/crm/v8/Contacts"]
    assert journal[0]["headers"]["authorization"] == "Zoho-oauthtoken [REDACTED]"

    # 4. Make the mock misbehave on purpose: the next GET of portals answers Zoho's 500.
    requests.post(
        f"{base}/__mock/orgs/{org_id}/faults",
        json={"method": "GET", "url_path_pattern": "/settings/portals$",
              "error": {"code": "INTERNAL_ERROR"}, "times": 1},
        timeout=10,
    ).raise_for_status()
    failed = requests.get(f"{base}/crm/v8/settings/portals", headers=auth, timeout=10)
    assert failed.status_code == 500 and failed.json()["code"] == "INTERNAL_ERROR", failed.text
    assert requests.get(f"{base}/crm/v8/settings/portals", headers=auth, timeout=10).status_code == 200
    print(f"with_requests.py: ok ({org_id})")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8089")
