//! UT1–UT5 over real HTTP: the Kaizen #72/#73 samples, every version's shape, every business rule
//! with its exact error body, and that a refused write changes nothing.

use portals_mock::{Clock, Config, FixtureSet};

use crate::common::{
    ADMIN, BLANK, DEFAULT_TYPE, FIRST_ID, JENNIFER, NOPERM, NOW, READONLY, Reply, SECOND_ID,
    TestServer, UNKNOWN_ID, USER_TYPES, assert_reply, compact, start, start_fixed,
    start_with_fixtures,
};

/// zylker's user types, v8.
const TYPES_V8: &str = "/crm/v8/settings/portals/ZylkerAutos/user_type";

/// The Kaizen #72 "Get User Types" sample response, as printed in the post.
const K72_GET_USER_TYPES: &str = r#"{
    "user_type": [
        {
            "created_time": "2023-02-08T11:56:16+05:30",
            "default": true,
            "modified_time": "2023-02-08T11:56:16+05:30",
            "personality_module": {
                "plural_label": "Contacts",
                "api_name": "Contacts",
                "id": "1306462000000000129"
            },
            "name": "Client Portal",
            "modified_by": {
                "name": "Patricia Boyle",
                "id": "1306462000083528405"
            },
            "active": true,
            "id": "1306462000001813022",
            "created_by": {
                "name": "Patricia Boyle",
                "id": "1306462000083528405"
            },
            "no_of_users": 1
        }
    ]
}"#;

/// The Kaizen #73 "Create User Type" sample request body, as printed in the post.
const K73_CREATE_BODY: &str = r#"{
    "user_type": [
        {
            "name": "Customer",
            "personality_module": {
                "api_name": "Customer"
            },
            "active": true,
            "modules": [
                {
                    "layouts": [
                        {
                            "id": "1306462000000095055"
                        }
                    ],
                    "permissions": {
                        "view": true
                    },
                    "views": {
                        "id": "1306462000000091501",
                        "type": "custom_view"
                    },
                    "filters": null,
                    "fields": [
                        {
                            "id": "18936550000000063924",
                            "read_only": false
                        }
                    ],
                    "id": "1306462000000000125",
                    "shared_type": "private"
                },
                {
                    "layouts": null,
                    "views": null,
                    "filters": null,
                    "permissions": {
                        "view": true
                    },
                    "id": "1306462000000000147",
                    "shared_type": "private"
                }
            ]
        }
    ]
}"#;

/// The Kaizen #73 "Create User Type" sample response.
const K73_CREATED: &str = r#"{
    "user_type": [
        {
            "code": "SUCCESS",
            "details": {
                "id": "1306462000001856005"
            },
            "message": "user type created successfully.",
            "status": "success"
        }
    ]
}"#;

/// The Kaizen #73 "Update User Type" sample request body.
const K73_UPDATE_BODY: &str = r#"{
    "user_type": [
        {
            "modules": [
                {
                    "permissions": {
                        "edit": true,
                        "create": true
                    },
                    "id": "1306462000000000125",
                    "shared_type": "private"
                }
            ]
        }
    ]
}"#;

/// The Kaizen #73 "Update User Type" sample response.
const K73_UPDATED: &str = r#"{
    "user_type": [
        {
            "code": "SUCCESS",
            "details": {
                "id": "1306462000001856005"
            },
            "message": "Portal user type updated successfully.",
            "status": "success"
        }
    ]
}"#;

/// The Kaizen #73 "Delete User Type" sample response (`details.id` is a JSON number).
const K73_DELETED: &str = r#"{
    "user_type": [
        {
            "code": "SUCCESS",
            "details": {
                "id": 1306462000001856005
            },
            "message": "Portal user type deleted successfully.",
            "status": "success"
        }
    ]
}"#;

/// The Contacts module with view access only: the smallest valid personality item.
const CONTACTS_VIEW: &str =
    r#"{"id":"1306462000000000129","shared_type":"private","permissions":{"view":true}}"#;
/// The Notes module with view access only.
const NOTES_VIEW: &str =
    r#"{"id":"1306462000000000147","shared_type":"private","permissions":{"view":true}}"#;

/// All seven permission keys with only `view`, as a private module shows them.
const VIEW_ONLY: &str = r#"{"view":true,"edit":false,"edit_shared_records":false,"create":false,"delete":false,"delete_attachment":false,"create_attachment":false}"#;

const NO_PORTAL: &str = r#"{"code":"INVALID_DATA","details":{},"message":"No portal exists with the given portal name.","status":"error"}"#;
const SCOPE_MISMATCH: &str = r#"{"code":"OAUTH_SCOPE_MISMATCH","details":{},"message":"invalid oauth scope to access this URL","status":"error"}"#;
const NO_PERMISSION: &str = r#"{"code":"NO_PERMISSION","details":{"permissions":["Crm_Implied_Manage_ClientPortal"]},"message":"No permission","status":"error"}"#;
const MANDATORY_MODULES: &str = r#"{"user_type":[{"code":"MANDATORY_NOT_FOUND","details":{},"message":"Personality module and Notes module are mandatory modules.","status":"error"}]}"#;
const READ_ONLY_MISSING: &str = r#"{"code":"REQUIRED_PARAM_MISSING","details":{"api_name":"read_only"},"message":"One of the expected parameter is missing","status":"error"}"#;

/// A top-level error body.
fn error(code: &str, details: &str, message: &str) -> String {
    format!(r#"{{"code":"{code}","details":{details},"message":"{message}","status":"error"}}"#)
}

/// An error body wrapped in `{"user_type":[…]}`.
fn wrapped(code: &str, details: &str, message: &str) -> String {
    format!(r#"{{"user_type":[{}]}}"#, error(code, details, message))
}

/// `{"api_name","json_path"}` details.
fn at(api_name: &str, json_path: &str) -> String {
    format!(r#"{{"api_name":"{api_name}","json_path":"{json_path}"}}"#)
}

/// Wrapped `INVALID_DATA` "invalid data" `{api_name, json_path}`.
fn invalid_at(api_name: &str, json_path: &str) -> String {
    wrapped("INVALID_DATA", &at(api_name, json_path), "invalid data")
}

/// Wrapped `MANDATORY_NOT_FOUND` "required field not found".
fn missing(api_name: &str, json_path: &str) -> String {
    wrapped(
        "MANDATORY_NOT_FOUND",
        &at(api_name, json_path),
        "required field not found",
    )
}

/// Wrapped `INVALID_DATA` "Invalid data type" with `expected_data_type`.
fn wrong_type(expected: &str, api_name: &str, json_path: &str) -> String {
    wrapped(
        "INVALID_DATA",
        &format!(
            r#"{{"expected_data_type":"{expected}","api_name":"{api_name}","json_path":"{json_path}"}}"#
        ),
        "Invalid data type",
    )
}

/// One success item of create (v4–v7) or update.
fn success(id: &str, message: &str) -> String {
    format!(
        r#"{{"code":"SUCCESS","details":{{"id":"{id}"}},"message":"{message}","status":"success"}}"#
    )
}

fn created(id: &str) -> String {
    format!(
        r#"{{"user_type":[{}]}}"#,
        success(id, "user type created successfully.")
    )
}

fn updated(id: &str) -> String {
    format!(
        r#"{{"user_type":[{}]}}"#,
        success(id, "Portal user type updated successfully.")
    )
}

fn deleted(id: &str) -> String {
    format!(
        r#"{{"user_type":[{{"code":"SUCCESS","details":{{"id":{id}}},"message":"Portal user type deleted successfully.","status":"success"}}]}}"#
    )
}

/// One user type item on Contacts with the given module items.
fn contacts_item(name: &str, modules: &[&str]) -> String {
    format!(
        r#"{{"name":"{name}","personality_module":{{"api_name":"Contacts"}},"modules":[{}]}}"#,
        modules.join(",")
    )
}

/// The smallest valid user type item on Contacts.
fn simple_item(name: &str) -> String {
    contacts_item(name, &[CONTACTS_VIEW, NOTES_VIEW])
}

/// A `{"user_type":[…]}` body of the given items.
fn batch(items: &[String]) -> String {
    format!(r#"{{"user_type":[{}]}}"#, items.join(","))
}

/// A body with one user type on Contacts with the given module items.
fn contacts_type(name: &str, modules: &[&str]) -> String {
    batch(&[contacts_item(name, modules)])
}

/// A body with the smallest valid user type on Contacts.
fn simple_type(name: &str) -> String {
    batch(&[simple_item(name)])
}

/// Creates a user type with the v4 API, asserting it got `expected_id`.
fn create_type(server: &TestServer, body: &str, expected_id: &str) {
    assert_reply(
        &server.post(USER_TYPES, ADMIN, body),
        200,
        &created(expected_id),
    );
}

fn delete(server: &TestServer, path: &str, token: &str) -> Reply {
    server.call("DELETE", path, Some(token), None)
}

/// Everything the API shows about the org's user types (v8, with modules and both counts).
fn snapshot(server: &TestServer) -> String {
    let reply = server.get(&format!("{TYPES_V8}?include=modules"), ADMIN);
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body
}

/// The ids UT1 lists, in order.
fn listed_ids(server: &TestServer) -> Vec<String> {
    server.get(USER_TYPES, ADMIN).json()["user_type"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect()
}

/// `no_of_users` of a type, as UT1 (v4) prints it.
fn no_of_users(server: &TestServer, type_id: &str) -> i64 {
    let types = server.get(USER_TYPES, ADMIN).json();
    types["user_type"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == type_id)
        .and_then(|t| t["no_of_users"].as_i64())
        .unwrap_or_else(|| panic!("no type {type_id} in {types}"))
}

#[track_caller]
fn assert_no_content(reply: &Reply) {
    assert_eq!(reply.status, 204, "{}", reply.body);
    assert_eq!(reply.body, "");
    assert_eq!(reply.content_type, None);
}

/// Sends each `(body, expected)` to `path` and asserts a 400 with exactly that body.
#[track_caller]
fn assert_each_refused(server: &TestServer, method: &str, path: &str, cases: &[(String, String)]) {
    for (body, expected) in cases {
        let reply = server.call(method, path, Some(ADMIN), Some(body));
        assert_eq!(
            (reply.status, reply.body.as_str()),
            (400, expected.as_str()),
            "body sent: {body}"
        );
    }
}

/// The default type as UT2 (v4) shows it: the Kaizen #72 item with its seeded modules.
const DEFAULT_TYPE_WITH_MODULES: &str = r#"{"created_time":"2023-02-08T11:56:16+05:30","default":true,"modified_time":"2023-02-08T11:56:16+05:30","personality_module":{"plural_label":"Contacts","api_name":"Contacts","id":"1306462000000000129"},"name":"Client Portal","modified_by":{"name":"Patricia Boyle","id":"1306462000083528405"},"active":true,"id":"1306462000001813022","created_by":{"name":"Patricia Boyle","id":"1306462000083528405"},"no_of_users":1,"modules":[{"plural_label":"Contacts","shared_type":"private","api_name":"Contacts","id":"1306462000000000129","permissions":{"view":true,"edit":true,"edit_shared_records":false,"create":false,"delete":false,"delete_attachment":false,"create_attachment":false},"filters":null,"fields":[{"read_only":false,"api_name":"Last_Name","id":"1306462000000060001"},{"read_only":false,"api_name":"First_Name","id":"1306462000000060002"},{"read_only":true,"api_name":"Email","id":"1306462000000060003"},{"read_only":false,"api_name":"Phone","id":"1306462000000060004"}],"layouts":[{"display_label":"Standard","name":"Standard","id":"1306462000000091055","_default_view":{"display_label":"Standard","name":"Standard","id":"1306462000000091055","type":"layout"}}],"views":{"display_label":"All Contacts","name":"All Contacts","id":"1306462000000087501","type":"custom_view"}},{"plural_label":"Notes","shared_type":"private","api_name":"Notes","id":"1306462000000000147","permissions":{"view":true,"edit":false,"edit_shared_records":false,"create":true,"delete":false,"delete_attachment":false,"create_attachment":false},"filters":null,"fields":[],"layouts":null,"views":null}]}"#;

/// The Kaizen #73 Customer type as v8 shows it, created at NOW.
fn k73_customer_v8(permissions: &str) -> String {
    format!(
        r#"{{"created_time":"{NOW}","default":false,"modified_time":"{NOW}","personality_module":{{"plural_label":"Customers","api_name":"Customer","id":"1306462000000000125"}},"name":"Customer","modified_by":{{"name":"Patricia Boyle","id":"1306462000083528405"}},"active":true,"id":"1306462000001856005","created_by":{{"name":"Patricia Boyle","id":"1306462000083528405"}},"active_user_count":0,"deactive_user_count":0,"invitation_field":{{"api_name":"Email","id":"1306462000000063902"}},"modules":[{{"plural_label":"Customers","shared_type":"private","api_name":"Customer","id":"1306462000000000125","permissions":{permissions},"filters":null,"fields":[{{"read_only":false,"api_name":"Service_Notes","id":"18936550000000063924"}}],"layouts":[{{"display_label":"Standard","name":"Standard","id":"1306462000000095055","_default_view":{{"display_label":"Standard","name":"Standard","id":"1306462000000095055","type":"layout"}}}}],"views":{{"display_label":"All Customers","name":"All Customers","id":"1306462000000091501","type":"custom_view"}}}},{{"plural_label":"Notes","shared_type":"private","api_name":"Notes","id":"1306462000000000147","permissions":{VIEW_ONLY},"filters":null,"fields":[],"layouts":null,"views":null}}]}}"#
    )
}

// ---------------------------------------------------------------------------------------------
// UT1 / UT2: list and get
// ---------------------------------------------------------------------------------------------

#[test]
fn get_user_types_reproduces_the_kaizen_72_sample_byte_for_byte_in_v4_to_v7() {
    let server = start();
    for version in ["v4", "v5", "v6", "v7"] {
        let reply = server.get(
            &format!("/crm/{version}/settings/portals/ZylkerAutos/user_type"),
            ADMIN,
        );
        assert_reply(&reply, 200, &compact(K72_GET_USER_TYPES));
    }
}

#[test]
fn v8_counts_active_and_deactivated_users_and_shows_the_invitation_field() {
    let server = start();
    let v8_item = |active: u8, deactive: u8| {
        format!(
            r#"{{"user_type":[{{"created_time":"2023-02-08T11:56:16+05:30","default":true,"modified_time":"2023-02-08T11:56:16+05:30","personality_module":{{"plural_label":"Contacts","api_name":"Contacts","id":"1306462000000000129"}},"name":"Client Portal","modified_by":{{"name":"Patricia Boyle","id":"1306462000083528405"}},"active":true,"id":"1306462000001813022","created_by":{{"name":"Patricia Boyle","id":"1306462000083528405"}},"active_user_count":{active},"deactive_user_count":{deactive},"invitation_field":{{"api_name":"Email","id":"1306462000000060003"}}}}]}}"#
        )
    };
    assert_reply(&server.get(TYPES_V8, ADMIN), 200, &v8_item(1, 0));
    // Act: Jennifer is deactivated (U4).
    let reply = server.call(
        "PUT",
        &format!("{USER_TYPES}/{DEFAULT_TYPE}/users/{JENNIFER}/actions/change_status?active=false"),
        Some(ADMIN),
        None,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    // Assert: v8 moves her to the deactivated count; v4 still counts her in no_of_users.
    assert_reply(&server.get(TYPES_V8, ADMIN), 200, &v8_item(0, 1));
    assert_eq!(no_of_users(&server, DEFAULT_TYPE), 1);
}

#[test]
fn include_modules_adds_each_types_modules_and_only_then() {
    let server = start();
    let with_modules = format!(r#"{{"user_type":[{DEFAULT_TYPE_WITH_MODULES}]}}"#);
    assert_reply(
        &server.get(&format!("{USER_TYPES}?include=modules"), ADMIN),
        200,
        &with_modules,
    );
    assert_reply(
        &server.get(&format!("{USER_TYPES}?include=something_else"), ADMIN),
        200,
        &compact(K72_GET_USER_TYPES),
    );
}

#[test]
fn get_user_type_by_id_answers_the_type_with_its_modules() {
    let server = start();
    let reply = server.get(&format!("{USER_TYPES}/{DEFAULT_TYPE}"), ADMIN);
    assert_reply(
        &reply,
        200,
        &format!(r#"{{"user_type":[{DEFAULT_TYPE_WITH_MODULES}]}}"#),
    );
}

#[test]
fn get_user_type_with_an_unknown_id_answers_204_with_no_body_and_no_content_type() {
    let server = start();
    assert_no_content(&server.get(&format!("{USER_TYPES}/{UNKNOWN_ID}"), ADMIN));
    assert_no_content(&server.get(&format!("{TYPES_V8}/not-a-number"), ADMIN));
}

#[test]
fn the_portal_name_in_the_path_ignores_case() {
    let server = start();
    let reply = server.get("/crm/v4/settings/portals/zylkerAUTOS/user_type", ADMIN);
    assert_reply(&reply, 200, &compact(K72_GET_USER_TYPES));
}

#[test]
fn a_new_portal_lists_its_default_client_portal_type() {
    // Arrange: the blank org creates its portal at NOW.
    let server = start_fixed();
    let reply = server.post(
        "/crm/v4/settings/portals",
        BLANK,
        r#"{"portals":[{"name":"ZylkerAutomobiles"}]}"#,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    // Act
    let reply = server.get(
        "/crm/v4/settings/portals/ZylkerAutomobiles/user_type?include=modules",
        BLANK,
    );
    // Assert: Client Portal on Contacts, default and active, Contacts and Notes with view access.
    assert_reply(
        &reply,
        200,
        &format!(
            r#"{{"user_type":[{{"created_time":"{NOW}","default":true,"modified_time":"{NOW}","personality_module":{{"plural_label":"Contacts","api_name":"Contacts","id":"1306462000000000129"}},"name":"Client Portal","modified_by":{{"name":"Patricia Boyle","id":"1306462000083528405"}},"active":true,"id":"{FIRST_ID}","created_by":{{"name":"Patricia Boyle","id":"1306462000083528405"}},"no_of_users":0,"modules":[{{"plural_label":"Contacts","shared_type":"private","api_name":"Contacts","id":"1306462000000000129","permissions":{VIEW_ONLY},"filters":null,"fields":[],"layouts":null,"views":null}},{{"plural_label":"Notes","shared_type":"private","api_name":"Notes","id":"1306462000000000147","permissions":{VIEW_ONLY},"filters":null,"fields":[],"layouts":null,"views":null}}]}}]}}"#
        ),
    );
}

#[test]
fn an_unknown_portal_is_the_documented_error_on_every_user_type_endpoint() {
    let server = start();
    let before = snapshot(&server);
    let other = "/crm/v4/settings/portals/NoSuchPortal/user_type";
    let calls: [(&str, String, Option<String>); 5] = [
        ("GET", other.to_owned(), None),
        ("GET", format!("{other}/{DEFAULT_TYPE}"), None),
        ("POST", other.to_owned(), Some(simple_type("Gold"))),
        (
            "PUT",
            format!("{other}/{DEFAULT_TYPE}"),
            Some(r#"{"user_type":[{"name":"Gold"}]}"#.to_owned()),
        ),
        ("DELETE", format!("{other}/{DEFAULT_TYPE}"), None),
    ];
    for (method, path, body) in &calls {
        let reply = server.call(method, path, Some(ADMIN), body.as_deref());
        assert_reply(&reply, 400, NO_PORTAL);
    }
    // Another org's portal is no portal of the caller's.
    assert_reply(&server.get(USER_TYPES, BLANK), 400, NO_PORTAL);
    assert_eq!(snapshot(&server), before, "nothing changed");
}

// ---------------------------------------------------------------------------------------------
// UT3: create
// ---------------------------------------------------------------------------------------------

#[test]
fn creating_the_kaizen_73_sample_answers_the_sample_and_the_type_is_listed() {
    // Arrange
    let server = start_fixed();
    // Act
    let reply = server.post(USER_TYPES, ADMIN, K73_CREATE_BODY);
    // Assert: the Kaizen #73 response, then both types listed, oldest first.
    assert_reply(&reply, 200, &compact(K73_CREATED));
    let customer = format!(
        r#"{{"created_time":"{NOW}","default":false,"modified_time":"{NOW}","personality_module":{{"plural_label":"Customers","api_name":"Customer","id":"1306462000000000125"}},"name":"Customer","modified_by":{{"name":"Patricia Boyle","id":"1306462000083528405"}},"active":true,"id":"{FIRST_ID}","created_by":{{"name":"Patricia Boyle","id":"1306462000083528405"}},"no_of_users":0}}"#
    );
    let k72_item = compact(K72_GET_USER_TYPES);
    let k72_item = &k72_item[r#"{"user_type":["#.len()..k72_item.len() - 2];
    assert_reply(
        &server.get(USER_TYPES, ADMIN),
        200,
        &format!(r#"{{"user_type":[{k72_item},{customer}]}}"#),
    );
}

#[test]
fn v8_create_answers_201_with_the_created_type_and_get_shows_the_same() {
    let server = start_fixed();
    let reply = server.post(TYPES_V8, ADMIN, K73_CREATE_BODY);
    let customer = k73_customer_v8(VIEW_ONLY);
    assert_reply(&reply, 201, &format!(r#"{{"user_type":[{customer}]}}"#));
    assert_reply(
        &server.get(&format!("{TYPES_V8}/{FIRST_ID}"), ADMIN),
        200,
        &format!(r#"{{"user_type":[{customer}]}}"#),
    );
}

#[test]
fn v5_to_v7_create_answer_the_v4_success_body() {
    let server = start();
    for (k, version) in ["v5", "v6", "v7"].into_iter().enumerate() {
        let id = format!("130646200000185600{}", 5 + k);
        let reply = server.post(
            &format!("/crm/{version}/settings/portals/ZylkerAutos/user_type"),
            ADMIN,
            &simple_type(&format!("Type {version}")),
        );
        assert_reply(&reply, 200, &created(&id));
    }
}

#[test]
fn active_defaults_to_false_and_the_personality_module_may_be_named_by_id() {
    let server = start_fixed();
    let body = r#"{"user_type":[{"name":"Gold","personality_module":{"id":"1306462000000000129"},"modules":[{"id":"1306462000000000129","shared_type":"private","permissions":{"view":true}},{"id":"1306462000000000147","shared_type":"private","permissions":{"view":true}}]}]}"#;
    create_type(&server, body, FIRST_ID);
    let reply = server.get(&format!("{USER_TYPES}/{FIRST_ID}"), ADMIN);
    assert_reply(
        &reply,
        200,
        &format!(
            r#"{{"user_type":[{{"created_time":"{NOW}","default":false,"modified_time":"{NOW}","personality_module":{{"plural_label":"Contacts","api_name":"Contacts","id":"1306462000000000129"}},"name":"Gold","modified_by":{{"name":"Patricia Boyle","id":"1306462000083528405"}},"active":false,"id":"{FIRST_ID}","created_by":{{"name":"Patricia Boyle","id":"1306462000083528405"}},"no_of_users":0,"modules":[{{"plural_label":"Contacts","shared_type":"private","api_name":"Contacts","id":"1306462000000000129","permissions":{VIEW_ONLY},"filters":null,"fields":[],"layouts":null,"views":null}},{{"plural_label":"Notes","shared_type":"private","api_name":"Notes","id":"1306462000000000147","permissions":{VIEW_ONLY},"filters":null,"fields":[],"layouts":null,"views":null}}]}}]}}"#
        ),
    );
}

#[test]
fn a_public_module_is_accepted_without_permissions_and_shown_with_view_only() {
    let server = start();
    let products = r#"{"id":"1306462000000000135","shared_type":"public"}"#;
    create_type(
        &server,
        &contacts_type("With Products", &[CONTACTS_VIEW, NOTES_VIEW, products]),
        FIRST_ID,
    );
    let modules = &server
        .get(&format!("{USER_TYPES}/{FIRST_ID}"), ADMIN)
        .json()["user_type"][0]["modules"];
    assert_eq!(
        modules[2].to_string(),
        r#"{"plural_label":"Products","shared_type":"public","api_name":"Products","id":"1306462000000000135","permissions":{"view":true},"filters":null,"fields":[],"layouts":null,"views":null}"#
    );
}

#[test]
fn related_modules_with_layouts_views_filters_and_fields_are_stored_and_rendered() {
    // Arrange: Deals looks up Contacts; its Standard layout holds the Contact_Name filter field.
    let server = start();
    let deals = r#"{"id":"1306462000000000133","shared_type":"private","permissions":{"view":true,"edit":true},"layouts":[{"id":"1306462000000091059"}],"views":{"id":"1306462000000087901","type":"canvas_view"},"filters":[{"id":"1306462000000064004"}],"fields":[{"id":"1306462000000064003","read_only":true},{"id":"1306462000000064001","read_only":false}]}"#;
    // Act
    create_type(
        &server,
        &contacts_type("Dealers", &[CONTACTS_VIEW, NOTES_VIEW, deals]),
        FIRST_ID,
    );
    // Assert
    let modules = &server
        .get(&format!("{USER_TYPES}/{FIRST_ID}"), ADMIN)
        .json()["user_type"][0]["modules"];
    assert_eq!(
        modules[2].to_string(),
        r#"{"plural_label":"Deals","shared_type":"private","api_name":"Deals","id":"1306462000000000133","permissions":{"view":true,"edit":true,"edit_shared_records":false,"create":false,"delete":false,"delete_attachment":false,"create_attachment":false},"filters":[{"display_label":"Contact Name","api_name":"Contact_Name","id":"1306462000000064004"}],"fields":[{"read_only":true,"api_name":"Amount","id":"1306462000000064003"},{"read_only":false,"api_name":"Deal_Name","id":"1306462000000064001"}],"layouts":[{"display_label":"Standard","name":"Standard","id":"1306462000000091059","_default_view":{"display_label":"Standard","name":"Standard","id":"1306462000000091059","type":"layout"}}],"views":{"display_label":"Deal Canvas","name":"Deal Canvas","id":"1306462000000087901","type":"canvas_view"}}"#
    );
}

#[test]
fn the_invitation_field_defaults_to_email_and_must_be_an_email_field_of_the_personality() {
    let server = start();
    let with_field = |field: &str| {
        format!(
            r#"{{"user_type":[{{"name":"Gold","personality_module":{{"api_name":"Contacts"}},"invitation_field":{field},"modules":[{CONTACTS_VIEW},{NOTES_VIEW}]}}]}}"#
        )
    };
    let before = snapshot(&server);
    assert_each_refused(
        &server,
        "POST",
        USER_TYPES,
        &[
            (
                with_field(r#"{"api_name":"Phone"}"#),
                invalid_at("invitation_field", "$.user_type[0].invitation_field"),
            ),
            (
                with_field(r#"{"id":"1306462000000063902"}"#),
                invalid_at("invitation_field", "$.user_type[0].invitation_field"),
            ),
            (
                with_field(r#""Email""#),
                wrong_type(
                    "jsonobject",
                    "invitation_field",
                    "$.user_type[0].invitation_field",
                ),
            ),
        ],
    );
    assert_eq!(snapshot(&server), before, "no error wrote anything");
    let reply = server.post(TYPES_V8, ADMIN, &with_field(r#"{"api_name":"Email"}"#));
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(
        reply.json()["user_type"][0]["invitation_field"].to_string(),
        r#"{"api_name":"Email","id":"1306462000000060003"}"#
    );
}

#[test]
fn name_rules_are_the_documented_errors() {
    let server = start();
    let before = snapshot(&server);
    let name = |value: &str| {
        format!(
            r#"{{"user_type":[{{"name":{value},"personality_module":{{"api_name":"Contacts"}},"modules":[{CONTACTS_VIEW},{NOTES_VIEW}]}}]}}"#
        )
    };
    let path = "$.user_type[0].name";
    let regex = wrapped(
        "INVALID_DATA",
        &format!(r#"{{"regex":"^[A-Za-z0-9 ]+$","api_name":"name","json_path":"{path}"}}"#),
        "invalid data",
    );
    let fifty_one = format!("\"{}\"", "A".repeat(51));
    let cases = [
        (
            r#"{"user_type":[{"personality_module":{"api_name":"Contacts"},"modules":[]}]}"#
                .to_owned(),
            missing("name", path),
        ),
        (name("null"), missing("name", path)),
        (
            name(r#""""#),
            wrapped(
                "INVALID_DATA",
                &format!(r#"{{"api_name":"name","json_path":"{path}","minimum_length":1}}"#),
                "Invalid data",
            ),
        ),
        (name(r#""Gold-Members!""#), regex.clone()),
        (name(r#""Kundén""#), regex),
        (
            name(&fifty_one),
            wrapped(
                "INVALID_DATA",
                &format!(r#"{{"api_name":"name","json_path":"{path}","maximum_length":50}}"#),
                "Invalid data",
            ),
        ),
        (name("123"), wrong_type("string", "name", path)),
        (
            name(r#""client PORTAL""#),
            wrapped("DUPLICATE_DATA", &at("name", path), "duplicate data"),
        ),
    ];
    assert_each_refused(&server, "POST", USER_TYPES, &cases);
    assert_eq!(snapshot(&server), before, "no error wrote anything");
    // Fifty characters of letters, digits and spaces are fine.
    let longest = format!("Gold {}", "9".repeat(45));
    create_type(&server, &simple_type(&longest), FIRST_ID);
}

#[test]
fn personality_module_rules_are_the_documented_errors() {
    let server = start();
    let before = snapshot(&server);
    let with = |personality: &str| {
        format!(
            r#"{{"user_type":[{{"name":"Gold","personality_module":{personality},"modules":[{CONTACTS_VIEW},{NOTES_VIEW}]}}]}}"#
        )
    };
    let path = "$.user_type[0].personality_module";
    let invalid = invalid_at("personality_module", path);
    let cases = [
        (
            format!(
                r#"{{"user_type":[{{"name":"Gold","modules":[{CONTACTS_VIEW},{NOTES_VIEW}]}}]}}"#
            ),
            missing("personality_module", path),
        ),
        (with(r#"{"api_name":"NoSuchModule"}"#), invalid.clone()),
        // Deals is a module of the org, but not one that can be a personality.
        (with(r#"{"api_name":"Deals"}"#), invalid.clone()),
        (with(r#"{"id":"1306462000000000133"}"#), invalid.clone()),
        (with(r#"{"id":"1306462000009999999"}"#), invalid),
        (
            with("{}"),
            missing("api_name", "$.user_type[0].personality_module.api_name"),
        ),
        (
            with(r#""Contacts""#),
            wrong_type("jsonobject", "personality_module", path),
        ),
        (
            with(r#"{"api_name":129}"#),
            wrong_type(
                "string",
                "api_name",
                "$.user_type[0].personality_module.api_name",
            ),
        ),
    ];
    assert_each_refused(&server, "POST", USER_TYPES, &cases);
    assert_eq!(snapshot(&server), before, "no error wrote anything");
}

#[test]
fn modules_must_be_given_and_hold_the_personality_module_and_notes() {
    let server = start();
    let before = snapshot(&server);
    let cases = [
        (
            r#"{"user_type":[{"name":"Gold","personality_module":{"api_name":"Contacts"}}]}"#
                .to_owned(),
            missing("modules", "$.user_type[0].modules"),
        ),
        (
            r#"{"user_type":[{"name":"Gold","personality_module":{"api_name":"Contacts"},"modules":null}]}"#
                .to_owned(),
            missing("modules", "$.user_type[0].modules"),
        ),
        (contacts_type("Gold", &[]), MANDATORY_MODULES.to_owned()),
        (
            contacts_type("Gold", &[CONTACTS_VIEW]),
            MANDATORY_MODULES.to_owned(),
        ),
        (
            contacts_type("Gold", &[NOTES_VIEW]),
            MANDATORY_MODULES.to_owned(),
        ),
        (
            r#"{"user_type":[{"name":"Gold","personality_module":{"api_name":"Contacts"},"modules":{}}]}"#
                .to_owned(),
            wrong_type("jsonarray", "modules", "$.user_type[0].modules"),
        ),
    ];
    assert_each_refused(&server, "POST", USER_TYPES, &cases);
    assert_eq!(snapshot(&server), before, "no error wrote anything");
}

#[test]
fn only_the_personality_module_notes_public_and_related_modules_are_allowed() {
    let server = start();
    let before = snapshot(&server);
    let module = |id: &str| {
        format!(r#"{{"id":"{id}","shared_type":"private","permissions":{{"view":true}}}}"#)
    };
    let third_id = invalid_at("id", "$.user_type[0].modules[2].id");
    // Campaigns is not available to portals; Leads and Customer are not related to Contacts.
    let refused = [
        "1306462000000000137",
        "1306462000000000123",
        "1306462000000000125",
        "1306462000009999999",
    ];
    for id in refused {
        let body = contacts_type("Gold", &[CONTACTS_VIEW, NOTES_VIEW, &module(id)]);
        let reply = server.post(USER_TYPES, ADMIN, &body);
        assert_reply(&reply, 400, &third_id);
    }
    let cases = [
        (
            contacts_type(
                "Gold",
                &[CONTACTS_VIEW, NOTES_VIEW, r#"{"shared_type":"private"}"#],
            ),
            missing("id", "$.user_type[0].modules[2].id"),
        ),
        (
            contacts_type("Gold", &[CONTACTS_VIEW, NOTES_VIEW, r#"{"id":"Deals"}"#]),
            third_id.clone(),
        ),
        (
            contacts_type("Gold", &[CONTACTS_VIEW, NOTES_VIEW, NOTES_VIEW]),
            wrapped(
                "DUPLICATE_DATA",
                &at("id", "$.user_type[0].modules[2].id"),
                "duplicate data",
            ),
        ),
        (
            contacts_type("Gold", &[CONTACTS_VIEW, NOTES_VIEW, r#""Deals""#]),
            wrong_type("jsonobject", "modules", "$.user_type[0].modules[2]"),
        ),
        (
            contacts_type(
                "Gold",
                &[
                    CONTACTS_VIEW,
                    NOTES_VIEW,
                    r#"{"id":"1306462000000000133","permissions":{"view":true}}"#,
                ],
            ),
            missing("shared_type", "$.user_type[0].modules[2].shared_type"),
        ),
        (
            contacts_type(
                "Gold",
                &[
                    CONTACTS_VIEW,
                    NOTES_VIEW,
                    r#"{"id":"1306462000000000133","shared_type":"everyone","permissions":{"view":true}}"#,
                ],
            ),
            wrapped(
                "INVALID_DATA",
                r#"{"supported_values":["private"],"api_name":"shared_type","json_path":"$.user_type[0].modules[2].shared_type"}"#,
                "Invalid data",
            ),
        ),
        (
            // The CRM decides the sharing: Notes is private, so "public" is refused.
            contacts_type(
                "Gold",
                &[
                    CONTACTS_VIEW,
                    r#"{"id":"1306462000000000147","shared_type":"public"}"#,
                ],
            ),
            wrapped(
                "INVALID_DATA",
                r#"{"supported_values":["private"],"api_name":"shared_type","json_path":"$.user_type[0].modules[1].shared_type"}"#,
                "Invalid data",
            ),
        ),
    ];
    assert_each_refused(&server, "POST", USER_TYPES, &cases);
    assert_eq!(snapshot(&server), before, "no error wrote anything");
    // Related either way: Deals, Services (look up Contacts), Vehicles (multi-select lookup),
    // Accounts (looked up by Contacts); and the public Products.
    let allowed: Vec<String> = [
        "1306462000000000133",
        "1306462000000000151",
        "1306462000000000153",
        "1306462000000000131",
    ]
    .iter()
    .map(|id| module(id))
    .collect();
    let mut items = vec![CONTACTS_VIEW, NOTES_VIEW];
    items.extend(allowed.iter().map(String::as_str));
    items.push(r#"{"id":"1306462000000000135","shared_type":"public"}"#);
    create_type(&server, &contacts_type("Everything", &items), FIRST_ID);
}

#[test]
fn permission_rules_are_the_documented_errors() {
    let server = start();
    let before = snapshot(&server);
    let contacts = |permissions: &str| {
        contacts_type(
            "Gold",
            &[
                &format!(r#"{{"id":"1306462000000000129","shared_type":"private"{permissions}}}"#),
                NOTES_VIEW,
            ],
        )
    };
    let path = "$.user_type[0].modules[0].permissions";
    let cases = [
        (contacts(""), missing("permissions", path)),
        (
            contacts(r#","permissions":null"#),
            missing("permissions", path),
        ),
        (
            contacts(r#","permissions":{"edit":true}"#),
            missing("view", &format!("{path}.view")),
        ),
        (
            contacts(r#","permissions":{"view":true,"fly":true}"#),
            wrapped(
                "INVALID_DATA",
                &format!(
                    r#"{{"supported_values":["view","edit","edit_shared_records","create","delete","delete_attachment","create_attachment"],"api_name":"fly","json_path":"{path}.fly"}}"#
                ),
                "Invalid data",
            ),
        ),
        (
            contacts(r#","permissions":{"view":"yes"}"#),
            wrong_type("boolean", "view", &format!("{path}.view")),
        ),
        (
            contacts(r#","permissions":[]"#),
            wrong_type("jsonobject", "permissions", path),
        ),
    ];
    assert_each_refused(&server, "POST", USER_TYPES, &cases);
    assert_eq!(snapshot(&server), before, "no error wrote anything");
}

#[test]
fn layout_view_and_filter_rules_are_the_documented_errors() {
    let server = start();
    let before = snapshot(&server);
    let contacts = |extra: &str| {
        contacts_type(
            "Gold",
            &[
                &format!(
                    r#"{{"id":"1306462000000000129","shared_type":"private","permissions":{{"view":true}}{extra}}}"#
                ),
                NOTES_VIEW,
            ],
        )
    };
    let deals = |extra: &str| {
        contacts_type(
            "Gold",
            &[
                CONTACTS_VIEW,
                NOTES_VIEW,
                &format!(
                    r#"{{"id":"1306462000000000133","shared_type":"private","permissions":{{"view":true}}{extra}}}"#
                ),
            ],
        )
    };
    let module0 = "$.user_type[0].modules[0]";
    let module2 = "$.user_type[0].modules[2]";
    let cases = [
        // A layout of Customer given for Contacts.
        (
            contacts(r#","layouts":[{"id":"1306462000000095055"}]"#),
            invalid_at("id", &format!("{module0}.layouts[0].id")),
        ),
        (
            contacts(r#","layouts":[{"id":"1306462000000091055"},{"id":"1306462000000091055"}]"#),
            wrapped(
                "DUPLICATE_DATA",
                &at("id", &format!("{module0}.layouts[1].id")),
                "duplicate data",
            ),
        ),
        (
            contacts(r#","layouts":{"id":"1306462000000091055"}"#),
            wrong_type("jsonarray", "layouts", &format!("{module0}.layouts")),
        ),
        // A custom view sent as a canvas view.
        (
            contacts(r#","views":{"id":"1306462000000087501","type":"canvas_view"}"#),
            invalid_at("type", &format!("{module0}.views.type")),
        ),
        (
            contacts(r#","views":{"id":"1306462000000087501","type":"kanban_view"}"#),
            wrapped(
                "INVALID_DATA",
                &format!(
                    r#"{{"supported_values":["custom_view","canvas_view"],"api_name":"type","json_path":"{module0}.views.type"}}"#
                ),
                "Invalid data",
            ),
        ),
        (
            contacts(r#","views":{"id":"1306462000000087501"}"#),
            missing("type", &format!("{module0}.views.type")),
        ),
        // A view of Deals given for Contacts.
        (
            contacts(r#","views":{"id":"1306462000000087801","type":"custom_view"}"#),
            invalid_at("id", &format!("{module0}.views.id")),
        ),
        (
            deals(r#","filters":[{"id":"1306462000000064004"}]"#),
            wrapped(
                "DEPENDENT_FIELD_MISSING",
                &format!(
                    r#"{{"dependee":{{"api_name":"layouts","json_path":"{module2}.layouts"}},"api_name":"filters","json_path":"{module2}.filters"}}"#
                ),
                "layouts are missing.",
            ),
        ),
        // The Used Cars layout does not hold Contact_Name.
        (
            deals(
                r#","layouts":[{"id":"1306462000000091061"}],"filters":[{"id":"1306462000000064004"}]"#,
            ),
            wrapped(
                "NOT_ALLOWED",
                &format!(r#"{{"json_path":"{module2}.filters[0]"}}"#),
                "Layout does not have selected filter in it.",
            ),
        ),
        (
            deals(
                r#","layouts":[{"id":"1306462000000091059"}],"filters":[{"id":"1306462000000064004"},{"id":"1306462000000064005"}]"#,
            ),
            wrapped(
                "INVALID_DATA",
                &format!(
                    r#"{{"api_name":"filters","json_path":"{module2}.filters","maximum_length":1}}"#
                ),
                "Invalid data",
            ),
        ),
        // A field of Contacts is no filter of Deals.
        (
            deals(
                r#","layouts":[{"id":"1306462000000091059"}],"filters":[{"id":"1306462000000060001"}]"#,
            ),
            invalid_at("id", &format!("{module2}.filters[0].id")),
        ),
    ];
    assert_each_refused(&server, "POST", USER_TYPES, &cases);
    assert_eq!(snapshot(&server), before, "no error wrote anything");
}

#[test]
fn field_rules_are_the_documented_errors() {
    let server = start();
    let before = snapshot(&server);
    let contacts = |extra: &str| {
        contacts_type(
            "Gold",
            &[
                &format!(
                    r#"{{"id":"1306462000000000129","shared_type":"private","permissions":{{"view":true}}{extra}}}"#
                ),
                NOTES_VIEW,
            ],
        )
    };
    let fields = "$.user_type[0].modules[0].fields";
    let cases = [
        // Contact Owner is not allowed in portals.
        (
            contacts(r#","fields":[{"id":"1306462000000060007","read_only":false}]"#),
            wrapped(
                "INVALID_DATA",
                &format!(r#"{{"json_path":"{fields}[0]"}}"#),
                "Field is not allowed in portals.",
            ),
        ),
        // read_only missing: a top-level error, as documented.
        (
            contacts(r#","fields":[{"id":"1306462000000060002"}]"#),
            READ_ONLY_MISSING.to_owned(),
        ),
        (
            contacts(r#","fields":[{"id":"1306462000000060002","read_only":"no"}]"#),
            wrong_type("boolean", "read_only", &format!("{fields}[0].read_only")),
        ),
        // Last Name is mandatory on the Standard layout.
        (
            contacts(r#","fields":[{"id":"1306462000000060001","read_only":true}]"#),
            wrapped(
                "NOT_ALLOWED",
                &at("read_only", &format!("{fields}[0].read_only")),
                "Mandatory field cannot be read only.",
            ),
        ),
        (
            contacts(
                r#","layouts":[{"id":"1306462000000091055"}],"fields":[{"id":"1306462000000060001","read_only":true}]"#,
            ),
            wrapped(
                "NOT_ALLOWED",
                &at("read_only", &format!("{fields}[0].read_only")),
                "Mandatory field cannot be read only.",
            ),
        ),
        // A field of Customer given for Contacts.
        (
            contacts(r#","fields":[{"id":"1306462000000063901","read_only":false}]"#),
            invalid_at("id", &format!("{fields}[0].id")),
        ),
        (
            contacts(
                r#","fields":[{"id":"1306462000000060002","read_only":false},{"id":"1306462000000060002","read_only":true}]"#,
            ),
            wrapped(
                "DUPLICATE_DATA",
                &at("id", &format!("{fields}[1].id")),
                "duplicate data",
            ),
        ),
        (
            contacts(r#","fields":{"id":"1306462000000060002"}"#),
            wrong_type("jsonarray", "fields", fields),
        ),
    ];
    assert_each_refused(&server, "POST", USER_TYPES, &cases);
    assert_eq!(snapshot(&server), before, "no error wrote anything");
    // A field that is not mandatory may be read-only.
    create_type(
        &server,
        &contacts(r#","fields":[{"id":"1306462000000060003","read_only":true}]"#),
        FIRST_ID,
    );
}

#[test]
fn active_of_another_type_is_invalid_data_type() {
    let server = start();
    let before = snapshot(&server);
    let body = format!(
        r#"{{"user_type":[{{"name":"Gold","active":"yes","personality_module":{{"api_name":"Contacts"}},"modules":[{CONTACTS_VIEW},{NOTES_VIEW}]}}]}}"#
    );
    assert_reply(
        &server.post(USER_TYPES, ADMIN, &body),
        400,
        &wrong_type("boolean", "active", "$.user_type[0].active"),
    );
    assert_eq!(snapshot(&server), before);
}

#[test]
fn body_shape_errors_are_top_level_and_write_nothing() {
    let server = start();
    let before = snapshot(&server);
    let six = format!(
        r#"{{"user_type":[{}]}}"#,
        [r#"{"name":"Gold"}"#; 6].join(",")
    );
    let cases: Vec<(String, String)> = vec![
        (
            r#"{"user_type":{}}"#.to_owned(),
            error(
                "INVALID_DATA",
                r#"{"expected_data_type":"jsonarray"}"#,
                "body",
            ),
        ),
        (
            "[]".to_owned(),
            error(
                "INVALID_DATA",
                r#"{"expected_data_type":"jsonobject"}"#,
                "body",
            ),
        ),
        (
            "{}".to_owned(),
            error(
                "MANDATORY_NOT_FOUND",
                &at("user_type", "$.user_type"),
                "required field not found",
            ),
        ),
        (
            String::new(),
            error(
                "MANDATORY_NOT_FOUND",
                &at("user_type", "$.user_type"),
                "required field not found",
            ),
        ),
        (
            r#"{"user_type":[]}"#.to_owned(),
            error(
                "MANDATORY_NOT_FOUND",
                &at("user_type", "$.user_type"),
                "required field not found",
            ),
        ),
        (
            six,
            error(
                "INVALID_DATA",
                r#"{"api_name":"user_type","json_path":"$.user_type","maximum_length":5}"#,
                "Invalid data",
            ),
        ),
        (
            r#"{"user_type":[{"name":"Gold"}"#.to_owned(),
            error("JSON_PARSE_ERROR", "{}", "body"),
        ),
        (
            r#"{"user_type":["Gold"]}"#.to_owned(),
            wrong_type("jsonobject", "user_type", "$.user_type[0]"),
        ),
    ];
    assert_each_refused(&server, "POST", USER_TYPES, &cases);
    assert_eq!(snapshot(&server), before, "no error wrote anything");
}

#[test]
fn the_sixth_user_type_of_an_enterprise_org_exceeds_the_licence() {
    // Arrange: the default type and four more make the Enterprise edition's five.
    let server = start();
    for (k, name) in ["Gold", "Silver", "Bronze", "Iron"].iter().enumerate() {
        create_type(
            &server,
            &simple_type(name),
            &format!("130646200000185600{}", 5 + k),
        );
    }
    let before = snapshot(&server);
    // Act
    let reply = server.post(USER_TYPES, ADMIN, &simple_type("Copper"));
    // Assert
    assert_reply(
        &reply,
        400,
        &wrapped("LICENSE_LIMIT_EXCEEDED", "{}", "License limit exceeded."),
    );
    assert_eq!(snapshot(&server), before, "nothing written");
    // Deleting one frees a licence; the refused create used no id.
    assert_reply(
        &delete(&server, &format!("{USER_TYPES}/{FIRST_ID}"), ADMIN),
        200,
        &deleted(FIRST_ID),
    );
    create_type(&server, &simple_type("Copper"), "1306462000001856009");
}

#[test]
fn the_user_type_limit_follows_the_edition_and_counts_the_default_type() {
    for (edition, trial, limit) in [
        ("Free", false, 1),
        ("Standard", false, 2),
        ("Professional", false, 3),
        ("Professional", true, 5),
        ("Ultimate", false, 10),
    ] {
        // Arrange: zylker on another edition.
        let set = FixtureSet::embedded().unwrap();
        let mut zylker = set.org("zylker").unwrap().clone();
        zylker.org.edition = edition.into();
        zylker.org.trial = trial;
        let server = start_with_fixtures(
            set.with_org("zylker", zylker),
            Clock::real(),
            Config::default(),
        );
        // Act: fill the licence, then one more.
        for k in 1..limit {
            create_type(
                &server,
                &simple_type(&format!("Type {k}")),
                &format!("{}", 1306462000001856004_u64 + k),
            );
        }
        let reply = server.post(USER_TYPES, ADMIN, &simple_type("One Too Many"));
        // Assert
        assert_reply(
            &reply,
            400,
            &wrapped("LICENSE_LIMIT_EXCEEDED", "{}", "License limit exceeded."),
        );
        assert_eq!(
            listed_ids(&server).len(),
            limit as usize,
            "{edition} (trial: {trial})"
        );
    }
}

#[test]
fn a_batch_answers_one_result_per_item_and_207_when_mixed() {
    let server = start();
    // Both valid: 200, two ids.
    let two = batch(&[simple_item("Gold"), simple_item("Silver")]);
    let reply = server.post(USER_TYPES, ADMIN, &two);
    assert_reply(
        &reply,
        200,
        &format!(
            r#"{{"user_type":[{},{}]}}"#,
            success(FIRST_ID, "user type created successfully."),
            success(SECOND_ID, "user type created successfully.")
        ),
    );
    // One valid, one with a bad name, one repeating the first one's name: 207.
    let mixed = batch(&[
        simple_item("Bronze"),
        simple_item("Bad!"),
        simple_item("bronze"),
    ]);
    let reply = server.post(USER_TYPES, ADMIN, &mixed);
    assert_reply(
        &reply,
        207,
        &format!(
            r#"{{"user_type":[{},{},{}]}}"#,
            success("1306462000001856007", "user type created successfully."),
            error(
                "INVALID_DATA",
                r#"{"regex":"^[A-Za-z0-9 ]+$","api_name":"name","json_path":"$.user_type[1].name"}"#,
                "invalid data"
            ),
            error(
                "DUPLICATE_DATA",
                &at("name", "$.user_type[2].name"),
                "duplicate data"
            ),
        ),
    );
    assert_eq!(
        listed_ids(&server),
        [DEFAULT_TYPE, FIRST_ID, SECOND_ID, "1306462000001856007"]
    );
}

#[test]
fn a_top_level_error_in_any_item_refuses_the_whole_batch() {
    let server = start();
    let before = snapshot(&server);
    let bad = contacts_item(
        "Silver",
        &[
            r#"{"id":"1306462000000000129","shared_type":"private","permissions":{"view":true},"fields":[{"id":"1306462000000060002"}]}"#,
            NOTES_VIEW,
        ],
    );
    let body = batch(&[simple_item("Gold"), bad]);
    assert_reply(
        &server.post(USER_TYPES, ADMIN, &body),
        400,
        READ_ONLY_MISSING,
    );
    assert_eq!(snapshot(&server), before, "the valid item was not kept");
    create_type(&server, &simple_type("Gold"), FIRST_ID);
}

// ---------------------------------------------------------------------------------------------
// UT4: update
// ---------------------------------------------------------------------------------------------

#[test]
fn the_kaizen_73_update_merges_permissions_into_the_configured_module() {
    // Arrange
    let server = start_fixed();
    assert_reply(
        &server.post(USER_TYPES, ADMIN, K73_CREATE_BODY),
        200,
        &compact(K73_CREATED),
    );
    // Act
    let reply = server.put(&format!("{USER_TYPES}/{FIRST_ID}"), ADMIN, K73_UPDATE_BODY);
    // Assert: the sample response; view kept, edit and create added, the rest unchanged.
    assert_reply(&reply, 200, &compact(K73_UPDATED));
    let merged = r#"{"view":true,"edit":true,"edit_shared_records":false,"create":true,"delete":false,"delete_attachment":false,"create_attachment":false}"#;
    assert_reply(
        &server.get(&format!("{TYPES_V8}/{FIRST_ID}"), ADMIN),
        200,
        &format!(r#"{{"user_type":[{}]}}"#, k73_customer_v8(merged)),
    );
}

#[test]
fn renaming_shows_the_new_name_modified_time_and_modified_by() {
    // Arrange
    let server = start_fixed();
    // Act: the default type is renamed.
    let reply = server.put(
        &format!("{USER_TYPES}/{DEFAULT_TYPE}"),
        ADMIN,
        r#"{"user_type":[{"name":"Premium Clients","active":false}]}"#,
    );
    // Assert: name, active, modified_time and modified_by change; created_* do not.
    assert_reply(&reply, 200, &updated(DEFAULT_TYPE));
    assert_reply(
        &server.get(USER_TYPES, ADMIN),
        200,
        &format!(
            r#"{{"user_type":[{{"created_time":"2023-02-08T11:56:16+05:30","default":true,"modified_time":"{NOW}","personality_module":{{"plural_label":"Contacts","api_name":"Contacts","id":"1306462000000000129"}},"name":"Premium Clients","modified_by":{{"name":"Patricia Boyle","id":"1306462000083528405"}},"active":false,"id":"1306462000001813022","created_by":{{"name":"Patricia Boyle","id":"1306462000083528405"}},"no_of_users":1}}]}}"#
        ),
    );
    // Its own name in another case is no duplicate.
    let reply = server.put(
        &format!("{USER_TYPES}/{DEFAULT_TYPE}"),
        ADMIN,
        r#"{"user_type":[{"name":"PREMIUM CLIENTS"}]}"#,
    );
    assert_reply(&reply, 200, &updated(DEFAULT_TYPE));
    assert_eq!(
        server.get(USER_TYPES, ADMIN).json()["user_type"][0]["name"],
        "PREMIUM CLIENTS"
    );
}

#[test]
fn an_update_may_add_a_module_and_keeps_the_modules_it_does_not_name() {
    let server = start();
    let reply = server.put(
        &format!("{USER_TYPES}/{DEFAULT_TYPE}"),
        ADMIN,
        r#"{"user_type":[{"modules":[{"id":"1306462000000000135","shared_type":"public"}]}]}"#,
    );
    assert_reply(&reply, 200, &updated(DEFAULT_TYPE));
    let body = server
        .get(&format!("{USER_TYPES}/{DEFAULT_TYPE}"), ADMIN)
        .json();
    let modules = body["user_type"][0]["modules"].as_array().unwrap();
    let names: Vec<&str> = modules
        .iter()
        .map(|m| m["api_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Contacts", "Notes", "Products"]);
    assert_eq!(modules[2]["permissions"].to_string(), r#"{"view":true}"#);
    // The Contacts configuration is untouched (layouts, view, fields).
    let untouched: serde_json::Value = serde_json::from_str(DEFAULT_TYPE_WITH_MODULES).unwrap();
    assert_eq!(modules[0], untouched["modules"][0]);
}

#[test]
fn update_rules_are_the_documented_errors_and_change_nothing() {
    // Arrange: a second type, whose name the default type cannot take.
    let server = start();
    create_type(&server, &simple_type("Gold"), FIRST_ID);
    let before = snapshot(&server);
    let path = format!("{USER_TYPES}/{DEFAULT_TYPE}");
    let cases = [
        (
            r#"{"user_type":[{"name":"GOLD"}]}"#.to_owned(),
            wrapped(
                "DUPLICATE_DATA",
                &at("name", "$.user_type[0].name"),
                "duplicate data",
            ),
        ),
        (
            r#"{"user_type":[{"name":"Gold*"}]}"#.to_owned(),
            wrapped(
                "INVALID_DATA",
                r#"{"regex":"^[A-Za-z0-9 ]+$","api_name":"name","json_path":"$.user_type[0].name"}"#,
                "invalid data",
            ),
        ),
        (
            r#"{"user_type":[{"active":1}]}"#.to_owned(),
            wrong_type("boolean", "active", "$.user_type[0].active"),
        ),
        (
            r#"{"user_type":[{"personality_module":{"api_name":"Customer"}}]}"#.to_owned(),
            wrapped(
                "NOT_ALLOWED",
                &at("personality_module", "$.user_type[0].personality_module"),
                "Personality module of a user type cannot be changed.",
            ),
        ),
        (
            r#"{"user_type":[{"modules":[{"id":"1306462000000000137","shared_type":"private","permissions":{"view":true}}]}]}"#.to_owned(),
            invalid_at("id", "$.user_type[0].modules[0].id"),
        ),
        (
            r#"{"user_type":[{"modules":[{"id":"1306462000000000129","permissions":{"view":"no"}}]}]}"#.to_owned(),
            wrong_type(
                "boolean",
                "view",
                "$.user_type[0].modules[0].permissions.view",
            ),
        ),
        (
            r#"{"user_type":[{"modules":[{"id":"1306462000000000129","fields":[{"id":"1306462000000060001","read_only":true}]}]}]}"#.to_owned(),
            wrapped(
                "NOT_ALLOWED",
                &at("read_only", "$.user_type[0].modules[0].fields[0].read_only"),
                "Mandatory field cannot be read only.",
            ),
        ),
        (
            r#"{"user_type":[{"modules":[{"id":"1306462000000000129","fields":[{"id":"1306462000000060002"}]}]}]}"#.to_owned(),
            READ_ONLY_MISSING.to_owned(),
        ),
        (
            r#"{"user_type":[{"modules":{}}]}"#.to_owned(),
            wrong_type("jsonarray", "modules", "$.user_type[0].modules"),
        ),
        (
            r#"{"user_type":{}}"#.to_owned(),
            error(
                "INVALID_DATA",
                r#"{"expected_data_type":"jsonarray"}"#,
                "body",
            ),
        ),
        (
            r#"{"user_type":[{"name":"x"}"#.to_owned(),
            error("JSON_PARSE_ERROR", "{}", "body"),
        ),
    ];
    assert_each_refused(&server, "PUT", &path, &cases);
    assert_eq!(snapshot(&server), before, "no error wrote anything");
    // The same personality module may be repeated.
    let reply = server.put(
        &path,
        ADMIN,
        r#"{"user_type":[{"personality_module":{"api_name":"Contacts"}}]}"#,
    );
    assert_reply(&reply, 200, &updated(DEFAULT_TYPE));
}

#[test]
fn updating_an_unknown_id_is_invalid_data_with_the_id() {
    let server = start();
    let before = snapshot(&server);
    let reply = server.put(
        &format!("{USER_TYPES}/{UNKNOWN_ID}"),
        ADMIN,
        r#"{"user_type":[{"name":"Gold"}]}"#,
    );
    assert_reply(
        &reply,
        400,
        &error(
            "INVALID_DATA",
            &format!(r#"{{"id":"{UNKNOWN_ID}"}}"#),
            "invalid data",
        ),
    );
    assert_eq!(snapshot(&server), before);
}

// ---------------------------------------------------------------------------------------------
// UT5: delete
// ---------------------------------------------------------------------------------------------

#[test]
fn deleting_answers_the_kaizen_73_sample_with_a_numeric_id_and_the_type_is_gone() {
    // Arrange
    let server = start();
    assert_reply(
        &server.post(USER_TYPES, ADMIN, K73_CREATE_BODY),
        200,
        &compact(K73_CREATED),
    );
    // Act
    let reply = delete(&server, &format!("{USER_TYPES}/{FIRST_ID}"), ADMIN);
    // Assert
    assert_reply(&reply, 200, &compact(K73_DELETED));
    assert_no_content(&server.get(&format!("{USER_TYPES}/{FIRST_ID}"), ADMIN));
    assert_reply(
        &server.get(USER_TYPES, ADMIN),
        200,
        &compact(K72_GET_USER_TYPES),
    );
    // The name is free again.
    create_type(&server, K73_CREATE_BODY, SECOND_ID);
}

#[test]
fn the_default_user_type_cannot_be_deleted() {
    let server = start();
    let before = snapshot(&server);
    let reply = delete(&server, &format!("{USER_TYPES}/{DEFAULT_TYPE}"), ADMIN);
    assert_reply(
        &reply,
        400,
        &error(
            "NOT_ALLOWED",
            &format!(r#"{{"id":"{DEFAULT_TYPE}"}}"#),
            "Default user type cannot be deleted.",
        ),
    );
    // Not even with somewhere to move its users.
    create_type(&server, &simple_type("Gold"), FIRST_ID);
    let reply = delete(
        &server,
        &format!("{USER_TYPES}/{DEFAULT_TYPE}?transfer_To={FIRST_ID}"),
        ADMIN,
    );
    assert_reply(
        &reply,
        400,
        &error(
            "NOT_ALLOWED",
            &format!(r#"{{"id":"{DEFAULT_TYPE}"}}"#),
            "Default user type cannot be deleted.",
        ),
    );
    assert_eq!(no_of_users(&server, DEFAULT_TYPE), 1);
    assert_reply(
        &delete(&server, &format!("{USER_TYPES}/{FIRST_ID}"), ADMIN),
        200,
        &deleted(FIRST_ID),
    );
    assert_eq!(snapshot(&server), before);
}

#[test]
fn deleting_an_unknown_id_is_invalid_data_with_the_id() {
    let server = start();
    let before = snapshot(&server);
    for id in [UNKNOWN_ID, "abc"] {
        let reply = delete(&server, &format!("{USER_TYPES}/{id}"), ADMIN);
        assert_reply(
            &reply,
            400,
            &error(
                "INVALID_DATA",
                &format!(r#"{{"id":"{id}"}}"#),
                "invalid data",
            ),
        );
    }
    assert_eq!(snapshot(&server), before);
}

#[test]
fn a_type_with_users_needs_transfer_to_and_its_users_move_there_on_delete() {
    // Arrange: type A, and Jennifer moved into it (U3).
    let server = start();
    create_type(&server, &simple_type("Gold"), FIRST_ID);
    let reply = server.call(
        "POST",
        &format!(
            "{USER_TYPES}/{DEFAULT_TYPE}/users/action/transfer?transfer_To={FIRST_ID}&personality_ids={JENNIFER}"
        ),
        Some(ADMIN),
        None,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(no_of_users(&server, FIRST_ID), 1);
    assert_eq!(no_of_users(&server, DEFAULT_TYPE), 0);
    let before = snapshot(&server);
    // Act / Assert: refused without transfer_To, or with a bad one.
    let reply = delete(&server, &format!("{USER_TYPES}/{FIRST_ID}"), ADMIN);
    assert_reply(
        &reply,
        400,
        &error(
            "INVALID_DATA",
            r#"{"param_name":"transfer_To"}"#,
            "Deletion of portal user type is not allowed, as user type contains users, which need to be transferred to other user type",
        ),
    );
    let bad_target = error(
        "INVALID_DATA",
        r#"{"param_name":"transfer_To"}"#,
        "invalid data",
    );
    for target in [UNKNOWN_ID, FIRST_ID, "abc", ""] {
        let reply = delete(
            &server,
            &format!("{USER_TYPES}/{FIRST_ID}?transfer_To={target}"),
            ADMIN,
        );
        assert_reply(&reply, 400, &bad_target);
    }
    assert_eq!(snapshot(&server), before, "no refusal changed anything");
    // With the default type as target, Jennifer moves back and A is deleted.
    let reply = delete(
        &server,
        &format!("{USER_TYPES}/{FIRST_ID}?transfer_To={DEFAULT_TYPE}"),
        ADMIN,
    );
    assert_reply(&reply, 200, &deleted(FIRST_ID));
    assert_reply(
        &server.get(USER_TYPES, ADMIN),
        200,
        &compact(K72_GET_USER_TYPES),
    );
}

#[test]

fn delete_refuses_a_transfer_to_type_of_another_personality_module() {
    // Arrange: a Contacts type holding Jennifer, and a Customer type.
    let server = start();
    create_type(&server, &simple_type("Gold"), FIRST_ID);
    let customers = r#"{"user_type":[{"name":"Customers","personality_module":{"api_name":"Customer"},"modules":[{"id":"1306462000000000125","shared_type":"private","permissions":{"view":true}},{"id":"1306462000000000147","shared_type":"private","permissions":{"view":true}}]}]}"#;
    create_type(&server, customers, SECOND_ID);
    let reply = server.call(
        "POST",
        &format!(
            "{USER_TYPES}/{DEFAULT_TYPE}/users/action/transfer?transfer_To={FIRST_ID}&personality_ids={JENNIFER}"
        ),
        Some(ADMIN),
        None,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let before = snapshot(&server);
    // Act: a Contacts record cannot become a user of a Customer type.
    let reply = delete(
        &server,
        &format!("{USER_TYPES}/{FIRST_ID}?transfer_To={SECOND_ID}"),
        ADMIN,
    );
    // Assert: the transfer target is refused as U3 refuses it, and nothing moves.
    assert_reply(
        &reply,
        400,
        &error(
            "INVALID_DATA",
            r#"{"param_name":"transfer_To"}"#,
            "invalid data",
        ),
    );
    assert_eq!(snapshot(&server), before);
    assert_eq!(no_of_users(&server, FIRST_ID), 1);
    assert_eq!(no_of_users(&server, SECOND_ID), 0);
}

#[test]
fn a_type_without_users_is_deleted_with_or_without_a_valid_transfer_to() {
    let server = start();
    create_type(&server, &simple_type("Gold"), FIRST_ID);
    create_type(&server, &simple_type("Silver"), SECOND_ID);
    let reply = delete(
        &server,
        &format!("{USER_TYPES}/{FIRST_ID}?transfer_To={SECOND_ID}"),
        ADMIN,
    );
    assert_reply(&reply, 200, &deleted(FIRST_ID));
    let reply = delete(&server, &format!("{TYPES_V8}/{SECOND_ID}"), ADMIN);
    assert_reply(&reply, 200, &deleted(SECOND_ID));
    assert_eq!(listed_ids(&server), [DEFAULT_TYPE]);
    assert_eq!(no_of_users(&server, DEFAULT_TYPE), 1);
}

// ---------------------------------------------------------------------------------------------
// Scopes and permissions
// ---------------------------------------------------------------------------------------------

#[test]
fn the_read_only_token_reads_user_types_but_may_not_change_them() {
    let server = start();
    create_type(&server, &simple_type("Gold"), FIRST_ID);
    let before = snapshot(&server);
    assert_eq!(server.get(USER_TYPES, READONLY).status, 200);
    assert_eq!(
        server
            .get(&format!("{USER_TYPES}/{FIRST_ID}"), READONLY)
            .status,
        200
    );
    let changes = [
        ("POST", USER_TYPES.to_owned(), Some(simple_type("Silver"))),
        (
            "PUT",
            format!("{USER_TYPES}/{FIRST_ID}"),
            Some(r#"{"user_type":[{"name":"Silver"}]}"#.to_owned()),
        ),
        ("DELETE", format!("{USER_TYPES}/{FIRST_ID}"), None),
    ];
    for (method, path, body) in &changes {
        let reply = server.call(method, path, Some(READONLY), body.as_deref());
        assert_reply(&reply, 401, SCOPE_MISMATCH);
    }
    assert_eq!(snapshot(&server), before);
}

#[test]
fn a_profile_without_manage_portal_gets_no_permission_on_every_user_type_endpoint() {
    let server = start();
    create_type(&server, &simple_type("Gold"), FIRST_ID);
    let before = snapshot(&server);
    let calls = [
        ("GET", USER_TYPES.to_owned(), None),
        ("GET", format!("{USER_TYPES}/{FIRST_ID}"), None),
        ("POST", USER_TYPES.to_owned(), Some(simple_type("Silver"))),
        (
            "PUT",
            format!("{USER_TYPES}/{FIRST_ID}"),
            Some(r#"{"user_type":[{"name":"Silver"}]}"#.to_owned()),
        ),
        ("DELETE", format!("{USER_TYPES}/{FIRST_ID}"), None),
    ];
    for (method, path, body) in &calls {
        let reply = server.call(method, path, Some(NOPERM), body.as_deref());
        assert_reply(&reply, 403, NO_PERMISSION);
    }
    assert_eq!(snapshot(&server), before);
}

#[test]
fn filters_must_be_lookups_to_the_personality_and_modules_and_names_must_agree() {
    let server = start();
    let path = "/crm/v4/settings/portals/ZylkerAutos/user_type";
    let body = |deals: &str, personality: &str| {
        format!(
            r#"{{"user_type":[{{"name":"Dealers","personality_module":{personality},"modules":[{{"id":"1306462000000000129","shared_type":"private","permissions":{{"view":true}}}},{{"id":"1306462000000000147","shared_type":"private","permissions":{{"view":true}}}},{deals}]}}]}}"#
        )
    };
    // Deals' Stage is on the layout, but it is not a lookup to Contacts: not a filter.
    let stage = server.post(
        path,
        ADMIN,
        &body(
            r#"{"id":"1306462000000000133","shared_type":"private","permissions":{"view":true},"layouts":[{"id":"1306462000000091059"}],"filters":[{"id":"1306462000000064002"}]}"#,
            r#"{"api_name":"Contacts"}"#,
        ),
    );
    assert_eq!(
        stage.body,
        r#"{"user_type":[{"code":"INVALID_DATA","details":{"api_name":"id","json_path":"$.user_type[0].modules[2].filters[0].id"},"message":"invalid data","status":"error"}]}"#
    );
    // Contact_Name is the lookup to Contacts: accepted.
    let contact = server.post(
        path,
        ADMIN,
        &body(
            r#"{"id":"1306462000000000133","shared_type":"private","permissions":{"view":true},"layouts":[{"id":"1306462000000091059"}],"filters":[{"id":"1306462000000064004"}]}"#,
            r#"{"api_name":"Contacts"}"#,
        ),
    );
    assert_eq!(contact.status, 200, "{}", contact.body);
    let id = contact.json()["user_type"][0]["details"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // An id and an api_name that name different modules are refused.
    let conflicting = server.post(
        path,
        ADMIN,
        &body(
            r#"{"id":"1306462000000000135","shared_type":"public"}"#,
            r#"{"api_name":"Leads","id":"1306462000000000129"}"#,
        )
        .replace("Dealers", "Others"),
    );
    assert_eq!(conflicting.json()["user_type"][0]["code"], "INVALID_DATA");
    assert_eq!(
        conflicting.json()["user_type"][0]["details"]["api_name"],
        "personality_module"
    );
    // The same module twice in one update is DUPLICATE_DATA, and nothing changes.
    let before = server.get(&format!("{path}/{id}"), ADMIN).body;
    let twice = server.put(
        &format!("{path}/{id}"),
        ADMIN,
        r#"{"user_type":[{"modules":[{"id":"1306462000000000133","permissions":{"edit":true}},{"id":"1306462000000000133","permissions":{"create":true}}]}]}"#,
    );
    assert_eq!(
        twice.body,
        r#"{"user_type":[{"code":"DUPLICATE_DATA","details":{"api_name":"id","json_path":"$.user_type[0].modules[1].id"},"message":"duplicate data","status":"error"}]}"#
    );
    assert_eq!(server.get(&format!("{path}/{id}"), ADMIN).body, before);
}
