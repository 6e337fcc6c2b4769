//! The token endpoint: refresh and authorization-code grants, and revocation.

use crate::common::{Reply, TestServer, start};

fn token(server: &TestServer, form: &str) -> Reply {
    server.call_with_headers(
        "POST",
        "/oauth/v2/token",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        Some(form),
    )
}

#[test]
fn a_refresh_grant_in_a_form_body_issues_a_working_one_hour_token() {
    let server = start();
    let reply = token(
        &server,
        "refresh_token=1000.zylker.refresh&client_id=1000.MOCKCLIENT&client_secret=mocksecret&grant_type=refresh_token",
    );
    assert_eq!(reply.status, 200);
    let body = reply.json();
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "access_token",
            "scope",
            "api_domain",
            "token_type",
            "expires_in"
        ]
    );
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["api_domain"], server.base);
    let access = body["access_token"].as_str().unwrap();
    assert!(
        access.starts_with("1000.") && access.len() == 70,
        "{access}"
    );
    assert_eq!(server.get("/crm/v8/settings/portals", access).status, 200);
}

#[test]
fn a_refresh_grant_in_the_query_string_works_too() {
    let server = start();
    let reply = server.call(
        "POST",
        "/oauth/v2/token?refresh_token=1000.zylker.refresh&client_id=1000.MOCKCLIENT&client_secret=mocksecret&grant_type=refresh_token",
        None,
        None,
    );
    assert!(reply.json()["access_token"].is_string(), "{}", reply.body);
}

#[test]
fn bad_clients_codes_and_grant_types_answer_zoho_accounts_errors() {
    let server = start();
    let cases = [
        (
            "refresh_token=1000.zylker.refresh&client_id=1000.MOCKCLIENT&client_secret=wrong&grant_type=refresh_token",
            "invalid_client",
        ),
        (
            "refresh_token=1000.zylker.refresh&client_id=1000.OTHER&client_secret=mocksecret&grant_type=refresh_token",
            "invalid_client",
        ),
        (
            "refresh_token=1000.nope&client_id=1000.MOCKCLIENT&client_secret=mocksecret&grant_type=refresh_token",
            "invalid_code",
        ),
        (
            "client_id=1000.MOCKCLIENT&client_secret=mocksecret&grant_type=password",
            "unsupported_grant_type",
        ),
        (
            "client_id=1000.MOCKCLIENT&client_secret=mocksecret",
            "unsupported_grant_type",
        ),
    ];
    for (form, error) in cases {
        let reply = token(&server, form);
        assert_eq!(reply.status, 200);
        assert_eq!(reply.body, format!(r#"{{"error":"{error}"}}"#), "{form}");
    }
}

#[test]
fn an_authorization_code_is_exchanged_once_for_refresh_and_access_tokens() {
    let server = start();
    let form = "grant_type=authorization_code&client_id=1000.MOCKCLIENT&client_secret=mocksecret&redirect_uri=http%3A%2F%2F127.0.0.1%3A8089%2Fcallback&code=1000.zylker.grant";
    let body = token(&server, form).json();
    let refresh = body["refresh_token"].as_str().unwrap().to_owned();
    assert_eq!(
        server
            .get(
                "/crm/v8/settings/portals",
                body["access_token"].as_str().unwrap()
            )
            .status,
        200
    );
    // The code is spent.
    assert_eq!(token(&server, form).body, r#"{"error":"invalid_code"}"#);
    // The new refresh token refreshes, and once revoked it no longer does.
    let again = token(
        &server,
        &format!(
            "grant_type=refresh_token&client_id=1000.MOCKCLIENT&client_secret=mocksecret&refresh_token={refresh}"
        ),
    );
    assert!(again.json()["access_token"].is_string());
    let revoked = server.call(
        "POST",
        &format!("/oauth/v2/token/revoke?token={refresh}"),
        None,
        None,
    );
    assert_eq!(revoked.body, r#"{"status":"success"}"#);
    let after = token(
        &server,
        &format!(
            "grant_type=refresh_token&client_id=1000.MOCKCLIENT&client_secret=mocksecret&refresh_token={refresh}"
        ),
    );
    assert_eq!(after.body, r#"{"error":"invalid_code"}"#);
}

#[test]
fn a_code_sent_with_another_redirect_uri_is_refused() {
    let server = start();
    let reply = token(
        &server,
        "grant_type=authorization_code&client_id=1000.MOCKCLIENT&client_secret=mocksecret&redirect_uri=https%3A%2F%2Fevil.example%2F&code=1000.zylker.grant",
    );
    assert_eq!(reply.body, r#"{"error":"invalid_redirect_uri"}"#);
}
