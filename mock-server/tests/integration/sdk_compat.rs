//! What Zoho's official SDKs (Python `zohocrmsdk8-0`, Node.js `@zohocrm/nodejs-sdk-8.0`) send
//! and expect, where a scenario cannot say it: multipart token requests whose answer holds a fresh
//! token, a control-plane org's own refresh token, and the Python SDK's request shapes on the
//! shared blank org. The `users?type=CurrentUser` and `org` calls are fixtures/scenarios/sdk/;
//! `make examples` runs the SDKs themselves.

use crate::common::{BLANK, JSON, TestServer, start};

fn refresh(server: &TestServer, refresh_token: &str) -> String {
    let reply = server.call_with_headers(
        "POST",
        "/oauth/v2/token",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        Some(&format!(
            "client_id=1000.MOCKCLIENT&client_secret=mocksecret&grant_type=refresh_token&refresh_token={refresh_token}"
        )),
    );
    let body = reply.json();
    body["access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("no access token: {}", reply.body))
        .to_owned()
}

#[test]
fn a_multipart_token_request_as_the_node_sdk_sends_it_issues_a_token() {
    let server = start();
    let boundary = "--------------------------515890814546601021194782";
    let field = |name: &str, value: &str| {
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        )
    };
    let body = [
        field("client_id", "1000.MOCKCLIENT"),
        field("client_secret", "mocksecret"),
        field("grant_type", "refresh_token"),
        field("refresh_token", "1000.zylker.refresh"),
        format!("--{boundary}--\r\n"),
    ]
    .concat();
    let reply = server.call_with_headers(
        "POST",
        "/oauth/v2/token",
        &[(
            "Content-Type",
            &format!("multipart/form-data; boundary={boundary}"),
        )],
        Some(&body),
    );
    let access = reply.json()["access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("{}", reply.body))
        .to_owned();
    assert_eq!(server.get("/crm/v8/settings/portals", &access).status, 200);
    // A wrong secret in a multipart body is refused as in a form body.
    let refused = server.call_with_headers(
        "POST",
        "/oauth/v2/token",
        &[(
            "Content-Type",
            &format!("multipart/form-data; boundary={boundary}"),
        )],
        Some(&body.replace("mocksecret", "wrong")),
    );
    assert_eq!(refused.json()["error"], "invalid_client");
}

#[test]
fn a_control_plane_org_comes_with_a_refresh_token_for_the_sdks() {
    let server = start();
    let reply = server.control("POST", "/__mock/orgs", r#"{"fixture":"blank"}"#);
    assert_eq!(reply.status, 201);
    let org = reply.json();
    assert_eq!(org["client_id"], "1000.MOCKCLIENT");
    let access = refresh(&server, org["refresh_token"].as_str().unwrap());
    // The refreshed token selects the new org (no portal yet), not the blank fixture's org.
    assert_eq!(server.get("/crm/v8/settings/portals", &access).status, 204);
    server.post(
        "/crm/v8/settings/portals",
        BLANK,
        r#"{"portals":[{"name":"BlankPortal"}]}"#,
    );
    assert_eq!(server.get("/crm/v8/settings/portals", &access).status, 204);
    let user = server.get("/crm/v8/users?type=CurrentUser", &access).json();
    assert_eq!(user["users"][0]["email"], "patricia.boyle@zylker.com");
}

#[test]
fn requests_shaped_as_the_python_sdk_sends_them_are_served() {
    let server = start();
    // No Content-Type on a JSON body; json.dumps' default separators.
    let created = server.call(
        "POST",
        "/crm/v8/settings/portals",
        Some(BLANK),
        Some(r#"{"portals": [{"name": "DealerHub"}]}"#),
    );
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(created.content_type.as_deref(), Some(JSON));
    let types = server
        .get("/crm/v8/settings/portals/DealerHub/user_type", BLANK)
        .json();
    let type_id = types["user_type"][0]["id"].as_str().unwrap().to_owned();
    // An action POST with an empty body (Content-Length: 0) and the parameters in the query.
    let invited = server.call(
        "POST",
        &format!(
            "/crm/v8/Contacts/1306462000000670001/actions/portal_invite?user_type_id={type_id}&type=invite"
        ),
        Some(BLANK),
        None,
    );
    assert_eq!(invited.status, 200, "{}", invited.body);
    assert_eq!(invited.json()["portal_invite"][0]["status"], "success");
    server.call(
        "POST",
        "/__mock/orgs/blank/users/1306462000000670001/confirm",
        None,
        None,
    );
    // Python's str(False), as the SDK writes booleans in a query.
    let status = server.call(
        "PUT",
        &format!(
            "/crm/v8/settings/portals/DealerHub/user_type/{type_id}/users/1306462000000670001/actions/change_status?active=False"
        ),
        Some(BLANK),
        None,
    );
    assert_eq!(status.status, 200, "{}", status.body);
    let users = server
        .get(
            &format!("/crm/v8/settings/portals/DealerHub/user_type/{type_id}/users"),
            BLANK,
        )
        .json();
    assert_eq!(users["users"][0]["active"], false);
}
