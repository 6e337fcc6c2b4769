//! `GET /oauth/v2/auth`: Zoho's authorization endpoint with the consent auto-approved (or
//! refused with `mock_consent=deny`), redirecting with `code`, `location` and
//! `accounts-server`; then the app's whole sign-in: exchange the code, call the API.

use serde_json::Value;

use crate::common::{TestServer, new_org, start};

const CLIENT: &str = "1000.MOCKCLIENT";
const REDIRECT: &str = "http://127.0.0.1:8089/callback";

/// Follows no redirect: answers the status and `Location`.
fn authorize(server: &TestServer, query: &str) -> (u16, String, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_redirects_will_error(false)
        .build()
        .into();
    let mut answer = agent
        .get(format!("{}/oauth/v2/auth?{query}", server.base))
        .call()
        .unwrap();
    let location = answer
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = answer.body_mut().read_to_string().unwrap_or_default();
    (answer.status().as_u16(), location, body)
}

/// The query pairs of a redirect, in order.
fn pairs(location: &str) -> Vec<(String, String)> {
    let (_, query) = location.split_once('?').unwrap();
    form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn query(org: Option<&str>, extra: &str) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("response_type", "code")
        .append_pair("client_id", CLIENT)
        .append_pair("redirect_uri", REDIRECT)
        .append_pair(
            "scope",
            "ZohoCRM.settings.clientportal.ALL,ZohoCRM.users.READ",
        )
        .append_pair("access_type", "offline")
        .append_pair("state", "xyz 1");
    if let Some(org) = org {
        query.append_pair("mock_org", org);
    }
    format!("{}{extra}", query.finish())
}

#[test]
fn an_apps_whole_sign_in_runs_from_the_consent_to_an_api_call() {
    let server = start();
    let org = new_org(&server, "zylker");
    let org_id = org["org_id"].as_str().unwrap();
    // Consent, auto-approved: back to the registered URI as Zoho sends it.
    let (status, location, _) = authorize(&server, &query(Some(org_id), ""));
    assert_eq!(status, 302);
    assert!(
        location.starts_with(&format!("{REDIRECT}?state=xyz+1&code=1000.")),
        "{location}"
    );
    let pairs = pairs(&location);
    let names: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["state", "code", "location", "accounts-server"]);
    assert_eq!(pairs[2].1, "us");
    assert_eq!(pairs[3].1, server.base);
    // The app exchanges the code at the accounts server it was told.
    let exchange = server.call_with_headers(
        "POST",
        "/oauth/v2/token",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        Some(
            &form_urlencoded::Serializer::new(String::new())
                .append_pair("grant_type", "authorization_code")
                .append_pair("client_id", CLIENT)
                .append_pair("client_secret", "mocksecret")
                .append_pair("redirect_uri", REDIRECT)
                .append_pair("code", &pairs[1].1)
                .finish(),
        ),
    );
    let tokens: Value = exchange.json();
    assert_eq!(
        tokens["scope"], "ZohoCRM.settings.clientportal.ALL ZohoCRM.users.READ",
        "{tokens}"
    );
    assert!(tokens["refresh_token"].is_string());
    // The token is the org's admin's: its portal answers.
    let access = tokens["access_token"].as_str().unwrap();
    let portals = server.get("/crm/v8/settings/portals", access);
    assert_eq!(portals.status, 200, "{}", portals.body);
    assert_eq!(portals.json()["portals"][0]["name"], "ZylkerAutos");
    // A code is spent once.
    let again = server.call(
        "POST",
        &format!(
            "/oauth/v2/token?grant_type=authorization_code&client_id={CLIENT}&client_secret=mocksecret&code={}",
            pairs[1].1
        ),
        None,
        None,
    );
    assert_eq!(again.json()["error"], "invalid_code");
}

#[test]
fn a_refused_consent_redirects_with_access_denied() {
    let server = start();
    let (status, location, _) = authorize(&server, &query(None, "&mock_consent=deny"));
    assert_eq!(status, 302);
    assert_eq!(
        location,
        format!("{REDIRECT}?error=access_denied&state=xyz+1")
    );
}

#[test]
fn a_bad_client_or_redirect_uri_is_answered_never_redirected() {
    let server = start();
    let cases = [
        (
            query(None, "").replace(CLIENT, "1000.NOPE"),
            "invalid_client",
        ),
        (
            query(None, "").replace("callback", "elsewhere"),
            "invalid_redirect_uri",
        ),
        (
            query(None, "").replace("response_type=code", "response_type=token"),
            "unsupported_response_type",
        ),
        (
            query(None, "").replace("scope=", "scope_="),
            "invalid_scope",
        ),
        (query(Some("no-such-org"), ""), "invalid_request"),
    ];
    for (query, error) in cases {
        let (status, location, body) = authorize(&server, &query);
        assert_eq!((status, location.as_str()), (400, ""), "{query}");
        assert_eq!(body, format!("{{\"error\":\"{error}\"}}"), "{query}");
    }
}
