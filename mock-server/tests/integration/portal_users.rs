//! U1–U5 over real HTTP: listing with every `type`, filters and paging; deleting, transferring
//! and (bulk) changing the status of users; scopes and permissions; every error body.

use portals_mock::fixtures::PortalUserFixture;
use portals_mock::{Clock, Config, FixtureSet};

use crate::common::{
    ADMIN, ASHA, BEN, BLANK, DEFAULT_TYPE, FIRST_ID, IN_RECYCLE_BIN, JENNIFER, NOPERM, NOW, RAVI,
    READONLY, Reply, SECOND_ID, TestServer, UNKNOWN_ID, USER_TYPES, USERS, assert_reply, compact,
    fixed_clock, start, start_with, start_with_fixtures,
};

const MARK: &str = "1306462000000665004";
const CHLOE: &str = "1306462000000670013";

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

/// A second user type on Contacts (Kaizen #73 style).
const EMPLOYEES_TYPE: &str = r#"{"user_type":[{"name":"Employees","personality_module":{"api_name":"Contacts"},"modules":[{"id":"1306462000000000129","shared_type":"private","permissions":{"view":true}},{"id":"1306462000000000147","shared_type":"private","permissions":{"view":true}}]}]}"#;
/// A user type on the custom personality module Customer.
const CUSTOMER_TYPE: &str = r#"{"user_type":[{"name":"Customers","personality_module":{"api_name":"Customer"},"modules":[{"id":"1306462000000000125","shared_type":"private","permissions":{"view":true}},{"id":"1306462000000000147","shared_type":"private","permissions":{"view":true}}]}]}"#;

const SCOPE_MISMATCH: &str = r#"{"code":"OAUTH_SCOPE_MISMATCH","details":{},"message":"invalid oauth scope to access this URL","status":"error"}"#;
const NO_PERMISSION: &str = r#"{"code":"NO_PERMISSION","details":{"permissions":["Crm_Implied_Manage_ClientPortal_Users"]},"message":"NO_PERMISSION","status":"error"}"#;
const NO_PORTAL: &str = r#"{"code":"INVALID_DATA","details":{},"message":"No portal exists with the given portal name.","status":"error"}"#;

/// No background worker: jobs run only when the control plane says so.
fn manual_jobs() -> Config {
    Config {
        job_interval: None,
        ..Config::default()
    }
}

fn users_of(type_id: &str) -> String {
    format!("{USER_TYPES}/{type_id}/users")
}

/// A top-level error body.
fn error(code: &str, details: &str, message: &str) -> String {
    format!(r#"{{"code":"{code}","details":{details},"message":"{message}","status":"error"}}"#)
}

fn missing_param(param: &str) -> String {
    error(
        "REQUIRED_PARAM_MISSING",
        &format!(r#"{{"param":"{param}"}}"#),
        "One of the expected parameter is missing",
    )
}

fn invalid_param(param: &str) -> String {
    error(
        "INVALID_DATA",
        &format!(r#"{{"param_name":"{param}"}}"#),
        "invalid data",
    )
}

fn unknown_type(id: &str) -> String {
    error(
        "INVALID_DATA",
        &format!(r#"{{"id":"{id}"}}"#),
        "invalid data",
    )
}

/// Invites Contacts records into a type, asserting success.
fn invite_into(server: &TestServer, type_id: &str, records: &[&str]) {
    for record in records {
        let reply = server.call(
            "POST",
            &format!(
                "/crm/v4/Contacts/{record}/actions/portal_invite?user_type_id={type_id}&type=invite"
            ),
            Some(ADMIN),
            None,
        );
        assert_eq!(reply.status, 200, "invite {record}: {}", reply.body);
    }
}

fn invite(server: &TestServer, records: &[&str]) {
    invite_into(server, DEFAULT_TYPE, records);
}

/// The user accepts the invitation (control plane).
fn confirm(server: &TestServer, record: &str) -> Reply {
    server.call(
        "POST",
        &format!("/__mock/orgs/zylker/users/{record}/confirm"),
        None,
        None,
    )
}

fn run_jobs(server: &TestServer) -> Reply {
    server.call("POST", "/__mock/orgs/zylker/jobs/run", None, None)
}

/// Creates a user type with the v4 API, asserting it got `expected_id`.
fn create_type(server: &TestServer, body: &str, expected_id: &str) {
    let reply = server.post(USER_TYPES, ADMIN, body);
    assert_reply(
        &reply,
        200,
        &format!(
            r#"{{"user_type":[{{"code":"SUCCESS","details":{{"id":"{expected_id}"}},"message":"user type created successfully.","status":"success"}}]}}"#
        ),
    );
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

fn status_changed(record: &str) -> String {
    format!(
        r#"{{"change_status":[{{"code":"SUCCESS","details":{{"personality_id":"{record}"}},"message":"Status of the user changed successfully.","status":"success"}}]}}"#
    )
}

fn at_index(code: &str, message: &str) -> String {
    error(code, r#"{"resource_path_index":"6"}"#, message)
}

/// One per-id result of delete and transfer.
fn per_id(record: &str, ok: bool, message: &str) -> String {
    let (code, status) = if ok {
        ("SUCCESS", "success")
    } else {
        ("INVALID_DATA", "error")
    };
    format!(
        r#"{{"code":"{code}","details":{{"personality_id":"{record}"}},"message":"{message}","status":"{status}"}}"#
    )
}

const DELETED: &str = "Portal user deleted successfully.";
const NOT_DELETED: &str = "Delete of user failed as personality id does not belongs to any portal user or belongs to portal user, who does not belongs to provided user type.";
const TRANSFERRED: &str = "User has been transferred successfully";
const NOT_TRANSFERRED: &str = "Transfer of user failed as personality id does not belongs to any portal user or belongs to portal user, who does not belongs to provided user type.";

fn users_body(items: &[String]) -> String {
    format!(r#"{{"users":[{}]}}"#, items.join(","))
}

// ---------------------------------------------------------------------------------------------
// U1: listing
// ---------------------------------------------------------------------------------------------

#[test]
fn listing_users_reproduces_the_kaizen_72_sample_byte_for_byte_in_every_version() {
    let server = start();
    for version in ["v4", "v5", "v6", "v7", "v8"] {
        let reply = server.get(
            &format!("/crm/{version}/settings/portals/ZylkerAutos/user_type/{DEFAULT_TYPE}/users"),
            ADMIN,
        );
        assert_reply(&reply, 200, &compact(K72_GET_USERS));
    }
}

#[test]
fn every_type_value_selects_its_users() {
    // Arrange: Jennifer (confirmed, active); Ravi invited only; Asha confirmed; Ben confirmed,
    // then deactivated.
    let server = start_with(fixed_clock(), Config::default());
    invite(&server, &[RAVI, ASHA, BEN]);
    for record in [ASHA, BEN] {
        assert_eq!(confirm(&server, record).status, 200);
    }
    assert_reply(
        &change_status(&server, BEN, "?active=false"),
        200,
        &status_changed(BEN),
    );
    let cases: &[(&str, &[&str])] = &[
        ("", &[JENNIFER, RAVI, ASHA, BEN]),
        ("?type=AllUsers", &[JENNIFER, RAVI, ASHA, BEN]),
        ("?type=AllActiveUsers", &[JENNIFER, RAVI, ASHA]),
        ("?type=ActiveUsers", &[JENNIFER, RAVI, ASHA]),
        ("?type=DeactiveUsers", &[BEN]),
        ("?type=NotConfirmedUsers", &[RAVI]),
        ("?type=ConfirmedUsers", &[JENNIFER, ASHA, BEN]),
        ("?type=ActiveConfirmedUsers", &[JENNIFER, ASHA]),
    ];
    for (query, expected) in cases {
        // Act
        let ids = listed(&server, &format!("{USERS}{query}"));
        // Assert
        assert_eq!(ids, *expected, "{query}");
    }
    // One page byte for byte: the deactivated user.
    assert_reply(
        &server.get(&format!("{USERS}?type=DeactiveUsers"), ADMIN),
        200,
        &format!(
            r#"{{"users":[{{"personality_id":"{BEN}","confirm":true,"status_reason__s":null,"invited_time":"{NOW}","module":"Contacts","name":"Ben Carter","active":false,"email":"ben.carter@example.net"}}],"info":{{"per_page":200,"total_count":1,"count":1,"page":1,"more_records":false}}}}"#
        ),
    );
}

#[test]
fn an_unknown_type_value_is_pattern_not_matched() {
    let server = start();
    for value in ["Everyone", "allusers", "ACTIVEUSERS", ""] {
        let reply = server.get(&format!("{USERS}?type={value}"), ADMIN);
        assert_reply(
            &reply,
            400,
            r#"{"code":"PATTERN_NOT_MATCHED","details":{"api_name":"type"},"message":"Please check whether the input values are correct","status":"error"}"#,
        );
    }
}

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

#[test]
fn a_bad_filter_is_invalid_data_on_filters() {
    let server = start();
    let bad = [
        "not json",
        "[]",
        r#"[{"field":"email","comparator":"equal","value":"x"}]"#,
        r#"[{"field":"status_reason__s","comparator":"contains","value":"x"}]"#,
        r#"[{"field":"status_reason__s","comparator":"equal","value":1}]"#,
        r#"[{"field":"status_reason__s","comparator":"equal"}]"#,
        r#"[{"field":"status_reason__s","comparator":"equal","value":"a"},{"field":"status_reason__s","comparator":"equal","value":"b"}]"#,
    ];
    for filters in bad {
        let reply = server.get(&format!("{USERS}?{}", form(&[("filters", filters)])), ADMIN);
        assert_reply(&reply, 400, &invalid_param("filters"));
    }
}

#[test]
fn page_and_per_page_select_a_page_and_more_records_says_whether_another_follows() {
    // Arrange: five users (Jennifer and four invited).
    let server = start_with(fixed_clock(), Config::default());
    invite(&server, &[RAVI, ASHA, BEN, CHLOE]);
    // Act
    let first = server.get(&format!("{USERS}?per_page=2"), ADMIN);
    let second = server.get(&format!("{USERS}?page=2&per_page=2"), ADMIN);
    let last = server.get(&format!("{USERS}?page=3&per_page=2"), ADMIN);
    let beyond = server.get(&format!("{USERS}?page=4&per_page=2"), ADMIN);
    // Assert
    let info = |reply: &Reply| reply.json()["info"].to_string();
    let ids = |reply: &Reply| -> Vec<String> {
        reply.json()["users"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["personality_id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids(&first), [JENNIFER, RAVI]);
    assert_eq!(
        info(&first),
        r#"{"per_page":2,"total_count":5,"count":2,"page":1,"more_records":true}"#
    );
    assert_eq!(ids(&second), [ASHA, BEN]);
    assert_eq!(
        info(&second),
        r#"{"per_page":2,"total_count":5,"count":2,"page":2,"more_records":true}"#
    );
    assert_reply(
        &last,
        200,
        &format!(
            r#"{{"users":[{{"personality_id":"{CHLOE}","confirm":false,"status_reason__s":null,"invited_time":"{NOW}","module":"Contacts","name":"Chloe Martin","active":true,"email":"chloe.martin@example.org"}}],"info":{{"per_page":2,"total_count":5,"count":1,"page":3,"more_records":false}}}}"#
        ),
    );
    assert_no_content(&beyond);
    // Exactly filling the last page: no more records.
    let exact = server.get(&format!("{USERS}?per_page=5"), ADMIN);
    assert_eq!(
        info(&exact),
        r#"{"per_page":5,"total_count":5,"count":5,"page":1,"more_records":false}"#
    );
}

#[test]
fn page_and_per_page_out_of_range_are_invalid_data() {
    let server = start();
    for (query, param) in [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("per_page=0", "per_page"),
        ("per_page=201", "per_page"),
        ("per_page=ten", "per_page"),
    ] {
        let reply = server.get(&format!("{USERS}?{query}"), ADMIN);
        assert_reply(&reply, 400, &invalid_param(param));
    }
    // 200 is the largest page.
    assert_eq!(
        server.get(&format!("{USERS}?per_page=200"), ADMIN).status,
        200
    );
}

#[test]
fn the_largest_page_number_is_an_empty_page_and_does_not_panic() {
    let server = start();
    let reply = server.get(&format!("{USERS}?page={}", u64::MAX), ADMIN);
    assert_no_content(&reply);
}

#[test]
fn a_page_far_beyond_the_last_is_empty() {
    let server = start();
    let reply = server.get(&format!("{USERS}?page=92233720368547759"), ADMIN);
    assert_no_content(&reply);
}

#[test]
fn a_type_without_matching_users_answers_204_with_no_body_and_no_content_type() {
    let server = start();
    create_type(&server, EMPLOYEES_TYPE, FIRST_ID);
    assert_no_content(&server.get(&users_of(FIRST_ID), ADMIN));
    assert_no_content(&server.get(&format!("{USERS}?type=DeactiveUsers"), ADMIN));
    assert_no_content(&server.get(&format!("{USERS}?type=NotConfirmedUsers"), ADMIN));
}

#[test]
fn an_unknown_portal_or_user_type_answers_the_documented_errors() {
    let server = start();
    assert_reply(
        &server.get(
            &format!("/crm/v4/settings/portals/NoSuchPortal/user_type/{DEFAULT_TYPE}/users"),
            ADMIN,
        ),
        400,
        NO_PORTAL,
    );
    assert_reply(
        &server.get(
            &format!("/crm/v4/settings/portals/ZylkerAutos/user_type/{DEFAULT_TYPE}/users"),
            BLANK,
        ),
        400,
        NO_PORTAL,
    );
    assert_reply(
        &server.get(&users_of(UNKNOWN_ID), ADMIN),
        400,
        &unknown_type(UNKNOWN_ID),
    );
}

#[test]
fn the_portal_name_in_the_path_ignores_case() {
    let server = start();
    let reply = server.get(
        &format!("/crm/v4/settings/portals/zylkerautos/user_type/{DEFAULT_TYPE}/users"),
        ADMIN,
    );
    assert_reply(&reply, 200, &compact(K72_GET_USERS));
}

// ---------------------------------------------------------------------------------------------
// Scopes and permissions
// ---------------------------------------------------------------------------------------------

#[test]
fn the_read_only_token_lists_users_but_may_not_change_them() {
    let server = start();
    let token = Some(READONLY);
    assert_reply(
        &server.call("GET", USERS, token, None),
        200,
        &compact(K72_GET_USERS),
    );
    let changes = [
        (
            "POST",
            format!(
                "/crm/v4/Contacts/{RAVI}/actions/portal_invite?user_type_id={DEFAULT_TYPE}&type=invite"
            ),
            None,
        ),
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
    ];
    for (method, path, body) in &changes {
        let reply = server.call(method, path, token, *body);
        assert_reply(&reply, 401, SCOPE_MISMATCH);
    }
    assert_reply(&server.get(USERS, ADMIN), 200, &compact(K72_GET_USERS));
}

#[test]
fn a_profile_without_manage_portal_users_gets_no_permission_everywhere() {
    let server = start();
    let token = Some(NOPERM);
    let calls = [
        ("GET", USERS.to_owned(), None),
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
    ];
    for (method, path, body) in &calls {
        let reply = server.call(method, path, token, *body);
        assert_reply(&reply, 403, NO_PERMISSION);
    }
    assert_reply(&server.get(USERS, ADMIN), 200, &compact(K72_GET_USERS));
}

// ---------------------------------------------------------------------------------------------
// U2: delete
// ---------------------------------------------------------------------------------------------

#[test]
fn deleting_a_user_answers_success_removes_them_and_they_can_be_invited_again() {
    // Arrange
    let server = start();
    // Act
    let reply = server.call(
        "DELETE",
        &format!("{USERS}?personality_ids={JENNIFER}"),
        Some(ADMIN),
        None,
    );
    // Assert: the v4 message; Jennifer is gone from U1 and may be invited anew.
    assert_reply(&reply, 200, &users_body(&[per_id(JENNIFER, true, DELETED)]));
    assert_no_content(&server.get(USERS, ADMIN));
    invite(&server, &[JENNIFER]);
    assert_eq!(listed(&server, USERS), [JENNIFER]);
    assert_eq!(
        server.get(USERS, ADMIN).json()["users"][0]["confirm"],
        false
    );
}

#[test]
fn v8_delete_answers_the_message_of_the_v8_documentation() {
    let server = start();
    let reply = server.call(
        "DELETE",
        &format!(
            "/crm/v8/settings/portals/ZylkerAutos/user_type/{DEFAULT_TYPE}/users?personality_ids={JENNIFER}"
        ),
        Some(ADMIN),
        None,
    );
    assert_reply(
        &reply,
        200,
        &users_body(&[per_id(JENNIFER, true, "User deleted successfully")]),
    );
}

#[test]
fn deleting_several_users_answers_one_result_per_id_200_207_or_400() {
    // Arrange: Ravi and Asha invited; Mark is not a portal user.
    let server = start();
    invite(&server, &[RAVI, ASHA]);
    let delete = |ids: &str| {
        server.call(
            "DELETE",
            &format!("{USERS}?personality_ids={ids}"),
            Some(ADMIN),
            None,
        )
    };
    // Act / Assert: all succeed (a repeated id counts once).
    assert_reply(
        &delete(&format!("{RAVI},{ASHA},{RAVI}")),
        200,
        &users_body(&[per_id(RAVI, true, DELETED), per_id(ASHA, true, DELETED)]),
    );
    // Mixed: 207.
    assert_reply(
        &delete(&format!("{JENNIFER},{MARK}")),
        207,
        &users_body(&[
            per_id(JENNIFER, true, DELETED),
            per_id(MARK, false, NOT_DELETED),
        ]),
    );
    // All failed (including ids just deleted): 400.
    assert_reply(
        &delete(&format!("{RAVI},{UNKNOWN_ID}")),
        400,
        &users_body(&[
            per_id(RAVI, false, NOT_DELETED),
            per_id(UNKNOWN_ID, false, NOT_DELETED),
        ]),
    );
    assert_no_content(&server.get(USERS, ADMIN));
}

#[test]
fn a_user_of_another_type_is_not_deleted_through_this_one() {
    let server = start();
    create_type(&server, EMPLOYEES_TYPE, FIRST_ID);
    invite_into(&server, FIRST_ID, &[RAVI]);
    let reply = server.call(
        "DELETE",
        &format!("{USERS}?personality_ids={RAVI}"),
        Some(ADMIN),
        None,
    );
    assert_reply(
        &reply,
        400,
        &users_body(&[per_id(RAVI, false, NOT_DELETED)]),
    );
    assert_eq!(listed(&server, &users_of(FIRST_ID)), [RAVI]);
}

#[test]
fn delete_parameter_errors_are_the_documented_bodies() {
    let server = start();
    for (query, expected) in [
        (String::new(), missing_param("personality_ids")),
        (
            "?personality_ids=".to_owned(),
            missing_param("personality_ids"),
        ),
        (
            "?personality_ids=,,".to_owned(),
            missing_param("personality_ids"),
        ),
        (
            "?personality_ids=abc".to_owned(),
            invalid_param("personality_ids"),
        ),
    ] {
        let reply = server.call("DELETE", &format!("{USERS}{query}"), Some(ADMIN), None);
        assert_reply(&reply, 400, &expected);
    }
    assert_reply(
        &server.call(
            "DELETE",
            &format!("{}?personality_ids={JENNIFER}", users_of(UNKNOWN_ID)),
            Some(ADMIN),
            None,
        ),
        400,
        &unknown_type(UNKNOWN_ID),
    );
    assert_reply(&server.get(USERS, ADMIN), 200, &compact(K72_GET_USERS));
}

// ---------------------------------------------------------------------------------------------
// U3: transfer
// ---------------------------------------------------------------------------------------------

fn transfer(server: &TestServer, from: &str, query: &str) -> Reply {
    server.call(
        "POST",
        &format!("{}/action/transfer{query}", users_of(from)),
        Some(ADMIN),
        None,
    )
}

#[test]
fn transferring_jennifer_answers_the_kaizen_73_sample_and_the_counts_follow() {
    // Arrange: a second Contacts type.
    let server = start();
    create_type(&server, EMPLOYEES_TYPE, FIRST_ID);
    assert_eq!(
        (
            no_of_users(&server, DEFAULT_TYPE),
            no_of_users(&server, FIRST_ID)
        ),
        (1, 0)
    );
    // Act
    let reply = transfer(
        &server,
        DEFAULT_TYPE,
        &format!("?transfer_To={FIRST_ID}&personality_ids={JENNIFER}"),
    );
    // Assert: the Kaizen #73 sample; Jennifer is listed under the new type only.
    assert_reply(
        &reply,
        200,
        &compact(
            r#"{"users":[{"code":"SUCCESS","details":{"personality_id":"1306462000000659009"},
                "message":"User has been transferred successfully","status":"success"}]}"#,
        ),
    );
    assert_eq!(
        (
            no_of_users(&server, DEFAULT_TYPE),
            no_of_users(&server, FIRST_ID)
        ),
        (0, 1)
    );
    assert_no_content(&server.get(USERS, ADMIN));
    assert_eq!(
        server.get(&users_of(FIRST_ID), ADMIN).body,
        compact(K72_GET_USERS),
        "the same user, unchanged, under the other type"
    );
}

#[test]
fn transferring_several_users_answers_one_result_per_id() {
    let server = start();
    create_type(&server, EMPLOYEES_TYPE, FIRST_ID);
    invite(&server, &[RAVI]);
    // Mixed: Jennifer and Ravi move, Mark is no portal user.
    let reply = transfer(
        &server,
        DEFAULT_TYPE,
        &format!("?transfer_To={FIRST_ID}&personality_ids={JENNIFER},{MARK},{RAVI}"),
    );
    assert_reply(
        &reply,
        207,
        &users_body(&[
            per_id(JENNIFER, true, TRANSFERRED),
            per_id(MARK, false, NOT_TRANSFERRED),
            per_id(RAVI, true, TRANSFERRED),
        ]),
    );
    assert_eq!(listed(&server, &users_of(FIRST_ID)), [JENNIFER, RAVI]);
    // Transferring them again from the default type: nobody is in it any more.
    let again = transfer(
        &server,
        DEFAULT_TYPE,
        &format!("?transfer_To={FIRST_ID}&personality_ids={JENNIFER}"),
    );
    assert_reply(
        &again,
        400,
        &users_body(&[per_id(JENNIFER, false, NOT_TRANSFERRED)]),
    );
    assert_eq!(
        (
            no_of_users(&server, DEFAULT_TYPE),
            no_of_users(&server, FIRST_ID)
        ),
        (0, 2)
    );
}

#[test]
fn transfer_parameter_errors_are_the_documented_bodies() {
    // Arrange: a Contacts type (the first id) and a Customer type (the second).
    let server = start();
    create_type(&server, EMPLOYEES_TYPE, FIRST_ID);
    create_type(&server, CUSTOMER_TYPE, SECOND_ID);
    let cases = [
        (
            format!("?personality_ids={JENNIFER}"),
            missing_param("transfer_To"),
        ),
        (
            format!("?transfer_To=&personality_ids={JENNIFER}"),
            missing_param("transfer_To"),
        ),
        (
            format!("?transfer_To={FIRST_ID}"),
            missing_param("personality_ids"),
        ),
        (
            format!("?transfer_To={FIRST_ID}&personality_ids="),
            missing_param("personality_ids"),
        ),
        (
            format!("?transfer_To={FIRST_ID}&personality_ids=x1"),
            invalid_param("personality_ids"),
        ),
        // a type of another personality module
        (
            format!("?transfer_To={SECOND_ID}&personality_ids={JENNIFER}"),
            invalid_param("transfer_To"),
        ),
        // an unknown type
        (
            format!("?transfer_To={UNKNOWN_ID}&personality_ids={JENNIFER}"),
            invalid_param("transfer_To"),
        ),
        // the type itself
        (
            format!("?transfer_To={DEFAULT_TYPE}&personality_ids={JENNIFER}"),
            invalid_param("transfer_To"),
        ),
    ];
    for (query, expected) in &cases {
        // Act
        let reply = transfer(&server, DEFAULT_TYPE, query);
        // Assert
        assert_reply(&reply, 400, expected);
    }
    assert_reply(
        &transfer(
            &server,
            UNKNOWN_ID,
            &format!("?transfer_To={FIRST_ID}&personality_ids={JENNIFER}"),
        ),
        400,
        &unknown_type(UNKNOWN_ID),
    );
    assert_eq!(no_of_users(&server, DEFAULT_TYPE), 1, "nothing moved");
}

// ---------------------------------------------------------------------------------------------
// U4: change status
// ---------------------------------------------------------------------------------------------

#[test]
fn deactivating_and_activating_a_confirmed_user_takes_active_in_any_case() {
    let server = start();
    // Act / Assert: deactivate with Python's `False`.
    assert_reply(
        &change_status(&server, JENNIFER, "?active=False"),
        200,
        &status_changed(JENNIFER),
    );
    assert_eq!(
        listed(&server, &format!("{USERS}?type=DeactiveUsers")),
        [JENNIFER]
    );
    assert_eq!(server.get(USERS, ADMIN).json()["users"][0]["active"], false);
    // Deactivating again is our ALREADY_DEACTIVATED.
    assert_reply(
        &change_status(&server, JENNIFER, "?active=FALSE"),
        400,
        &at_index("ALREADY_DEACTIVATED", "Already in inactive state only."),
    );
    // Reactivate with `true`, then `TRUE` is ALREADY_ACTIVATED.
    assert_reply(
        &change_status(&server, JENNIFER, "?active=true"),
        200,
        &status_changed(JENNIFER),
    );
    assert_reply(
        &change_status(&server, JENNIFER, "?active=TRUE"),
        400,
        &at_index("ALREADY_ACTIVATED", "Already in active state only."),
    );
    assert_reply(&server.get(USERS, ADMIN), 200, &compact(K72_GET_USERS));
}

#[test]
fn an_unconfirmed_user_cannot_be_deactivated_until_confirmed() {
    // Arrange
    let server = start();
    invite(&server, &[RAVI]);
    // Act
    let refused = change_status(&server, RAVI, "?active=false");
    // Assert
    assert_reply(
        &refused,
        400,
        &at_index(
            "NOT_ALLOWED",
            "Deactivating unconfirmed user is not allowed",
        ),
    );
    // Once confirmed (control plane), deactivation succeeds; a second confirm answers 409.
    assert_reply(
        &confirm(&server, RAVI),
        200,
        &format!(r#"{{"personality_id":"{RAVI}","confirm":true}}"#),
    );
    assert_eq!(confirm(&server, RAVI).status, 409);
    assert_reply(
        &change_status(&server, RAVI, "?active=false"),
        200,
        &status_changed(RAVI),
    );
    assert_eq!(
        listed(&server, &format!("{USERS}?type=DeactiveUsers")),
        [RAVI]
    );
}

#[test]
fn change_status_errors_are_the_documented_bodies() {
    let server = start();
    create_type(&server, EMPLOYEES_TYPE, FIRST_ID);
    invite_into(&server, FIRST_ID, &[RAVI]);
    assert_reply(
        &change_status(&server, JENNIFER, ""),
        400,
        &missing_param("active"),
    );
    assert_reply(
        &change_status(&server, JENNIFER, "?active="),
        400,
        &missing_param("active"),
    );
    assert_reply(
        &change_status(&server, JENNIFER, "?active=yes"),
        400,
        &invalid_param("active"),
    );
    // Not a portal user, and a user of another type.
    for record in [MARK, RAVI] {
        assert_reply(
            &change_status(&server, record, "?active=false"),
            400,
            &at_index("INVALID_DATA", "invalid data"),
        );
    }
    assert_reply(
        &server.call(
            "PUT",
            &format!(
                "{}/{JENNIFER}/actions/change_status?active=false",
                users_of(UNKNOWN_ID)
            ),
            Some(ADMIN),
            None,
        ),
        400,
        &unknown_type(UNKNOWN_ID),
    );
    assert_reply(&server.get(USERS, ADMIN), 200, &compact(K72_GET_USERS));
}

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

const BULK_STATUS: &str = "/crm/v4/settings/portals/ZylkerAutos/user_type/1306462000001813022/users/actions/change_status";

fn status_scheduled(job_id: &str) -> String {
    format!(
        r#"{{"change_status":[{{"code":"SCHEDULED","details":{{"job_id":"{job_id}"}},"message":"Portal bulk user status change scheduled successfully","status":"success"}}]}}"#
    )
}

#[test]
fn a_bulk_status_change_is_scheduled_and_applied_when_the_jobs_run() {
    // Arrange: Ravi invited (unconfirmed), Asha invited and confirmed; no background worker.
    let server = start_with(Clock::real(), manual_jobs());
    invite(&server, &[RAVI, ASHA]);
    assert_eq!(confirm(&server, ASHA).status, 200);
    let body = format!(
        r#"{{"change_status":[{{"users":[
            {{"active":false,"personality_id":"{JENNIFER}"}},
            {{"active":false,"personality_id":"{RAVI}"}}
        ]}},{{"users":[
            {{"active":true,"personality_id":"{ASHA}"}},
            {{"active":false,"personality_id":{MARK}}}
        ]}}]}}"#
    );
    // Act
    let reply = server.put(BULK_STATUS, ADMIN, &body);
    let before = listed(&server, &format!("{USERS}?type=DeactiveUsers"));
    let ran = run_jobs(&server);
    // Assert: scheduled; nothing changed before the run; then Jennifer is deactivated and every
    // item has its result.
    assert_reply(&reply, 200, &status_scheduled(FIRST_ID));
    assert!(before.is_empty(), "{before:?}");
    assert_reply(&ran, 200, r#"{"org_id":"zylker","jobs_run":1}"#);
    assert_eq!(
        listed(&server, &format!("{USERS}?type=DeactiveUsers")),
        [JENNIFER]
    );
    let items = [
        format!(
            r#"{{"details":{{"personality_id":"{JENNIFER}"}},"code":"SUCCESS","message":"Status of the user changed successfully.","status":"success"}}"#
        ),
        r#"{"details":{"resource_path_index":"6"},"code":"NOT_ALLOWED","message":"Deactivating unconfirmed user is not allowed","status":"error"}"#.to_owned(),
        r#"{"details":{"resource_path_index":"6"},"code":"ALREADY_ACTIVATED","message":"Already in active state only.","status":"error"}"#.to_owned(),
        r#"{"details":{"resource_path_index":"6"},"code":"INVALID_DATA","message":"invalid data","status":"error"}"#.to_owned(),
    ];
    assert_reply(
        &server.get("/__mock/orgs/zylker/jobs", ADMIN),
        200,
        &format!(
            r#"{{"jobs":[{{"data":[{}],"job_id":"{FIRST_ID}","status":"completed","kind":"change_status"}}]}}"#,
            items.join(",")
        ),
    );
}

#[test]
fn a_scheduled_bulk_status_change_shows_null_data_in_the_job_list() {
    let server = start_with(Clock::real(), manual_jobs());
    let body = format!(
        r#"{{"change_status":[{{"users":[{{"active":false,"personality_id":"{JENNIFER}"}}]}}]}}"#
    );
    assert_reply(
        &server.put(BULK_STATUS, ADMIN, &body),
        200,
        &status_scheduled(FIRST_ID),
    );
    assert_reply(
        &server.get("/__mock/orgs/zylker/jobs", ADMIN),
        200,
        &format!(
            r#"{{"jobs":[{{"data":null,"job_id":"{FIRST_ID}","status":"scheduled","kind":"change_status"}}]}}"#
        ),
    );
    // A status-change job is not an invite job.
    assert_no_content(&server.get(
        &format!("/crm/v4/Contacts/actions/portal_invite?job_id={FIRST_ID}"),
        ADMIN,
    ));
}

#[test]
fn bulk_status_change_validation_errors_are_the_documented_bodies_and_schedule_nothing() {
    let server = start_with(Clock::real(), manual_jobs());
    let wrapped = |inner: String| format!(r#"{{"change_status":[{inner}]}}"#);
    let mandatory = |api_name: &str, json_path: &str| {
        error(
            "MANDATORY_NOT_FOUND",
            &format!(r#"{{"api_name":"{api_name}","json_path":"{json_path}"}}"#),
            "required field not found",
        )
    };
    let expected_type = |expected: &str, api_name: &str, json_path: &str| {
        error(
            "INVALID_DATA",
            &format!(
                r#"{{"expected_data_type":"{expected}","api_name":"{api_name}","json_path":"{json_path}"}}"#
            ),
            "invalid data",
        )
    };
    let cases: Vec<(String, String)> = vec![
        (
            "{}".to_owned(),
            mandatory("change_status", "$.change_status"),
        ),
        ("".to_owned(), mandatory("change_status", "$.change_status")),
        (
            r#"{"change_status":[]}"#.to_owned(),
            mandatory("change_status", "$.change_status"),
        ),
        (
            r#"{"change_status":{"users":[]}}"#.to_owned(),
            expected_type("jsonarray", "change_status", "$.change_status"),
        ),
        (
            r#"{"change_status":[{}]}"#.to_owned(),
            wrapped(mandatory("users", "$.change_status[0].users")),
        ),
        (
            r#"{"change_status":[{"users":[]}]}"#.to_owned(),
            wrapped(mandatory("users", "$.change_status[0].users")),
        ),
        (
            r#"{"change_status":[{"users":{}}]}"#.to_owned(),
            wrapped(expected_type(
                "jsonarray",
                "users",
                "$.change_status[0].users",
            )),
        ),
        (
            r#"{"change_status":[{"users":[{"active":false}]}]}"#.to_owned(),
            wrapped(mandatory(
                "personality_id",
                "$.change_status[0].users[0].personality_id",
            )),
        ),
        (
            r#"{"change_status":[{"users":[{"active":false,"personality_id":"abc"}]}]}"#.to_owned(),
            wrapped(expected_type(
                "string",
                "personality_id",
                "$.change_status[0].users[0].personality_id",
            )),
        ),
        (
            format!(r#"{{"change_status":[{{"users":[{{"personality_id":"{JENNIFER}"}}]}}]}}"#),
            wrapped(mandatory("active", "$.change_status[0].users[0].active")),
        ),
        (
            format!(
                r#"{{"change_status":[{{"users":[{{"active":"false","personality_id":"{JENNIFER}"}}]}}]}}"#
            ),
            wrapped(expected_type(
                "boolean",
                "active",
                "$.change_status[0].users[0].active",
            )),
        ),
        (
            format!(
                r#"{{"change_status":[{{"users":[{{"active":true,"personality_id":"{JENNIFER}"}}]}},{{"users":[{{"active":0,"personality_id":"{JENNIFER}"}}]}}]}}"#
            ),
            wrapped(expected_type(
                "boolean",
                "active",
                "$.change_status[1].users[0].active",
            )),
        ),
        ("{oops".to_owned(), error("JSON_PARSE_ERROR", "{}", "body")),
    ];
    for (body, expected) in &cases {
        let reply = server.put(BULK_STATUS, ADMIN, body);
        assert_reply(&reply, 400, expected);
    }
    let valid = format!(
        r#"{{"change_status":[{{"users":[{{"active":false,"personality_id":"{JENNIFER}"}}]}}]}}"#
    );
    assert_reply(
        &server.put(
            &format!("{}/actions/change_status", users_of(UNKNOWN_ID)),
            ADMIN,
            &valid,
        ),
        400,
        &unknown_type(UNKNOWN_ID),
    );
    assert_reply(
        &server.get("/__mock/orgs/zylker/jobs", ADMIN),
        200,
        r#"{"jobs":[]}"#,
    );
}
