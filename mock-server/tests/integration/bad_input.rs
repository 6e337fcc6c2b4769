//! Bad input over real HTTP: malformed and mistyped bodies at every level, odd paths, queries,
//! versions, methods and Authorization headers. Every answer is a documented Zoho error (never
//! a 500, never a hang), and no refused request writes anything.

use crate::common::{
    ADMIN, BLANK, DEFAULT_TYPE, JSON, Reply, TestServer, assert_documented,
    assert_odd_query_answered, assert_seeded_portals, code, first_portal_name, start,
};

const PORTALS: &str = "/crm/v8/settings/portals";
const USER_TYPES: &str = "/crm/v8/settings/portals/ZylkerAutos/user_type";

/// Asserts that `body` was refused with a 400 carrying `expected` as its code.
fn assert_refused(reply: &Reply, body: &str, expected: &str) {
    assert!(
        reply.status == 400 && code(reply) == expected,
        "{body}\n -> {} {}",
        reply.status,
        reply.body
    );
}

/// A documented error: the status, the code, the exact content type, a JSON body.
#[track_caller]
fn assert_error(reply: &Reply, status: u16, expected_code: &str) {
    assert_eq!(
        (reply.status, code(reply).as_str()),
        (status, expected_code),
        "{}",
        reply.body
    );
    assert_eq!(reply.content_type.as_deref(), Some(JSON));
}

/// The blank org still has no portal, and zylker's user types are as seeded.
#[track_caller]
fn assert_nothing_written(server: &TestServer, user_types_before: &str) {
    assert_eq!(
        server.get(PORTALS, BLANK).status,
        204,
        "a portal was created"
    );
    assert_eq!(server.get(USER_TYPES, ADMIN).body, user_types_before);
}

#[test]
fn malformed_json_and_every_wrong_shape_of_a_portal_body_are_documented_errors() {
    let server = start();
    let before = server.get(USER_TYPES, ADMIN).body;
    let deep_array = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_inside = format!(
        r#"{{"portals":[{{"name":"Deep1234","x":{}1{}}}]}}"#,
        "[".repeat(5_000),
        "]".repeat(5_000)
    );
    let cases: &[(&str, u16, &str)] = &[
        ("{oops", 400, "JSON_PARSE_ERROR"),
        (
            r#"{"portals":[{"name":"Abcdef1"}]"#,
            400,
            "JSON_PARSE_ERROR",
        ),
        (
            r#"{"portals":[{"name":"Abcdef1",}]}"#,
            400,
            "JSON_PARSE_ERROR",
        ),
        ("nul", 400, "JSON_PARSE_ERROR"),
        ("\u{feff}{}", 400, "JSON_PARSE_ERROR"),
        (&deep_array, 400, "JSON_PARSE_ERROR"),
        (&deep_inside, 400, "JSON_PARSE_ERROR"),
        // A repeated key is refused, at any depth, whichever value would win.
        (
            r#"{"portals":[{"name":"Abcdef1","name":"Ghijkl2"}]}"#,
            400,
            "JSON_PARSE_ERROR",
        ),
        (
            r#"{"portals":[{"name":"Abcdef1"}],"portals":[]}"#,
            400,
            "JSON_PARSE_ERROR",
        ),
        // Wrong types at every level.
        ("[]", 400, "INVALID_DATA"),
        ("\"portals\"", 400, "INVALID_DATA"),
        ("42", 400, "INVALID_DATA"),
        ("null", 400, "INVALID_DATA"),
        (r#"{"portals":{"name":"Abcdef1"}}"#, 400, "INVALID_DATA"),
        (r#"{"portals":"Abcdef1"}"#, 400, "INVALID_DATA"),
        (r#"{"portals":["Abcdef1"]}"#, 400, "INVALID_DATA"),
        (r#"{"portals":[["Abcdef1"]]}"#, 400, "INVALID_DATA"),
        (r#"{"portals":[{"name":123456}]}"#, 400, "INVALID_DATA"),
        (r#"{"portals":[{"name":true}]}"#, 400, "INVALID_DATA"),
        (r#"{"portals":[{"name":["Abcdef1"]}]}"#, 400, "INVALID_DATA"),
        (
            r#"{"portals":[{"name":{"v":"Abcdef1"}}]}"#,
            400,
            "INVALID_DATA",
        ),
        (
            r#"{"portals":[{"name":"A"},{"name":"B"}]}"#,
            400,
            "INVALID_DATA",
        ),
        // Null or nothing where a value is required.
        ("", 400, "MANDATORY_NOT_FOUND"),
        ("  \r\n ", 400, "MANDATORY_NOT_FOUND"),
        ("{}", 400, "MANDATORY_NOT_FOUND"),
        (r#"{"portals":null}"#, 400, "MANDATORY_NOT_FOUND"),
        (r#"{"portals":[]}"#, 400, "MANDATORY_NOT_FOUND"),
        (r#"{"portals":[{}]}"#, 400, "MANDATORY_NOT_FOUND"),
        (r#"{"portals":[{"name":null}]}"#, 400, "MANDATORY_NOT_FOUND"),
        // Lengths and patterns.
        (r#"{"portals":[{"name":""}]}"#, 400, "INVALID_DATA"),
        (r#"{"portals":[{"name":"Ab1"}]}"#, 400, "INVALID_DATA"),
        (
            r#"{"portals":[{"name":"Robert');DROP TABLE portals;--"}]}"#,
            400,
            "PATTERN_NOT_MATCHED",
        ),
        (
            r#"{"portals":[{"name":"x' OR '1'='1"}]}"#,
            400,
            "PATTERN_NOT_MATCHED",
        ),
        (
            r#"{"portals":[{"name":"Zürich123"}]}"#,
            400,
            "PATTERN_NOT_MATCHED",
        ),
        (
            r#"{"portals":[{"name":"東京ポータル"}]}"#,
            400,
            "PATTERN_NOT_MATCHED",
        ),
        (
            r#"{"portals":[{"name":"\u0000abcdef"}]}"#,
            400,
            "PATTERN_NOT_MATCHED",
        ),
        (
            r#"{"portals":[{"name":"abc def"}]}"#,
            400,
            "PATTERN_NOT_MATCHED",
        ),
        (
            r#"{"portals":[{"name":"abc%20def"}]}"#,
            400,
            "PATTERN_NOT_MATCHED",
        ),
    ];
    for (body, status, expected) in cases {
        let reply = server.post(PORTALS, BLANK, body);
        assert_error(&reply, *status, expected);
    }
    let very_long = format!(r#"{{"portals":[{{"name":"{}"}}]}}"#, "a".repeat(100_000));
    assert_error(
        &server.post(PORTALS, BLANK, &very_long),
        400,
        "INVALID_DATA",
    );
    assert_nothing_written(&server, &before);

    // The same body, well formed, is accepted and the name comes back exactly.
    let created = server.post(PORTALS, BLANK, r#"{"portals":[{"name":"Abc123XYZ"}]}"#);
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(first_portal_name(&server, BLANK), "Abc123XYZ");
}

#[test]
fn invalid_utf8_in_a_body_is_a_parse_error() {
    let server = start();
    let before = server.get(USER_TYPES, ADMIN).body;
    for body in [
        &b"{\"portals\":[{\"name\":\"\xff\xfeabcdef\"}]}"[..],
        b"{\"portals\":[{\"name\":\"abc\xc3\"}]}",
        b"{\"portals\":[{\"na\xedme\":\"abcdef\"}]}",
        b"\xef\xbb\xbf{}",
    ] {
        let reply = server.call_bytes("POST", PORTALS, Some(BLANK), body);
        assert_error(&reply, 400, "JSON_PARSE_ERROR");
    }
    // An escaped lone surrogate is not a character either.
    let reply = server.post(PORTALS, BLANK, r#"{"portals":[{"name":"\ud800abcdef"}]}"#);
    assert_error(&reply, 400, "JSON_PARSE_ERROR");
    assert_nothing_written(&server, &before);
}

#[test]
fn user_type_bodies_of_the_wrong_shape_at_every_level_are_documented_errors() {
    let server = start();
    let before = server.get(USER_TYPES, ADMIN).body;
    let contacts =
        r#"{"id":"1306462000000000129","shared_type":"private","permissions":{"view":true}}"#;
    let notes =
        r#"{"id":"1306462000000000147","shared_type":"private","permissions":{"view":true}}"#;
    let with = |item: &str| format!(r#"{{"user_type":[{item}]}}"#);
    let good = |fields: &str| {
        with(&format!(
            r#"{{{fields}"personality_module":{{"api_name":"Contacts"}},"modules":[{contacts},{notes}]}}"#
        ))
    };
    let cases: Vec<(String, &str)> = vec![
        ("[]".into(), "INVALID_DATA"),
        (r#"{"user_type":{}}"#.into(), "INVALID_DATA"),
        (r#"{"user_type":"x"}"#.into(), "INVALID_DATA"),
        (r#"{"user_type":[7]}"#.into(), "INVALID_DATA"),
        (r#"{"user_type":null}"#.into(), "MANDATORY_NOT_FOUND"),
        (r#"{"user_type":[]}"#.into(), "MANDATORY_NOT_FOUND"),
        (good(r#""name":12,"#), "INVALID_DATA"),
        (good(r#""name":"Team","active":"true","#), "INVALID_DATA"),
        (good(r#""name":"Team","active":1,"#), "INVALID_DATA"),
        (good(r#""name":"Team","name":"Other","#), "JSON_PARSE_ERROR"),
        (
            good(r#""name":"Robert'); DROP TABLE user_types;--","#),
            "INVALID_DATA",
        ),
        (good(r#""name":"Équipe","#), "INVALID_DATA"),
        (
            good(&format!(r#""name":"{}","#, "a".repeat(10_000))),
            "INVALID_DATA",
        ),
        (
            with(r#"{"name":"Team","personality_module":"Contacts","modules":[]}"#),
            "INVALID_DATA",
        ),
        (
            with(&format!(
                r#"{{"name":"Team","personality_module":{{"api_name":7}},"modules":[{contacts},{notes}]}}"#
            )),
            "INVALID_DATA",
        ),
        (
            with(r#"{"name":"Team","personality_module":{"api_name":"Contacts"},"modules":{}}"#),
            "INVALID_DATA",
        ),
        (
            with(r#"{"name":"Team","personality_module":{"api_name":"Contacts"},"modules":[7]}"#),
            "INVALID_DATA",
        ),
        (
            with(&format!(
                r#"{{"name":"Team","personality_module":{{"api_name":"Contacts"}},"modules":[{{"id":true,"shared_type":"private","permissions":{{"view":true}}}},{notes}]}}"#
            )),
            "INVALID_DATA",
        ),
        (
            with(&format!(
                r#"{{"name":"Team","personality_module":{{"api_name":"Contacts"}},"modules":[{{"id":"1306462000000000129","shared_type":"private","permissions":{{"view":"yes"}}}},{notes}]}}"#
            )),
            "INVALID_DATA",
        ),
        (
            with(&format!(
                r#"{{"name":"Team","personality_module":{{"api_name":"Contacts"}},"modules":[{{"id":"1306462000000000129","shared_type":null,"permissions":{{"view":true}}}},{notes}]}}"#
            )),
            "MANDATORY_NOT_FOUND",
        ),
    ];
    for (body, expected) in &cases {
        let reply = server.post(USER_TYPES, ADMIN, body);
        assert_refused(&reply, body, expected);
        assert_eq!(reply.content_type.as_deref(), Some(JSON));
    }
    // Updates: ids as numbers, numbers as ids, a body of the wrong shape.
    let one = format!("{USER_TYPES}/{DEFAULT_TYPE}");
    for (body, expected) in [
        (r#"{"user_type":[{"name":false}]}"#, "INVALID_DATA"),
        (r#"{"user_type":[{"active":"false"}]}"#, "INVALID_DATA"),
        (
            r#"{"user_type":[{"modules":[{"id":[42]}]}]}"#,
            "INVALID_DATA",
        ),
        (
            r#"{"user_type":[{"modules":[{"id":"12ab"}]}]}"#,
            "INVALID_DATA",
        ),
        (r#"{"user_type":[{"modules":[{"id":-5}]}]}"#, "INVALID_DATA"),
        (
            r#"{"user_type":[{"modules":[{"id":{"id":"42"}}]}]}"#,
            "INVALID_DATA",
        ),
        (r#"{"user_type":[{"modules":"all"}]}"#, "INVALID_DATA"),
        (
            r#"{"user_type":[{"active":true,"active":false}]}"#,
            "JSON_PARSE_ERROR",
        ),
        ("{", "JSON_PARSE_ERROR"),
    ] {
        let reply = server.put(&one, ADMIN, body);
        assert_refused(&reply, body, expected);
    }
    assert_nothing_written(&server, &before);

    // A valid name with digits and spaces is stored and returned exactly.
    let created = server.post(USER_TYPES, ADMIN, &good(r#""name":"Team 42 North","#));
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.json()["user_type"][0]["name"], "Team 42 North");
}

#[test]
fn unicode_and_sql_metacharacters_in_free_text_are_stored_and_returned_exactly() {
    let server = start();
    let key = "-----BEGIN CERTIFICATE-----\nMIIC'); DROP TABLE portals;-- \"quoted\" \\ 東京 Zürich 😀 \u{7f}\n";
    let body = serde_json::json!({"portals": [{"saml_configuration": {
        "login_url": "https://例え.jp/ログイン?q='1'%20OR%201=1",
        "logout_url": "https://www.example.com/out",
        "public_key": key,
    }}]});
    let reply = server.put(
        "/crm/v8/settings/portals/ZylkerAutos",
        ADMIN,
        &body.to_string(),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let saml = server
        .get("/crm/v8/settings/portals/ZylkerAutos", ADMIN)
        .json()["portals"][0]["saml_configuration"]
        .clone();
    assert_eq!(saml["public_key"], key);
    assert_eq!(
        saml["login_url"],
        "https://例え.jp/ログイン?q='1'%20OR%201=1"
    );
    // The tables are all still there.
    assert_eq!(server.get(USER_TYPES, ADMIN).status, 200);
    assert_seeded_portals(&server);
}

#[test]
fn odd_paths_and_queries_answer_documented_errors() {
    let server = start();
    let no_portal = [
        "/crm/v8/settings/portals/x'%20OR%20'1'='1",
        "/crm/v8/settings/portals/%ff%fe%fd",
        "/crm/v8/settings/portals/%",
        "/crm/v8/settings/portals/%zz",
        "/crm/v8/settings/portals/%00",
        "/crm/v8/settings/portals/a%2Fb",
        "/crm/v8/settings/portals/%E6%9D%B1%E4%BA%AC",
    ];
    for path in no_portal {
        assert_error(&server.get(path, ADMIN), 400, "INVALID_DATA");
    }
    let long_segment = format!("/crm/v8/settings/portals/{}", "x".repeat(8_000));
    assert_error(&server.get(&long_segment, ADMIN), 400, "INVALID_DATA");
    let long_type = format!("{USER_TYPES}/{}", "9".repeat(8_000));
    assert_documented(&server.get(&long_type, ADMIN));
    for path in [
        "/",
        "/crm",
        "/crm/v8",
        "/crm/v8/settings",
        "/crm/v8/settings/portalz",
        "/crm/v8/settings/portals/ZylkerAutos/user_type/1/2/3/4/5/6/7/8",
        "/crm/V8/settings/portals",
        "/crm/v8.0/settings/portals",
        "/crm/v/settings/portals",
        "/crm/v99999999999999999999/settings/portals",
        "/crm/v-1/settings/portals",
        "/oauth/v2",
        "/%63rm/v8/settings/portalz",
    ] {
        assert_error(&server.get(path, ADMIN), 404, "INVALID_URL_PATTERN");
    }
    for path in ["/crm/v2/settings/portals", "/crm/v3/settings/portals"] {
        assert_error(&server.get(path, ADMIN), 400, "API_NOT_SUPPORTED");
    }
    // Queries: broken escapes, repeated keys, empty keys, huge values, SQL in values.
    let users = format!("{USER_TYPES}/{DEFAULT_TYPE}/users");
    for query in [
        "?type=%ff",
        "?type=%",
        "?page=%zz",
        "?page=-1",
        "?page=99999999999999999999999",
        "?per_page=0",
        "?per_page=1e3",
        "?filters=%7B",
        "?filters=%5B%5D",
        "?filters=null",
        "?type=active&type=all",
        "?=&&&=x",
        "?type=active'%20OR%201=1--",
    ] {
        assert_odd_query_answered(&server, &users, query);
    }
    let long_query = format!("{users}?filters={}", "%7B".repeat(15_000));
    assert_documented(&server.get(&long_query, ADMIN));
}

#[test]
fn head_options_and_unknown_methods_are_invalid_request_methods() {
    let server = start();
    // Methods no client library sends (FOO) are in abuse.rs, over a raw socket.
    for method in ["OPTIONS", "PATCH", "TRACE"] {
        let reply = server.call(method, PORTALS, Some(ADMIN), None);
        assert_error(&reply, 400, "INVALID_REQUEST_METHOD");
    }
    // HEAD: the same status, and no body on the wire, as HTTP requires.
    let head = server.call("HEAD", PORTALS, Some(ADMIN), None);
    assert_eq!((head.status, head.body.as_str()), (400, ""));
    let unknown = server.call("PATCH", "/nowhere", Some(ADMIN), None);
    assert_error(&unknown, 404, "INVALID_URL_PATTERN");
}

#[test]
fn missing_duplicate_and_garbled_authorization_headers_are_401() {
    let server = start();
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[], "AUTHENTICATION_FAILURE"),
        (&[("Authorization", "")], "AUTHENTICATION_FAILURE"),
        (&[("Authorization", "   ")], "AUTHENTICATION_FAILURE"),
        (
            &[("Authorization", "Bearer 1000.zylker.admin")],
            "AUTHENTICATION_FAILURE",
        ),
        (&[("Authorization", "Zoho-oauthtoken")], "INVALID_TOKEN"),
        (&[("Authorization", "Zoho-oauthtoken    ")], "INVALID_TOKEN"),
        (
            &[("Authorization", "Zoho-oauthtoken 1000.zylker.admin x")],
            "INVALID_TOKEN",
        ),
        (
            &[("Authorization", "Zoho-oauthtoken 1000.zylker.admin'--")],
            "INVALID_TOKEN",
        ),
        (
            &[("Authorization", "Zoho-oauthtoken ' OR '1'='1")],
            "INVALID_TOKEN",
        ),
        (
            &[("Authorization", "Zoho-oauthtoken %31000.zylker.admin")],
            "INVALID_TOKEN",
        ),
        // Two headers: ambiguous, so no token is picked, even when one of them is valid.
        (
            &[
                ("Authorization", "Zoho-oauthtoken 1000.zylker.admin"),
                ("Authorization", "Zoho-oauthtoken 1000.blank.admin"),
            ],
            "INVALID_TOKEN",
        ),
        (
            &[
                ("Authorization", "Zoho-oauthtoken 1000.zylker.admin"),
                ("Authorization", "Zoho-oauthtoken 1000.zylker.admin"),
            ],
            "INVALID_TOKEN",
        ),
    ];
    for (headers, expected) in cases {
        let reply = server.call_with_headers("GET", PORTALS, headers, None);
        assert_error(&reply, 401, expected);
    }
    let long = format!("Zoho-oauthtoken {}", "a".repeat(16_000));
    let reply = server.call_with_headers("GET", PORTALS, &[("Authorization", &long)], None);
    assert_error(&reply, 401, "INVALID_TOKEN");
    // Nothing was written by any of them, and the real token still works.
    let create = server.call_with_headers(
        "POST",
        PORTALS,
        &[
            ("Authorization", "Zoho-oauthtoken 1000.blank.admin"),
            ("Authorization", "Zoho-oauthtoken 1000.blank.admin"),
        ],
        Some(r#"{"portals":[{"name":"Twice1"}]}"#),
    );
    assert_error(&create, 401, "INVALID_TOKEN");
    assert_eq!(server.get(PORTALS, BLANK).status, 204);
}

#[test]
fn bulk_invite_and_bulk_status_bodies_of_the_wrong_shape_schedule_nothing() {
    let server = start();
    let jobs_before = server.get("/__mock/orgs/zylker/jobs", ADMIN).body;
    let invite = "/crm/v8/Contacts/actions/portal_invite";
    let item = |fields: &str| format!(r#"{{"portal_invite":[{{"data":[{{{fields}}}]}}]}}"#);
    let ok_ids = r#""id":"1306462000000670001","user_type_id":"1306462000001813022""#;
    let cases: Vec<(String, &str)> = vec![
        ("[]".into(), "MANDATORY_NOT_FOUND"),
        ("{oops".into(), "JSON_PARSE_ERROR"),
        (r#"{"portal_invite":{}}"#.into(), "INVALID_DATA"),
        (r#"{"portal_invite":[]}"#.into(), "MANDATORY_NOT_FOUND"),
        (r#"{"portal_invite":[{"data":{}}]}"#.into(), "INVALID_DATA"),
        (
            r#"{"portal_invite":[{"data":[]}]}"#.into(),
            "MANDATORY_NOT_FOUND",
        ),
        (r#"{"portal_invite":[{"data":[7]}]}"#.into(), "INVALID_DATA"),
        (item(&format!(r#"{ok_ids},"type":true"#)), "INVALID_DATA"),
        (
            item(&format!(r#"{ok_ids},"type":"invite","language":7"#)),
            "INVALID_DATA",
        ),
        (
            item(r#""id":null,"user_type_id":"1306462000001813022","type":"invite""#),
            "MANDATORY_NOT_FOUND",
        ),
        (
            item(&format!(r#"{ok_ids},"type":"invite","type":"reinvite""#)),
            "JSON_PARSE_ERROR",
        ),
    ];
    for (body, expected) in &cases {
        let reply = server.post(invite, ADMIN, body);
        assert_refused(&reply, body, expected);
    }
    let status = "/crm/v8/settings/portals/ZylkerAutos/user_type/1306462000001813022/users/actions/change_status";
    let user = |fields: &str| format!(r#"{{"change_status":[{{"users":[{{{fields}}}]}}]}}"#);
    let cases: Vec<(String, &str)> = vec![
        ("[]".into(), "MANDATORY_NOT_FOUND"),
        (r#"{"change_status":{}}"#.into(), "INVALID_DATA"),
        (r#"{"change_status":[{"users":{}}]}"#.into(), "INVALID_DATA"),
        (
            user(r#""active":"false","personality_id":"1306462000000659009""#),
            "INVALID_DATA",
        ),
        (
            user(r#""active":null,"personality_id":"1306462000000659009""#),
            "MANDATORY_NOT_FOUND",
        ),
        (user(r#""active":false"#), "MANDATORY_NOT_FOUND"),
        (
            user(r#""personality_id":"1306462000000659009""#),
            "MANDATORY_NOT_FOUND",
        ),
    ];
    for (body, expected) in &cases {
        let reply = server.put(status, ADMIN, body);
        assert_refused(&reply, body, expected);
    }
    assert_eq!(
        server.get("/__mock/orgs/zylker/jobs", ADMIN).body,
        jobs_before
    );
}
