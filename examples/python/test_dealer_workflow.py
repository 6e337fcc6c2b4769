"""The dealer workflow as pytest tests: Zoho's official Python SDK (zohocrmsdk8-0), unmodified,
against portals-mock through the `portals-mock` package's pytest plugin.

One test per step of the workflow (dealer_workflow.py runs them all in one org): create the
portal, create a user type, invite two contacts, list the type's users, transfer one, change
the other's status once it accepted, delete it from the portal, delete the user type. Each test
gets a fresh org (`portals_org`, from the `blank` fixture) from the session's mock
(`portals_mock_server`, started by the plugin on a free port), reaches its step through the SDK,
then checks the SDK's answer and what the mock was sent (its journal).

    pip install portals-mock zohocrmsdk8-0 pytest
    pytest examples/python/test_dealer_workflow.py          # starts a mock for the session
    pytest --portals-mock-url http://127.0.0.1:8089 …       # or uses one already running
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Iterator, Tuple

import pytest
from portals_mock import Org
from zohocrmsdk.src.com.zoho.crm.api import portal_invite as invite_api
from zohocrmsdk.src.com.zoho.crm.api import portals as portals_api
from zohocrmsdk.src.com.zoho.crm.api import user_type_users as users_api
from zohocrmsdk.src.com.zoho.crm.api.parameter_map import ParameterMap
from zohocrmsdk.src.com.zoho.crm.api.portal_invite import PortalInviteOperations
from zohocrmsdk.src.com.zoho.crm.api.portal_invite.portal_invite_operations import InviteUsersParam
from zohocrmsdk.src.com.zoho.crm.api.portal_user_type import PortalUserTypeOperations
from zohocrmsdk.src.com.zoho.crm.api.portals import PortalsOperations
from zohocrmsdk.src.com.zoho.crm.api.user_type_users import UserTypeUsersOperations
from zohocrmsdk.src.com.zoho.crm.api.user_type_users.user_type_users_operations import (
    ChangeUsersStatusParam,
    DeleteUserFromThePortalParam,
    TransferUsersOfAUserTypeParam,
)
from zohocrmsdk.src.com.zoho.crm.api.util import Choice

from dealer_workflow import ADMIN_EMAIL, ASHA, RAVI, dealers_type_body, initialize_sdk


@pytest.fixture
def sdk(portals_org: Org, tmp_path: Path) -> Iterator[Path]:
    """The SDK pointed at the test's org (API and accounts URL: the mock); its token store's path."""
    yield Path(initialize_sdk(portals_org.base_url, portals_org.token_url, portals_org.client_id,
                              portals_org.client_secret, portals_org.refresh_token, str(tmp_path)))


def only_success(response, items_getter: str):
    """The one item of an SDK action answer, which must be a success."""
    items = getattr(response.get_object(), items_getter)()
    assert len(items) == 1, items
    assert items[0].get_status().get_value() == "success", items[0].get_message()
    return items[0]


# Each step, as the SDK does it; the tests of later steps use the earlier ones to get there.

def create_portal(org: Org) -> str:
    name = "DealerHub" + org.org_id.replace("-", "")
    portal = portals_api.Portals()
    portal.set_name(name)
    body = portals_api.BodyWrapper()
    body.set_portals([portal])
    response = PortalsOperations().create_portal(body)
    assert response.get_status_code() in (200, 201)
    only_success(response, "get_portals")
    return name


def create_dealers_type(portal: str) -> Tuple[int, int]:
    """The Dealers type (Contacts with a layout and a view, Notes); its id and the default type's."""
    operations = PortalUserTypeOperations(portal)
    assert operations.create_user_type(dealers_type_body()).get_status_code() in (200, 201)
    # v8 answers a create with the whole type, which the SDK does not model: list to find it.
    listed = operations.get_user_types().get_object()
    by_name = {t.get_name(): t for t in listed.get_user_type()}
    assert set(by_name) == {"Client Portal", "Dealers"}
    assert by_name["Client Portal"].get_default() is True and by_name["Dealers"].get_default() is False
    return int(by_name["Dealers"].get_id()), int(by_name["Client Portal"].get_id())


def invite(record_id: int, user_type_id: int) -> str:
    params = ParameterMap()
    params.add(InviteUsersParam.user_type_id, user_type_id)
    params.add(InviteUsersParam.type, Choice("invite"))
    response = PortalInviteOperations("Contacts").invite_users(record_id, params)
    assert response.get_status_code() in (200, 201)
    assert isinstance(response.get_object(), invite_api.ActionWrapper)
    return only_success(response, "get_portal_invite").get_message()


def users_of(user_type_id: int, portal: str) -> dict:
    """The type's users by personality id (empty on 204)."""
    response = UserTypeUsersOperations(user_type_id, portal).get_users_of_user_type()
    if response.get_status_code() == 204:
        return {}
    assert response.get_status_code() == 200
    return {str(user.get_personality_id()): user for user in response.get_object().get_users()}


def dealers_with_ravi_and_asha(org: Org) -> Tuple[str, int, int]:
    portal = create_portal(org)
    dealers, default = create_dealers_type(portal)
    invite(RAVI, dealers)
    invite(ASHA, dealers)
    return portal, dealers, default


# The steps.

def test_1_create_portal_after_the_refresh_token_flow(portals_org: Org, sdk: Path) -> None:
    name = create_portal(portals_org)
    assert portals_org.count_requests(method="POST", url_path="/oauth/v2/token") == 1
    assert portals_org.count_requests(method="POST", url_path="/crm/v8/settings/portals", body_contains=name) == 1
    # The SDK named the token's user (GET /users?type=CurrentUser, GET /org) in its token store.
    header, row = [r for r in csv.reader(sdk.open(newline="")) if r]
    assert dict(zip(header, row))["user_name"].startswith(ADMIN_EMAIL + ":")


def test_2_create_a_user_type(portals_org: Org, sdk: Path) -> None:
    portal = create_portal(portals_org)
    dealers, default = create_dealers_type(portal)
    assert dealers != default
    [sent] = portals_org.requests(method="POST", path=f"/crm/v8/settings/portals/{portal}/user_type")
    assert sent["status"] == 201 and sent["body"]["user_type"][0]["name"] == "Dealers"


def test_3_invite_two_contacts(portals_org: Org, sdk: Path) -> None:
    dealers, _ = create_dealers_type(create_portal(portals_org))
    assert invite(RAVI, dealers) and invite(ASHA, dealers)
    assert portals_org.count_requests(method="POST", url_path_pattern="^/crm/v8/Contacts/[0-9]+/actions/portal_invite$",
                                      query={"user_type_id": str(dealers), "type": "invite"}) == 2


def test_4_list_the_dealers(portals_org: Org, sdk: Path) -> None:
    portal, dealers, default = dealers_with_ravi_and_asha(portals_org)
    assert set(users_of(dealers, portal)) == {str(RAVI), str(ASHA)}
    assert users_of(default, portal) == {}


def test_5_transfer_one_to_the_default_type(portals_org: Org, sdk: Path) -> None:
    portal, dealers, default = dealers_with_ravi_and_asha(portals_org)
    params = ParameterMap()
    params.add(TransferUsersOfAUserTypeParam.transfer_to, str(default))
    params.add(TransferUsersOfAUserTypeParam.personality_ids, str(ASHA))
    response = UserTypeUsersOperations(dealers, portal).transfer_users_of_a_user_type(params)
    assert response.get_status_code() == 200 and isinstance(response.get_object(), users_api.ActionWrapper)
    only_success(response, "get_users")
    assert set(users_of(dealers, portal)) == {str(RAVI)} and set(users_of(default, portal)) == {str(ASHA)}


def test_6_deactivate_one_once_it_accepted(portals_org: Org, sdk: Path) -> None:
    portal, dealers, _ = dealers_with_ravi_and_asha(portals_org)
    portals_org.confirm_user(RAVI)  # the mock's control plane plays the dealer accepting
    params = ParameterMap()
    params.add(ChangeUsersStatusParam.active, False)
    response = UserTypeUsersOperations(dealers, portal).change_users_status(RAVI, params)
    assert response.get_status_code() == 200
    only_success(response, "get_change_status")
    assert users_of(dealers, portal)[str(RAVI)].get_active() is False
    assert users_of(dealers, portal)[str(ASHA)].get_active() is not False


def test_7_delete_one_from_the_portal(portals_org: Org, sdk: Path) -> None:
    portal, dealers, _ = dealers_with_ravi_and_asha(portals_org)
    params = ParameterMap()
    params.add(DeleteUserFromThePortalParam.personality_ids, str(RAVI))
    response = UserTypeUsersOperations(dealers, portal).delete_user_from_the_portal(params)
    assert response.get_status_code() == 200
    only_success(response, "get_users")
    assert set(users_of(dealers, portal)) == {str(ASHA)}


def test_8_delete_the_user_type(portals_org: Org, sdk: Path) -> None:
    portal = create_portal(portals_org)
    dealers, default = create_dealers_type(portal)
    operations = PortalUserTypeOperations(portal)
    response = operations.delete_user_type(str(dealers))
    assert response.get_status_code() == 200
    only_success(response, "get_user_type")
    assert operations.get_user_type(str(dealers)).get_status_code() == 204
    assert operations.get_user_type(str(default)).get_status_code() == 200


def test_an_injected_fault_reaches_the_sdk_as_zohos_error(portals_org: Org, sdk: Path) -> None:
    portals_org.add_fault(method="POST", url_path_pattern="/settings/portals$", error={"code": "INTERNAL_ERROR"}, times=1)
    portal = portals_api.Portals()
    portal.set_name("Faulted" + portals_org.org_id.replace("-", ""))
    body = portals_api.BodyWrapper()
    body.set_portals([portal])
    response = PortalsOperations().create_portal(body)
    assert response.get_status_code() == 500
    assert isinstance(response.get_object(), portals_api.APIException)
    assert response.get_object().get_code().get_value() == "INTERNAL_ERROR"
    create_portal(portals_org)  # the fault was used up: the retry goes through
