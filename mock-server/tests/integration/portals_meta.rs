//! M1 over real HTTP: the modules a user type of a personality module may be built from, and
//! every error body.

use crate::common::{ADMIN, BLANK, TestServer, assert_reply, compact, start};

const META: &str = "/crm/v8/settings/portals/meta";

/// What M1 answers for Contacts in zylker_crm: the personality module itself, Notes, the public
/// Products, Accounts (looked up by Contacts), and Deals, Services and Vehicles (which look up
/// Contacts, Vehicles through a multi-select lookup), in module id order. Their `filters` are
/// their lookups to Contacts; Campaigns (not available to portals), Leads and Customer (not
/// related) are left out.
const CONTACTS_META: &str = r#"{
  "related_lists": [
    {"module": {"plural_label": "Contacts", "shared_type": "private", "api_name": "Contacts", "id": "1306462000000000129",
      "filters": [],
      "layouts": [{"display_label": "Standard", "name": "Standard", "id": "1306462000000091055"}],
      "views": [
        {"display_label": "All Contacts", "name": "All Contacts", "id": "1306462000000087501", "type": "custom_view"},
        {"display_label": "My Contacts", "name": "My Contacts", "id": "1306462000000087503", "type": "custom_view"},
        {"display_label": "Contact Canvas", "name": "Contact Canvas", "id": "1306462000000087601", "type": "canvas_view"}
      ]}},
    {"module": {"plural_label": "Accounts", "shared_type": "private", "api_name": "Accounts", "id": "1306462000000000131",
      "filters": [],
      "layouts": [{"display_label": "Standard", "name": "Standard", "id": "1306462000000091057"}],
      "views": [{"display_label": "All Accounts", "name": "All Accounts", "id": "1306462000000087701", "type": "custom_view"}]}},
    {"module": {"plural_label": "Deals", "shared_type": "private", "api_name": "Deals", "id": "1306462000000000133",
      "filters": [{"display_label": "Contact Name", "api_name": "Contact_Name", "id": "1306462000000064004"}],
      "layouts": [
        {"display_label": "Standard", "name": "Standard", "id": "1306462000000091059"},
        {"display_label": "Used Cars", "name": "Used Cars", "id": "1306462000000091061"}
      ],
      "views": [
        {"display_label": "All Deals", "name": "All Deals", "id": "1306462000000087801", "type": "custom_view"},
        {"display_label": "Open Deals", "name": "Open Deals", "id": "1306462000000087803", "type": "custom_view"},
        {"display_label": "Deal Canvas", "name": "Deal Canvas", "id": "1306462000000087901", "type": "canvas_view"}
      ]}},
    {"module": {"plural_label": "Products", "shared_type": "public", "api_name": "Products", "id": "1306462000000000135",
      "filters": [],
      "layouts": [{"display_label": "Standard", "name": "Standard", "id": "1306462000000091063"}],
      "views": [{"display_label": "All Products", "name": "All Products", "id": "1306462000000088001", "type": "custom_view"}]}},
    {"module": {"plural_label": "Notes", "shared_type": "private", "api_name": "Notes", "id": "1306462000000000147",
      "filters": [],
      "layouts": [],
      "views": []}},
    {"module": {"plural_label": "Services", "shared_type": "private", "api_name": "Services", "id": "1306462000000000151",
      "filters": [{"display_label": "Contact", "api_name": "Contact", "id": "1306462000000066003"}],
      "layouts": [{"display_label": "Standard", "name": "Standard", "id": "1306462000000095101"}],
      "views": [
        {"display_label": "All Services", "name": "All Services", "id": "1306462000000091701", "type": "custom_view"},
        {"display_label": "Service Canvas", "name": "Service Canvas", "id": "1306462000000091801", "type": "canvas_view"}
      ]}},
    {"module": {"plural_label": "Vehicles", "shared_type": "private", "api_name": "Vehicles", "id": "1306462000000000153",
      "filters": [{"display_label": "Owners", "api_name": "Owners", "id": "1306462000000067003"}],
      "layouts": [{"display_label": "Standard", "name": "Standard", "id": "1306462000000095201"}],
      "views": [{"display_label": "All Vehicles", "name": "All Vehicles", "id": "1306462000000091901", "type": "custom_view"}]}}
  ]
}"#;

const INVALID_MODULE: &str = r#"{"code":"INVALID_MODULE","details":{},"message":"the module name given seems to be invalid","status":"error"}"#;
const MODULE_MISSING: &str = r#"{"code":"REQUIRED_PARAM_MISSING","details":{"param":"module"},"message":"One of the expected parameter is missing","status":"error"}"#;

/// The `api_name`s M1 lists for a personality module, in order.
fn listed_modules(server: &TestServer, module: &str) -> Vec<String> {
    let reply = server.get(&format!("{META}?module={module}"), ADMIN);
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()["related_lists"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["module"]["api_name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn contacts_lists_itself_notes_public_and_related_modules_with_their_lookups_as_filters() {
    let server = start();
    let reply = server.get(&format!("{META}?module=Contacts"), ADMIN);
    assert_reply(&reply, 200, &compact(CONTACTS_META));
}

#[test]
fn every_version_answers_the_same_catalogue() {
    let server = start();
    for version in ["v4", "v5", "v6", "v7", "v8"] {
        let reply = server.get(
            &format!("/crm/{version}/settings/portals/meta?module=Contacts"),
            ADMIN,
        );
        assert_reply(&reply, 200, &compact(CONTACTS_META));
    }
}

#[test]
fn the_catalogue_follows_the_personality_module() {
    let server = start();
    // Customer: Services looks it up; Notes and the public Products always belong.
    assert_eq!(
        listed_modules(&server, "Customer"),
        ["Customer", "Products", "Notes", "Services"]
    );
    // Leads: nothing is related to it.
    assert_eq!(
        listed_modules(&server, "Leads"),
        ["Leads", "Products", "Notes"]
    );
    // Filters are the lookups to *this* personality module.
    let customer = server.get(&format!("{META}?module=Customer"), ADMIN).json();
    let filters = |api_name: &str| {
        customer["related_lists"]
            .as_array()
            .unwrap()
            .iter()
            .find(|item| item["module"]["api_name"] == api_name)
            .map(|item| item["module"]["filters"].to_string())
            .unwrap()
    };
    assert_eq!(
        filters("Services"),
        r#"[{"display_label":"Customer","api_name":"Customer","id":"1306462000000066004"}]"#
    );
    assert_eq!(filters("Notes"), "[]");
}

#[test]
fn every_listed_module_can_go_into_one_user_type_and_an_unlisted_one_cannot() {
    // Arrange: a user type on Contacts with every module the catalogue lists.
    let server = start();
    let listed = server.get(&format!("{META}?module=Contacts"), ADMIN).json();
    let items: Vec<String> = listed["related_lists"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            let module = &item["module"];
            format!(
                r#"{{"id":"{}","shared_type":{},"permissions":{{"view":true}}}}"#,
                module["id"].as_str().unwrap(),
                module["shared_type"]
            )
        })
        .collect();
    let body = |items: &[String]| {
        format!(
            r#"{{"user_type":[{{"name":"Everything","personality_module":{{"api_name":"Contacts"}},"modules":[{}]}}]}}"#,
            items.join(",")
        )
    };
    // Act / Assert: Customer (not listed) is refused at its position; the listed ones are taken.
    let mut with_customer = items.clone();
    with_customer.push(
        r#"{"id":"1306462000000000125","shared_type":"private","permissions":{"view":true}}"#
            .to_owned(),
    );
    let reply = server.post(
        "/crm/v4/settings/portals/ZylkerAutos/user_type",
        ADMIN,
        &body(&with_customer),
    );
    assert_reply(
        &reply,
        400,
        r#"{"user_type":[{"code":"INVALID_DATA","details":{"api_name":"id","json_path":"$.user_type[0].modules[7].id"},"message":"invalid data","status":"error"}]}"#,
    );
    let reply = server.post(
        "/crm/v4/settings/portals/ZylkerAutos/user_type",
        ADMIN,
        &body(&items),
    );
    assert_reply(
        &reply,
        200,
        r#"{"user_type":[{"code":"SUCCESS","details":{"id":"1306462000001856005"},"message":"user type created successfully.","status":"success"}]}"#,
    );
}

#[test]
fn an_org_without_a_portal_gets_the_same_catalogue() {
    let server = start();
    let reply = server.get(&format!("{META}?module=Contacts"), BLANK);
    assert_reply(&reply, 200, &compact(CONTACTS_META));
}

#[test]
fn a_missing_or_empty_module_parameter_is_required_param_missing() {
    let server = start();
    for path in [
        META.to_owned(),
        format!("{META}?module="),
        format!("{META}?Module=Contacts"),
    ] {
        assert_reply(&server.get(&path, ADMIN), 400, MODULE_MISSING);
    }
}

#[test]
fn a_module_that_cannot_be_a_personality_is_invalid_module() {
    let server = start();
    for module in ["Deals", "Notes", "Campaigns", "Products", "NoSuchModule"] {
        let reply = server.get(&format!("{META}?module={module}"), ADMIN);
        assert_reply(&reply, 400, INVALID_MODULE);
    }
}

#[test]
fn other_methods_are_invalid_request_method() {
    let server = start();
    for method in ["POST", "PUT", "DELETE"] {
        let reply = server.call(
            method,
            &format!("{META}?module=Contacts"),
            Some(ADMIN),
            Some("{}"),
        );
        assert_reply(
            &reply,
            400,
            r#"{"code":"INVALID_REQUEST_METHOD","details":{},"message":"The http request method type is not a valid one","status":"error"}"#,
        );
    }
}

#[test]
fn the_read_scope_suffices_and_manage_portal_is_required() {
    let server = start();
    let reply = server.get(&format!("{META}?module=Contacts"), "1000.zylker.readonly");
    assert_reply(&reply, 200, &compact(CONTACTS_META));
    let reply = server.get(&format!("{META}?module=Contacts"), "1000.zylker.noperm");
    assert_reply(
        &reply,
        403,
        r#"{"code":"NO_PERMISSION","details":{"permissions":["Crm_Implied_Manage_ClientPortal"]},"message":"No permission","status":"error"}"#,
    );
}
