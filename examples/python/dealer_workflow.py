"""The dealer workflow with Zoho's official Python SDK (zohocrmsdk8-0), unmodified, against portals-mock.

The SDK is pointed at the mock through a custom DataCenter.Environment whose API URL and accounts
URL are both the mock's; it authenticates with the refresh-token flow at the mock's
/oauth/v2/token, then (as it does against Zoho) names the token's user with
GET /crm/v8/users?type=CurrentUser and GET /crm/v8/org. Then, in a fresh org made from the
`blank` fixture: create a portal, create a user type, look two contacts up by email and list the
Contacts (the Records API, as an integration does before inviting), invite them, list the type's users,
transfer one to the default type, deactivate the other once it accepted, delete it from the portal,
and delete the user type.

Every answer is checked: any unexpected status, class or value exits non-zero.

Usage: PORTALS_MOCK_URL=http://127.0.0.1:PORT python dealer_workflow.py
       (optional: MOCK_CLIENT_SECRET, default `mocksecret`, the built-in fixtures' client secret)
"""

import csv
import json
import os
import shutil
import sys
import tempfile
import urllib.request

from zohocrmsdk.src.com.zoho.api.authenticator.oauth_token import OAuthToken
from zohocrmsdk.src.com.zoho.api.authenticator.store.file_store import FileStore
from zohocrmsdk.src.com.zoho.api.logger import Logger
from zohocrmsdk.src.com.zoho.crm.api.dc.data_center import DataCenter
from zohocrmsdk.src.com.zoho.crm.api.initializer import Initializer
from zohocrmsdk.src.com.zoho.crm.api.parameter_map import ParameterMap
from zohocrmsdk.src.com.zoho.crm.api.sdk_config import SDKConfig
from zohocrmsdk.src.com.zoho.crm.api.util import Choice
from zohocrmsdk.src.com.zoho.crm.api import portals as portals_api
from zohocrmsdk.src.com.zoho.crm.api import portal_user_type as types_api
from zohocrmsdk.src.com.zoho.crm.api import portal_invite as invite_api
from zohocrmsdk.src.com.zoho.crm.api import user_type_users as users_api
from zohocrmsdk.src.com.zoho.crm.api import record as record_api
from zohocrmsdk.src.com.zoho.crm.api.record import RecordOperations
from zohocrmsdk.src.com.zoho.crm.api.record.record_operations import GetRecordsParam, SearchRecordsParam
from zohocrmsdk.src.com.zoho.crm.api.portals import PortalsOperations
from zohocrmsdk.src.com.zoho.crm.api.portal_user_type import PortalUserTypeOperations
from zohocrmsdk.src.com.zoho.crm.api.portal_invite import PortalInviteOperations
from zohocrmsdk.src.com.zoho.crm.api.portal_invite.portal_invite_operations import InviteUsersParam
from zohocrmsdk.src.com.zoho.crm.api.user_type_users import UserTypeUsersOperations
from zohocrmsdk.src.com.zoho.crm.api.user_type_users.user_type_users_operations import (
    ChangeUsersStatusParam,
    DeleteUserFromThePortalParam,
    TransferUsersOfAUserTypeParam,
)

# Ids of the built-in CRM (fixtures/seed/crm/zylker_crm.json).
CONTACTS_MODULE = 1306462000000000129
CONTACTS_LAYOUT = 1306462000000091055
CONTACTS_VIEW = 1306462000000087501
NOTES_MODULE = 1306462000000000147
RAVI = 1306462000000670001  # Ravi Kumar: every invitation check passes
ASHA = 1306462000000670011  # Asha Patel: a customer
EMAILS = {RAVI: "ravi.kumar@example.com", ASHA: "asha.patel@example.com"}
ADMIN_EMAIL = "patricia.boyle@zylker.com"  # the blank fixture's administrator


def fail(step, why):
    print(f"FAIL {step}: {why}", file=sys.stderr)
    sys.exit(1)


def ok(step, detail=""):
    print(f"ok   {step}{': ' + detail if detail else ''}")


def expect_status(step, response, *statuses):
    if response is None:
        fail(step, "no response")
    if response.get_status_code() not in statuses:
        fail(step, f"status {response.get_status_code()}, expected {statuses}: {describe(response.get_object())}")


def describe(obj):
    if obj is None:
        return "no object"
    if hasattr(obj, "get_code") and hasattr(obj, "get_message"):
        code = obj.get_code()
        return f"{type(obj).__name__} {getattr(code, 'get_value', lambda: code)()} {obj.get_message()} {obj.get_details()}"
    return type(obj).__name__


def single_action(step, response, wrapper_cls, success_cls, items_getter):
    """The one item of an action answer, which must be a success."""
    obj = response.get_object()
    if not isinstance(obj, wrapper_cls):
        fail(step, f"expected {wrapper_cls.__name__}, got {describe(obj)}")
    items = getattr(obj, items_getter)()
    if len(items) != 1 or not isinstance(items[0], success_cls):
        fail(step, f"expected one {success_cls.__name__}, got {[describe(i) for i in items]}")
    item = items[0]
    if item.get_status().get_value() != "success":
        fail(step, f"status {item.get_status().get_value()}")
    return item


def control_plane(base, path, body):
    request = urllib.request.Request(
        base + path, data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as answer:
        return json.load(answer)


def private_module(module_id, can_create=False):
    """A private module of a user type whose users may view (and, with can_create, create) records."""
    module = types_api.Modules()
    module.set_id(module_id)
    module.set_shared_type("private")
    permissions = types_api.Permissions()
    permissions.set_view(True)
    if can_create:
        permissions.set_create(True)
    module.set_permissions(permissions)
    return module


def dealers_type_body():
    """The body that creates the Dealers user type: Contacts (its layout and a view) and Notes."""
    contacts = private_module(CONTACTS_MODULE, can_create=True)
    layout = types_api.Layouts()
    layout.set_id(CONTACTS_LAYOUT)
    contacts.set_layouts([layout])
    view = types_api.Views()
    view.set_id(CONTACTS_VIEW)
    view.set_type("custom_view")
    contacts.set_views(view)
    notes = private_module(NOTES_MODULE)
    personality = types_api.PersonalityModule()
    personality.set_api_name("Contacts")
    user_type = types_api.UserType()
    user_type.set_name("Dealers")
    user_type.set_personality_module(personality)
    user_type.set_active(True)
    user_type.set_modules([contacts, notes])
    body = types_api.BodyWrapper()
    body.set_user_type([user_type])
    return body


def initialize_sdk(base, token_url, client_id, client_secret, refresh_token, work):
    """Points the SDK at the mock (API and accounts URL: base) with a refresh token, its files in
    the folder work; answers the path of its token store (work/sdk_tokens.txt).

    Initializing fetches a token with the refresh token, then names the token's user."""
    token_file = os.path.join(work, "sdk_tokens.txt")
    environment = DataCenter.Environment(base, token_url, base)
    token = OAuthToken(client_id=client_id, client_secret=client_secret, refresh_token=refresh_token)
    Initializer.initialize(environment=environment, token=token, store=FileStore(token_file),
                           sdk_config=SDKConfig(auto_refresh_fields=False, pick_list_validation=False),
                           resource_path=work,
                           logger=Logger.get_instance(Logger.Levels.INFO, os.path.join(work, "sdk.log")))
    return token_file


def main():
    base = os.environ.get("PORTALS_MOCK_URL")
    if not base:
        fail("setup", "set PORTALS_MOCK_URL to the mock's address (http://127.0.0.1:PORT)")
    base = base.rstrip("/")

    # A fresh org from the `blank` fixture (no portal yet), with a refresh token for the mock's
    # OAuth client. This is the mock's control plane, not Zoho's API.
    org = control_plane(base, "/__mock/orgs", {"fixture": "blank"})
    if "refresh_token" not in org:
        fail("create org", f"no refresh_token in {sorted(org)}")
    ok("control plane: new org", org["org_id"])

    work = tempfile.mkdtemp(prefix="portals-sdk-python-")
    token_file = initialize_sdk(base, base + "/oauth/v2/token", org["client_id"],
                                os.environ.get("MOCK_CLIENT_SECRET", "mocksecret"),
                                org["refresh_token"], work)

    # 1. Create the portal (the SDK fetches its token first).
    portal_name = "DealerHub" + org["org_id"].rsplit("-", 1)[-1]
    portal = portals_api.Portals()
    portal.set_name(portal_name)
    body = portals_api.BodyWrapper()
    body.set_portals([portal])
    response = PortalsOperations().create_portal(body)
    expect_status("create portal", response, 200, 201)
    single_action("create portal", response, portals_api.ActionWrapper, portals_api.SuccessResponse,
                  "get_portals")
    ok("create portal", portal_name)

    # The token fetch happened through the refresh-token flow, and the SDK named the token's user
    # from GET /users?type=CurrentUser and GET /org: its token store says who it is.
    with open(token_file, newline="") as stored:
        rows = [row for row in csv.reader(stored) if row]
    if len(rows) != 2:
        fail("token store", f"expected a header and one token, got {len(rows)} rows")
    record = dict(zip(rows[0], rows[1]))
    if not record.get("access_token", "").startswith("1000."):
        fail("token store", "no access token from the refresh-token flow")
    if not record.get("user_name", "").startswith(ADMIN_EMAIL + ":"):
        fail("token store", f"user_name {record.get('user_name')!r}: the CurrentUser/org calls failed")
    ok("refresh-token flow and find_user", record["user_name"])

    # 2. Create a user type for dealers: Contacts (its layout and a view) and Notes.
    types = PortalUserTypeOperations(portal_name)
    response = types.create_user_type(dealers_type_body())
    expect_status("create user type", response, 200, 201)
    print(f"note create user type: the SDK read the v8 answer as {describe(response.get_object())}")

    # Find both types by listing them (v8 answers a create with the whole type).
    response = types.get_user_types()
    expect_status("list user types", response, 200)
    listed = response.get_object()
    if not isinstance(listed, types_api.ResponseWrapper):
        fail("list user types", describe(listed))
    by_name = {t.get_name(): t for t in listed.get_user_type()}
    if set(by_name) != {"Client Portal", "Dealers"}:
        fail("list user types", f"types {sorted(by_name)}")
    dealers_id = int(by_name["Dealers"].get_id())
    default_id = int(by_name["Client Portal"].get_id())
    if by_name["Client Portal"].get_default() is not True or by_name["Dealers"].get_default() is not False:
        fail("list user types", "the default flags are wrong")
    ok("create user type", f"Dealers {dealers_id} (default type {default_id})")

    # 3. Look the two contacts up by email (Search Records), as an integration does before inviting,
    #    then by a criteria, and find them in the Contacts list (Get Records).
    records = RecordOperations("Contacts")
    found = []
    for expected_id, email in EMAILS.items():
        params = ParameterMap()
        params.add(SearchRecordsParam.email, email)
        response = records.search_records(params)
        expect_status(f"search {email}", response, 200)
        wrapper = response.get_object()
        if not isinstance(wrapper, record_api.ResponseWrapper):
            fail(f"search {email}", describe(wrapper))
        data = wrapper.get_data()
        if len(data) != 1 or int(data[0].get_id()) != expected_id:
            fail(f"search {email}", f"records {[r.get_id() for r in data]}")
        found.append(int(data[0].get_id()))
        ok(f"search {email}", str(data[0].get_id()))
    params = ParameterMap()
    params.add(SearchRecordsParam.criteria, "((Email:starts_with:ravi.kumar@)or(Email:equals:asha.patel@example.com))")
    response = records.search_records(params)
    expect_status("search by criteria", response, 200)
    by_criteria = {int(r.get_id()) for r in response.get_object().get_data()}
    if by_criteria != set(found):
        fail("search by criteria", f"records {sorted(by_criteria)}")
    ok("search by criteria", f"{len(by_criteria)} records")
    params = ParameterMap()
    params.add(GetRecordsParam.fields, "Email")
    params.add(GetRecordsParam.per_page, 200)
    response = records.get_records(params)
    expect_status("get records", response, 200)
    listed = response.get_object()
    if not isinstance(listed, record_api.ResponseWrapper):
        fail("get records", describe(listed))
    listed_ids = {int(r.get_id()) for r in listed.get_data()}
    if not set(found) <= listed_ids or listed.get_info().get_more_records() is not False:
        fail("get records", f"records {sorted(listed_ids)}")
    ok("get records", f"{len(listed_ids)} contacts, {listed.get_info().get_sort_by()} {listed.get_info().get_sort_order()}")

    # 4. Invite the two contacts found as dealers.
    invites = PortalInviteOperations("Contacts")
    for record_id in found:
        params = ParameterMap()
        params.add(InviteUsersParam.user_type_id, dealers_id)
        params.add(InviteUsersParam.type, Choice("invite"))
        response = invites.invite_users(record_id, params)
        expect_status(f"invite {record_id}", response, 200, 201)
        item = single_action(f"invite {record_id}", response, invite_api.ActionWrapper,
                             invite_api.SuccessResponse, "get_portal_invite")
        ok(f"invite {record_id}", item.get_message())

    # 5. List the dealers.
    dealers = UserTypeUsersOperations(dealers_id, portal_name)
    listed_ids = list_user_ids(dealers, "list dealers")
    if listed_ids != {str(RAVI), str(ASHA)}:
        fail("list dealers", f"users {sorted(listed_ids)}")
    ok("list dealers", ", ".join(sorted(listed_ids)))

    # 6. Transfer Asha to the default type.
    params = ParameterMap()
    params.add(TransferUsersOfAUserTypeParam.transfer_to, str(default_id))
    params.add(TransferUsersOfAUserTypeParam.personality_ids, str(ASHA))
    response = dealers.transfer_users_of_a_user_type(params)
    expect_status("transfer", response, 200)
    single_action("transfer", response, users_api.ActionWrapper, users_api.SuccessResponse, "get_users")
    if list_user_ids(dealers, "list after transfer") != {str(RAVI)}:
        fail("transfer", "Asha is still a dealer")
    if str(ASHA) not in list_user_ids(UserTypeUsersOperations(default_id, portal_name), "list default"):
        fail("transfer", "Asha is not in the default type")
    ok("transfer", f"{ASHA} -> {default_id}")

    # 7. Ravi accepts his invitation (the mock's control plane plays the dealer), then is
    #    deactivated (the SDK sends active=False).
    control_plane(base, f"/__mock/orgs/{org['org_id']}/users/{RAVI}/confirm", {})
    params = ParameterMap()
    params.add(ChangeUsersStatusParam.active, False)
    response = dealers.change_users_status(RAVI, params)
    expect_status("change status", response, 200)
    single_action("change status", response, users_api.StatusActionWrapper, users_api.SuccessResponse,
                  "get_change_status")
    ravi = [u for u in list_users(dealers, "list after status") if str(u.get_personality_id()) == str(RAVI)]
    if len(ravi) != 1 or ravi[0].get_active() is not False:
        fail("change status", "Ravi is not inactive")
    ok("change status", f"{RAVI} inactive")

    # 8. Delete Ravi from the portal, then the now empty user type.
    params = ParameterMap()
    params.add(DeleteUserFromThePortalParam.personality_ids, str(RAVI))
    response = dealers.delete_user_from_the_portal(params)
    expect_status("delete user", response, 200)
    single_action("delete user", response, users_api.ActionWrapper, users_api.SuccessResponse, "get_users")
    response = dealers.get_users_of_user_type()
    expect_status("list after delete", response, 204)
    ok("delete user", str(RAVI))

    response = types.delete_user_type(str(dealers_id))
    expect_status("delete user type", response, 200)
    single_action("delete user type", response, types_api.ActionWrapper, types_api.SuccessResponse,
                  "get_user_type")
    response = types.get_user_type(str(dealers_id))
    expect_status("get deleted user type", response, 204)
    ok("delete user type", str(dealers_id))
    shutil.rmtree(work, ignore_errors=True)  # kept when a step fails, for its sdk.log
    print("python SDK dealer workflow: all steps passed")


def list_users(operations, step):
    response = operations.get_users_of_user_type()
    expect_status(step, response, 200)
    obj = response.get_object()
    if not isinstance(obj, users_api.ResponseWrapper):
        fail(step, describe(obj))
    return obj.get_users()


def list_user_ids(operations, step):
    return {str(u.get_personality_id()) for u in list_users(operations, step)}


if __name__ == "__main__":
    main()
