//! Routing errors, versions, and authentication / authorisation over real HTTP.

use crate::common::{ADMIN, assert_reply, start};

const INVALID_URL: &str = r#"{"code":"INVALID_URL_PATTERN","details":{},"message":"Please check if the URL trying to access is a correct one","status":"error"}"#;
const INVALID_METHOD: &str = r#"{"code":"INVALID_REQUEST_METHOD","details":{},"message":"The http request method type is not a valid one","status":"error"}"#;

#[test]
fn unknown_paths_answer_404_invalid_url_pattern() {
    let server = start();
    for path in [
        "/",
        "/crm/v8/settings/portal",
        "/crm/v8/settings/portals/ZylkerAutos/nothing/here/at/all/x",
        "/crm/v99/settings/portals",
        "/something",
    ] {
        assert_reply(&server.get(path, ADMIN), 404, INVALID_URL);
    }
}

#[test]
fn known_paths_with_the_wrong_method_answer_400_invalid_request_method() {
    let server = start();
    for (method, path) in [
        ("DELETE", "/crm/v8/settings/portals"),
        ("PATCH", "/crm/v8/settings/portals"),
        ("PUT", "/crm/v8/settings/portals"),
        ("POST", "/crm/v8/settings/portals/ZylkerAutos"),
        ("DELETE", "/crm/v8/settings/portals/ZylkerAutos"),
        ("OPTIONS", "/crm/v8/settings/portals"),
        ("GET", "/oauth/v2/token"),
    ] {
        let reply = server.call(method, path, Some(ADMIN), None);
        assert_reply(&reply, 400, INVALID_METHOD);
    }
}

#[test]
fn versions_before_v4_answer_api_not_supported() {
    let server = start();
    for version in ["v2", "v2.1", "v3"] {
        let reply = server.get(&format!("/crm/{version}/settings/portals"), ADMIN);
        assert_reply(
            &reply,
            400,
            r#"{"code":"API_NOT_SUPPORTED","details":{"supported_version":4.0},"message":"api not supported in this version","status":"error"}"#,
        );
    }
}

#[test]
fn a_missing_header_or_another_scheme_is_authentication_failure() {
    let server = start();
    let body = r#"{"code":"AUTHENTICATION_FAILURE","details":{},"message":"Authentication failed","status":"error"}"#;
    assert_reply(
        &server.call("GET", "/crm/v8/settings/portals", None, None),
        401,
        body,
    );
    let bearer = server.call_with_headers(
        "GET",
        "/crm/v8/settings/portals",
        &[("Authorization", "Bearer 1000.zylker.admin")],
        None,
    );
    assert_reply(&bearer, 401, body);
}

#[test]
fn unknown_empty_and_expired_tokens_are_invalid_token() {
    let server = start();
    let body =
        r#"{"code":"INVALID_TOKEN","details":{},"message":"invalid oauth token","status":"error"}"#;
    for token in [
        "1000.nope.nope",
        "1000.zylker.expired",
        "1000.zylker.refresh",
        "",
    ] {
        let reply = server.call_with_headers(
            "GET",
            "/crm/v8/settings/portals",
            &[("Authorization", &format!("Zoho-oauthtoken {token}"))],
            None,
        );
        assert_reply(&reply, 401, body);
    }
}

#[test]
fn a_read_only_token_reads_but_cannot_create_or_update() {
    let server = start();
    let token = "1000.zylker.readonly";
    assert_eq!(server.get("/crm/v8/settings/portals", token).status, 200);
    let body = r#"{"code":"OAUTH_SCOPE_MISMATCH","details":{},"message":"invalid oauth scope to access this URL","status":"error"}"#;
    assert_reply(
        &server.post(
            "/crm/v8/settings/portals",
            token,
            r#"{"portals":[{"name":"Another1"}]}"#,
        ),
        401,
        body,
    );
    assert_reply(
        &server.put(
            "/crm/v8/settings/portals/ZylkerAutos",
            token,
            r#"{"portals":[{"name":"Another1"}]}"#,
        ),
        401,
        body,
    );
}

#[test]
fn a_profile_without_manage_portal_gets_the_documented_no_permission_bodies() {
    let server = start();
    let token = "1000.zylker.noperm";
    assert_reply(
        &server.get("/crm/v8/settings/portals", token),
        403,
        r#"{"code":"NO_PERMISSION","details":{},"message":"Permission is invalid.","status":"error"}"#,
    );
    let with_details = r#"{"code":"NO_PERMISSION","details":{"permissions":["Crm_Implied_Manage_ClientPortal"]},"message":"Permission is invalid.","status":"error"}"#;
    assert_reply(
        &server.get("/crm/v8/settings/portals/ZylkerAutos", token),
        403,
        with_details,
    );
    assert_reply(
        &server.post(
            "/crm/v8/settings/portals",
            token,
            r#"{"portals":[{"name":"Another1"}]}"#,
        ),
        403,
        with_details,
    );
    assert_reply(
        &server.put(
            "/crm/v8/settings/portals/ZylkerAutos",
            token,
            r#"{"portals":[{"name":"Another1"}]}"#,
        ),
        403,
        with_details,
    );
}

#[test]
fn a_sandbox_host_answers_api_not_supported() {
    let server = start();
    let reply = server.call_with_headers(
        "GET",
        "/crm/v8/settings/portals",
        &[
            ("Authorization", "Zoho-oauthtoken 1000.zylker.admin"),
            ("Host", "sandbox.zohoapis.com"),
        ],
        None,
    );
    assert_reply(
        &reply,
        400,
        r#"{"code":"API_NOT_SUPPORTED","details":{"unsupported_environment":"sandbox"},"message":"api not supported in sandbox","status":"error"}"#,
    );
}

#[test]
fn a_body_over_the_limit_answers_413_and_writes_nothing() {
    let server = start();
    let name = "A".repeat(2 * 1024 * 1024);
    let reply = server.post(
        "/crm/v8/settings/portals",
        "1000.blank.admin",
        &format!(r#"{{"portals":[{{"name":"{name}"}}]}}"#),
    );
    assert_reply(
        &reply,
        413,
        r#"{"code":"REQUEST_ENTITY_TOO_LARGE","details":{"maximum_size":1048576},"message":"request body exceeds the allowed size","status":"error"}"#,
    );
    assert_eq!(
        server
            .get("/crm/v8/settings/portals", "1000.blank.admin")
            .status,
        204
    );
}
