//! U1–U5 over real HTTP, for what scenarios (fixtures/scenarios/users/) cannot express: portal
//! users built in Rust (status reasons, a record in the recycle bin), and the fixture's read-only
//! and no-permission tokens on the same org as the admin's.

use portals_mock::fixtures::PortalUserFixture;
use portals_mock::{Clock, Config, FixtureSet};

use crate::common::{
    ADMIN, ASHA, BEN, DEFAULT_TYPE, IN_RECYCLE_BIN, JENNIFER, NOPERM, RAVI, READONLY, Reply,
    TestServer, USERS, assert_reply, compact, start, start_with_fixtures,
};

/// The Kaizen #72 "Get Users" sample response, as printed in the post.
const K72_GET_USERS: &str = r#"{
    "users": [
        {
            "personality_id": "1306462000000659009",
            "confirm": true,
            "status_reason__s": null,
            "invited_time": "2023-02-08T18:03:10+05:30",
            "module": "Contacts",
            "name": "Jennifer Spears",
            "active": true,
            "email": "jennifer.spears@abc.com"
        }
    ],
    "info": {
        "per_page": 200,
        "total_count": 1,
        "count": 1,
        "page": 1,
        "more_records": false
    }
}"#;

const SCOPE_MISMATCH: &str = r#"{"code":"OAUTH_SCOPE_MISMATCH","details":{},"message":"invalid oauth scope to access this URL","status":"error"}"#;
const NO_PERMISSION: &str = r#"{"code":"NO_PERMISSION","details":{"permissions":["Crm_Implied_Manage_ClientPortal_Users"]},"message":"NO_PERMISSION","status":"error"}"#;

/// A top-level error body.
fn error(code: &str, details: &str, message: &str) -> String {
    format!(r#"{{"code":"{code}","details":{details},"message":"{message}","status":"error"}}"#)
}

/// The personality ids a listing shows, in order (none for a 204).
fn listed(server: &TestServer, path: &str) -> Vec<String> {
    let reply = server.get(path, ADMIN);
    if reply.status == 204 {
        return Vec::new();
    }
    assert_eq!(reply.status, 200, "{path}: {}", reply.body);
    reply.json()["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["personality_id"].as_str().unwrap().to_owned())
        .collect()
}

#[track_caller]
fn assert_no_content(reply: &Reply) {
    assert_eq!(reply.status, 204, "{}", reply.body);
    assert_eq!(reply.body, "");
    assert_eq!(reply.content_type, None);
}

/// `PUT …/users/{id}/actions/change_status?active=…` on the default type.
fn change_status(server: &TestServer, record: &str, query: &str) -> Reply {
    server.call(
        "PUT",
        &format!("{USERS}/{record}/actions/change_status{query}"),
        Some(ADMIN),
        None,
    )
}

fn at_index(code: &str, message: &str) -> String {
    error(code, r#"{"resource_path_index":"6"}"#, message)
}

// ---------------------------------------------------------------------------------------------
// U1: listing
// ---------------------------------------------------------------------------------------------

/// zylker with Ravi and Asha deactivated for given reasons, and Ben without a reason.
fn fixtures_with_status_reasons() -> FixtureSet {
    let set = FixtureSet::embedded().unwrap();
    let mut zylker = set.org("zylker").unwrap().clone();
    for (id, active, reason) in [
        (RAVI, false, Some("Deactivated by admin")),
        (ASHA, false, Some("Record deleted")),
        (BEN, true, None),
    ] {
        zylker.portal_users.push(PortalUserFixture {
            personality_id: id.into(),
            user_type_id: DEFAULT_TYPE.into(),
            confirm: true,
            active,
            status_reason: reason.map(str::to_owned),
            invited_time: "2023-02-09T10:00:00+05:30".into(),
            language: "en_US".into(),
            invite_expired: false,
            source: "CRM".into(),
            created_time: None,
        });
    }
    set.with_org("zylker", zylker)
}

/// A query string as Python's `requests` encodes it (`+` for spaces).
fn form(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

#[test]
fn filters_on_status_reason_select_equal_and_not_equal_values() {
    // Arrange
    let server = start_with_fixtures(
        fixtures_with_status_reasons(),
        Clock::real(),
        Config::default(),
    );
    let criterion = |comparator: &str, value: &str| {
        format!(
            r#"[{{"field": "status_reason__s", "comparator": "{comparator}", "value": "{value}"}}]"#
        )
    };
    // Act
    let equal = form(&[("filters", &criterion("equal", "Deactivated by admin"))]);
    let not_equal = form(&[("filters", &criterion("not_equal", "Deactivated by admin"))]);
    assert!(equal.contains('+'), "spaces travel as '+': {equal}");
    // Assert: equal finds Ravi only (shown byte for byte); not_equal every other user, those
    // without a reason included.
    assert_reply(
        &server.get(&format!("{USERS}?{equal}"), ADMIN),
        200,
        &format!(
            r#"{{"users":[{{"personality_id":"{RAVI}","confirm":true,"status_reason__s":"Deactivated by admin","invited_time":"2023-02-09T10:00:00+05:30","module":"Contacts","name":"Ravi Kumar","active":false,"email":"ravi.kumar@example.com"}}],"info":{{"per_page":200,"total_count":1,"count":1,"page":1,"more_records":false}}}}"#
        ),
    );
    assert_eq!(
        listed(&server, &format!("{USERS}?{not_equal}")),
        [JENNIFER, ASHA, BEN]
    );
    // With a type too, and under the `filter` name of the Kaizen #72 table.
    let deactive_not_equal = form(&[
        ("type", "DeactiveUsers"),
        ("filter", &criterion("not_equal", "Deactivated by admin")),
    ]);
    assert_eq!(
        listed(&server, &format!("{USERS}?{deactive_not_equal}")),
        [ASHA]
    );
    // A single criterion object is accepted as well as a one-item array.
    let object = form(&[(
        "filters",
        r#"{"field":"status_reason__s","comparator":"equal","value":"Record deleted"}"#,
    )]);
    assert_eq!(listed(&server, &format!("{USERS}?{object}")), [ASHA]);
    // Nothing matches: 204.
    let nothing = form(&[("filters", &criterion("equal", "No such reason"))]);
    assert_no_content(&server.get(&format!("{USERS}?{nothing}"), ADMIN));
}

// ---------------------------------------------------------------------------------------------
// Scopes and permissions
// ---------------------------------------------------------------------------------------------

/// Every call that changes a user of the default type (delete, transfer, status, bulk status).
fn user_writes() -> Vec<(&'static str, String, Option<&'static str>)> {
    vec![
        (
            "DELETE",
            format!("{USERS}?personality_ids={JENNIFER}"),
            None,
        ),
        (
            "POST",
            format!(
                "{USERS}/action/transfer?transfer_To={DEFAULT_TYPE}&personality_ids={JENNIFER}"
            ),
            None,
        ),
        (
            "PUT",
            format!("{USERS}/{JENNIFER}/actions/change_status?active=false"),
            None,
        ),
        (
            "PUT",
            format!("{USERS}/actions/change_status"),
            Some(
                r#"{"change_status":[{"users":[{"active":false,"personality_id":"1306462000000659009"}]}]}"#,
            ),
        ),
    ]
}

/// Asserts that each call with `token` answers `status` and `body`, and that the users are
/// still the fixture's.
fn assert_all_refused(
    server: &TestServer,
    token: &str,
    calls: &[(&str, String, Option<&str>)],
    status: u16,
    body: &str,
) {
    for (method, path, request_body) in calls {
        let reply = server.call(method, path, Some(token), *request_body);
        assert_reply(&reply, status, body);
    }
    assert_reply(&server.get(USERS, ADMIN), 200, &compact(K72_GET_USERS));
}

#[test]
fn the_read_only_token_lists_users_but_may_not_change_them() {
    let server = start();
    let token = Some(READONLY);
    assert_reply(
        &server.call("GET", USERS, token, None),
        200,
        &compact(K72_GET_USERS),
    );
    let mut changes = vec![(
        "POST",
        format!(
            "/crm/v4/Contacts/{RAVI}/actions/portal_invite?user_type_id={DEFAULT_TYPE}&type=invite"
        ),
        None,
    )];
    changes.extend(user_writes());
    assert_all_refused(&server, READONLY, &changes, 401, SCOPE_MISMATCH);
}

#[test]
fn a_profile_without_manage_portal_users_gets_no_permission_everywhere() {
    let server = start();
    let mut calls = vec![("GET", USERS.to_owned(), None)];
    calls.extend(user_writes());
    assert_all_refused(&server, NOPERM, &calls, 403, NO_PERMISSION);
}

// ---------------------------------------------------------------------------------------------
// U4: change status
// ---------------------------------------------------------------------------------------------

#[test]
fn a_user_whose_record_is_in_the_recycle_bin_cannot_change_status() {
    // Arrange: a confirmed portal user whose record went to the recycle bin.
    let set = FixtureSet::embedded().unwrap();
    let mut zylker = set.org("zylker").unwrap().clone();
    zylker.portal_users.push(PortalUserFixture {
        personality_id: IN_RECYCLE_BIN.into(),
        user_type_id: DEFAULT_TYPE.into(),
        confirm: true,
        active: true,
        status_reason: None,
        invited_time: "2023-02-09T10:00:00+05:30".into(),
        language: "en_US".into(),
        invite_expired: false,
        source: "CRM".into(),
        created_time: None,
    });
    let server = start_with_fixtures(
        set.with_org("zylker", zylker),
        Clock::real(),
        Config::default(),
    );
    // Act
    let reply = change_status(&server, IN_RECYCLE_BIN, "?active=false");
    // Assert
    assert_reply(
        &reply,
        400,
        &at_index(
            "INVALID_DATA",
            "Activation/Deactivation of portal user whose personality record in recyclebin is not allowed.",
        ),
    );
}

// ---------------------------------------------------------------------------------------------
// U5: bulk change status
// ---------------------------------------------------------------------------------------------

#[test]
fn a_v8_transfer_also_takes_the_create_scope() {
    // Arrange: a token of the org's admin that holds only the CREATE scope.
    let set = FixtureSet::embedded().unwrap();
    let mut zylker = set.org("zylker").unwrap().clone();
    let mut create_only = zylker
        .tokens
        .iter()
        .find(|token| token.token == ADMIN)
        .unwrap()
        .clone();
    create_only.token = "1000.zylker.createonly".into();
    create_only.scopes = vec!["ZohoCRM.settings.clientportal.CREATE".into()];
    zylker.tokens.push(create_only);
    let server = start_with_fixtures(
        set.with_org("zylker", zylker),
        Clock::real(),
        Config::default(),
    );
    // A transfer to the type itself: refused after the scope check, so nothing moves.
    let transfer = |version: &str| {
        format!(
            "/crm/{version}/settings/portals/ZylkerAutos/user_type/{DEFAULT_TYPE}/users/action/transfer?transfer_To={DEFAULT_TYPE}&personality_ids={JENNIFER}"
        )
    };

    // Act
    let v8 = server.post(&transfer("v8"), "1000.zylker.createonly", "");
    let v7 = server.post(&transfer("v7"), "1000.zylker.createonly", "");
    let status_change = server.put(
        &format!("/crm/v8/settings/portals/ZylkerAutos/user_type/{DEFAULT_TYPE}/users/{JENNIFER}/actions/change_status?active=false"),
        "1000.zylker.createonly",
        "",
    );

    // Assert: v8 takes CREATE for transfers ([OAS8-new]); v7 and status changes want UPDATE.
    assert_reply(
        &v8,
        400,
        &error("INVALID_DATA", r#"{"param":"transfer_To"}"#, "invalid data"),
    );
    assert_reply(&v7, 401, SCOPE_MISMATCH);
    assert_reply(&status_change, 401, SCOPE_MISMATCH);
}
