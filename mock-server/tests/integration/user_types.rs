//! UT1–UT5 over real HTTP, for what scenarios (fixtures/scenarios/user_types/) cannot express:
//! the licence limit of every edition (fixtures built in Rust), and the fixture's read-only and
//! no-permission tokens on the same org as the admin's (a scenario's org has only its own token).

use portals_mock::{Clock, Config, FixtureSet};

use crate::common::{
    ADMIN, FIRST_ID, NOPERM, READONLY, TestServer, USER_TYPES, assert_reply, start,
    start_with_fixtures,
};

const SCOPE_MISMATCH: &str = r#"{"code":"OAUTH_SCOPE_MISMATCH","details":{},"message":"invalid oauth scope to access this URL","status":"error"}"#;
const NO_PERMISSION: &str = r#"{"code":"NO_PERMISSION","details":{"permissions":["Crm_Implied_Manage_ClientPortal"]},"message":"No permission","status":"error"}"#;

/// A body with the smallest valid user type on Contacts (Contacts and Notes, view only).
fn simple_type(name: &str) -> String {
    format!(
        r#"{{"user_type":[{{"name":"{name}","personality_module":{{"api_name":"Contacts"}},"modules":[{{"id":"1306462000000000129","shared_type":"private","permissions":{{"view":true}}}},{{"id":"1306462000000000147","shared_type":"private","permissions":{{"view":true}}}}]}}]}}"#
    )
}

/// Creates a user type with the v4 API, asserting it got `expected_id`.
fn create_type(server: &TestServer, body: &str, expected_id: &str) {
    assert_reply(
        &server.post(USER_TYPES, ADMIN, body),
        200,
        &format!(
            r#"{{"user_type":[{{"code":"SUCCESS","details":{{"id":"{expected_id}"}},"message":"user type created successfully.","status":"success"}}]}}"#
        ),
    );
}

/// Everything the API shows about the org's user types (v8, with modules and both counts).
fn snapshot(server: &TestServer) -> String {
    let reply = server.get(
        "/crm/v8/settings/portals/ZylkerAutos/user_type?include=modules",
        ADMIN,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body
}

#[test]
fn the_user_type_limit_follows_the_edition_and_counts_the_default_type() {
    for (edition, trial, limit) in [
        ("Free", false, 1),
        ("Standard", false, 2),
        ("Professional", false, 3),
        ("Professional", true, 5),
        ("Ultimate", false, 5),
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
            r#"{"user_type":[{"code":"LICENSE_LIMIT_EXCEEDED","details":{},"message":"License limit exceeded.","status":"error"}]}"#,
        );
        let listed = server.get(USER_TYPES, ADMIN).json()["user_type"]
            .as_array()
            .unwrap()
            .len();
        assert_eq!(listed, limit as usize, "{edition} (trial: {trial})");
    }
}

/// The calls that change user types: create one, rename and delete the first (`FIRST_ID`).
fn type_writes() -> Vec<(&'static str, String, Option<String>)> {
    vec![
        ("POST", USER_TYPES.to_owned(), Some(simple_type("Silver"))),
        (
            "PUT",
            format!("{USER_TYPES}/{FIRST_ID}"),
            Some(r#"{"user_type":[{"name":"Silver"}]}"#.to_owned()),
        ),
        ("DELETE", format!("{USER_TYPES}/{FIRST_ID}"), None),
    ]
}

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
    for (method, path, body) in &type_writes() {
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
    let mut calls = vec![
        ("GET", USER_TYPES.to_owned(), None),
        ("GET", format!("{USER_TYPES}/{FIRST_ID}"), None),
    ];
    calls.extend(type_writes());
    for (method, path, body) in &calls {
        let reply = server.call(method, path, Some(NOPERM), body.as_deref());
        assert_reply(&reply, 403, NO_PERMISSION);
    }
    assert_eq!(snapshot(&server), before);
}
