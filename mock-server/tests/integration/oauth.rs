//! The token endpoint, for what scenarios (fixtures/scenarios/oauth/) cannot express: the key
//! order of an answer holding a fresh random token, and `api_domain` being the server's own base.

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
