//! What Zoho's official SDKs (Python `zohocrmsdk8-0`, Node.js `@zohocrm/nodejs-sdk-8.0`) send and
//! expect, each as the SDK does it: the `users?type=CurrentUser` and `org` calls right after a
//! token fetch, multipart token requests, bodies without a Content-Type, `active=False`, bodiless
//! action POSTs, and answers whose Content-Type the SDKs can read. `make examples` runs the SDKs
//! themselves.

use crate::common::{ADMIN, BLANK, JSON, NOPERM, READONLY, Reply, TestServer, assert_reply, start};

const SCOPE_MISMATCH: &str = r#"{"code":"OAUTH_SCOPE_MISMATCH","details":{},"message":"invalid oauth scope to access this URL","status":"error"}"#;

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
fn current_user_answers_the_tokens_user_as_the_users_api_does() {
    let server = start();
    assert_reply(
        &server.get("/crm/v8/users?type=CurrentUser", ADMIN),
        200,
        r#"{"users":[{"id":"1306462000083528405","first_name":"Patricia","last_name":"Boyle","full_name":"Patricia Boyle","email":"patricia.boyle@zylker.com","status":"active","confirm":true,"profile":{"name":"Administrator","id":"1306462000000026011"}}],"info":{"per_page":200,"count":1,"page":1,"more_records":false}}"#,
    );
    // A user whose profile has no portal permission still reads itself: the Users API asks for
    // the users scope only.
    let kevin = server.get("/crm/v8/users?type=CurrentUser", NOPERM).json();
    assert_eq!(kevin["users"][0]["full_name"], "Kevin Hart");
    assert_eq!(
        kevin["users"][0]["profile"],
        serde_json::json!({"name": "Standard", "id": "1306462000000026014"})
    );
}

#[test]
fn the_users_list_selects_by_type_and_pages() {
    let server = start();
    let ids = |reply: &Reply| -> Vec<String> {
        reply.json()["users"]
            .as_array()
            .unwrap()
            .iter()
            .map(|user| user["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let all = server.get("/crm/v8/users", ADMIN);
    assert_eq!(all.status, 200);
    assert_eq!(ids(&all).len(), 4);
    assert_eq!(
        ids(&all),
        ids(&server.get("/crm/v8/users?type=ActiveUsers", ADMIN))
    );
    let admins = server.get("/crm/v8/users?type=AdminUsers", ADMIN);
    assert_eq!(ids(&admins).len(), 3);
    assert!(!ids(&admins).contains(&"1306462000083528411".to_owned()));
    for none in ["DeactiveUsers", "NotConfirmedUsers", "DeletedUsers"] {
        let reply = server.get(&format!("/crm/v8/users?type={none}"), ADMIN);
        assert_eq!(
            (reply.status, reply.content_type, reply.body.as_str()),
            (204, None, "")
        );
    }
    let first = server.get("/crm/v8/users?per_page=3", ADMIN).json();
    assert_eq!(first["info"]["more_records"], true);
    let second = server.get("/crm/v8/users?per_page=3&page=2", ADMIN);
    assert_eq!(ids(&second), ["1306462000083528411"]);
    assert_eq!(second.json()["info"]["more_records"], false);
    assert_eq!(
        server.get("/crm/v8/users?page=3&per_page=3", ADMIN).status,
        204
    );
    assert_reply(
        &server.get("/crm/v8/users?type=Everyone", ADMIN),
        400,
        r#"{"code":"INVALID_DATA","details":{"param_name":"type"},"message":"invalid data","status":"error"}"#,
    );
    assert_reply(
        &server.get("/crm/v8/users?per_page=201", ADMIN),
        400,
        r#"{"code":"INVALID_DATA","details":{"param_name":"per_page"},"message":"invalid data","status":"error"}"#,
    );
}

#[test]
fn org_answers_the_fixture_org_as_the_organization_api_does() {
    let server = start();
    let reply = server.get("/crm/v8/org", ADMIN);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.content_type.as_deref(), Some(JSON));
    let body = reply.json();
    let org = &body["org"][0];
    assert_eq!(body["org"].as_array().unwrap().len(), 1);
    assert_eq!(org["id"], "1306462000000000001");
    assert_eq!(org["company_name"], "Zylker Autos");
    assert_eq!(org["zgid"], "10052946888");
    assert_eq!(org["domain_name"], "org10052946888");
    assert_eq!(org["primary_email"], "patricia.boyle@zylker.com");
    assert_eq!(org["type"], "production");
    assert_eq!(
        org["license_details"],
        serde_json::json!({"paid": true, "paid_type": "enterprise", "trial_type": null,
                           "trial_expiry": null, "paid_expiry": null})
    );
    let trial = server.get("/crm/v8/org", "1000.trial.admin").json();
    assert_eq!(trial["org"][0]["license_details"]["paid"], false);
    assert_eq!(trial["org"][0]["license_details"]["paid_type"], "free");
    // Any profile may read the org; every served version answers it.
    assert_eq!(server.get("/crm/v8/org", NOPERM).status, 200);
    assert_eq!(server.get("/crm/v4/org", ADMIN).status, 200);
    let wrong_method = server.post("/crm/v8/org", ADMIN, "{}");
    assert_eq!(wrong_method.json()["code"], "INVALID_REQUEST_METHOD");
}

#[test]
fn users_and_org_need_their_own_scopes() {
    let server = start();
    // `1000.zylker.readonly` holds `ZohoCRM.settings.clientportal.READ` only.
    for path in ["/crm/v8/users?type=CurrentUser", "/crm/v8/org"] {
        assert_reply(&server.get(path, READONLY), 401, SCOPE_MISMATCH);
        assert_eq!(
            server.get(path, "1000.zylker.expired").json()["code"],
            "INVALID_TOKEN"
        );
        assert_eq!(
            server.call("GET", path, None, None).json()["code"],
            "AUTHENTICATION_FAILURE"
        );
    }
}

#[test]
fn tokens_from_the_refresh_flow_can_call_users_and_org() {
    let server = start();
    let access = refresh(&server, "1000.zylker.refresh");
    let user = server.get("/crm/v8/users?type=CurrentUser", &access).json();
    assert_eq!(user["users"][0]["email"], "patricia.boyle@zylker.com");
    assert_eq!(
        server.get("/crm/v8/org", &access).json()["org"][0]["zgid"],
        "10052946888"
    );
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
    let reply = server.call("POST", "/__mock/orgs", None, Some(r#"{"fixture":"blank"}"#));
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

#[test]
fn a_sandbox_serves_users_and_org_but_not_the_portals_api() {
    let server = start();
    let on_sandbox = |path: &str| {
        server.call_with_headers(
            "GET",
            path,
            &[
                ("Authorization", "Zoho-oauthtoken 1000.zylker.admin"),
                ("Host", "sandbox.zohoapis.com"),
            ],
            None,
        )
    };
    assert_eq!(on_sandbox("/crm/v8/users?type=CurrentUser").status, 200);
    assert_eq!(on_sandbox("/crm/v8/org").status, 200);
    assert_eq!(
        on_sandbox("/crm/v8/settings/portals").json()["code"],
        "API_NOT_SUPPORTED"
    );
}
