//! One pattern language for faults (stubs) and verification, over HTTP: a stub answers any
//! status, headers and body; a 429 fault sends the limits' headers; `requests/count` matches
//! the answer's status, headers and JSON paths.

use serde_json::json;

use crate::common::{ADMIN, count_requests, first_portal_name, start};

const PORTALS: &str = "/crm/v8/settings/portals";

#[test]
fn a_stub_answers_what_it_was_given_and_nothing_is_applied() {
    let server = start();
    let added = server.control(
        "POST",
        "/__mock/orgs/zylker/faults",
        &json!({
            "method": "POST", "url_path": PORTALS,
            "body_json": {"$.portals[0].name": "Stubbed"},
            "response": {"status": 202, "headers": {"Content-Type": "text/plain", "X-Stub": "yes"},
                         "body": "accepted, maybe"},
            "priority": 1
        })
        .to_string(),
    );
    assert_eq!(added.status, 201, "{}", added.body);
    let stubbed = server.post(PORTALS, ADMIN, r#"{"portals":[{"name":"Stubbed"}]}"#);
    assert_eq!(stubbed.status, 202);
    assert_eq!(stubbed.body, "accepted, maybe");
    assert_eq!(stubbed.content_type.as_deref(), Some("text/plain"));
    assert_eq!(stubbed.header("x-stub"), Some("yes"));
    // Another body is not matched: the real API answers (zylker has its portal already).
    let real = server.post(PORTALS, ADMIN, r#"{"portals":[{"name":"Other"}]}"#);
    assert_ne!(real.status, 202);
    assert_eq!(first_portal_name(&server, ADMIN), "ZylkerAutos");
}

#[test]
fn a_too_many_requests_fault_sends_retry_after_and_the_rate_limit_headers() {
    let server = start();
    server.control(
        "POST",
        "/__mock/faults",
        r#"{"error":{"code":"TOO_MANY_REQUESTS"},"times":1}"#,
    );
    let refused = server.get(PORTALS, ADMIN);
    assert_eq!(refused.status, 429);
    assert_eq!(refused.header("retry-after"), Some("60"));
    assert_eq!(refused.header("x-ratelimit-remaining"), Some("0"));
    assert_eq!(refused.header("x-ratelimit-limit"), Some("100"));
    assert_eq!(refused.header("x-ratelimit-reset"), Some("60"));
    assert_eq!(refused.json()["details"]["retry_after"], 60);
}

#[test]
fn verification_matches_status_headers_and_json_paths() {
    let server = start();
    server.call_with_headers(
        "POST",
        PORTALS,
        &[
            ("Authorization", "Zoho-oauthtoken 1000.zylker.admin"),
            ("X-Client", "dealer-app/2"),
        ],
        Some(r#"{"portals":[{"name":"Second"}]}"#),
    );
    server.get(PORTALS, ADMIN);
    let count =
        |pattern: serde_json::Value| count_requests(&server, "zylker", &pattern.to_string()).json();
    let refused_create = count(json!({
        "method": "POST", "status": 400,
        "headers": {"x-client": {"matches": "^dealer-app/"}},
        "body_json": {"$.portals[0].name": "Second"}
    }));
    assert_eq!(refused_create, json!({"count": 1}));
    assert_eq!(count(json!({"status": 200}))["count"], 1);
    let miss = count(json!({"method": "POST", "status": 201}));
    assert_eq!(miss["count"], 0);
    assert_eq!(
        miss["near_misses"][0]["differences"],
        json!(["status: expected 201, was 400"])
    );
    let bad = count_requests(&server, "zylker", r#"{"body_json":{"portals":1}}"#);
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["error"]["code"], "BAD_PATTERN");
}
