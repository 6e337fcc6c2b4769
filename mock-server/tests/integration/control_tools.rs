//! The control plane's test tools over real HTTP: two orgs in parallel on one server, the
//! request journal (with redaction), verification with near misses, faults, the per-org clock,
//! API limits, the sandbox environment, snapshots, and who may use it.

use crate::common::{ADMIN, BLANK, assert_seeded_portals, count_requests, start, start_configured};
use portals_mock::ControlPlane;
use serde_json::{Value, json};

const PORTALS: &str = "/crm/v8/settings/portals";

fn new_org(server: &crate::common::TestServer, fixture: &str) -> (String, String) {
    let created = crate::common::new_org(server, fixture);
    (
        created["org_id"].as_str().unwrap().to_owned(),
        created["access_token"].as_str().unwrap().to_owned(),
    )
}

/// The org's journal (`GET /__mock/orgs/{org}/requests` with `query`, which may be empty).
fn journal(server: &crate::common::TestServer, org: &str, query: &str) -> Value {
    control(
        server,
        "GET",
        &format!("/__mock/orgs/{org}/requests{query}"),
        json!(null),
    )
}

/// Moves the org's clock forward by `by` (`{"by": "1d"}`, `{"seconds": 60}`): its answer.
fn advance_clock(server: &crate::common::TestServer, org: &str, by: Value) -> Value {
    control(
        server,
        "POST",
        &format!("/__mock/orgs/{org}/clock/advance"),
        by,
    )
}

/// Adds a fault to the org: its answer (with the `fault_id`).
fn add_fault(server: &crate::common::TestServer, org: &str, fault: Value) -> Value {
    control(server, "POST", &format!("/__mock/orgs/{org}/faults"), fault)
}

/// Sets the org's clock (`{"now": …}`): its answer.
fn set_clock(server: &crate::common::TestServer, org: &str, setting: Value) -> Value {
    control(server, "PUT", &format!("/__mock/orgs/{org}/clock"), setting)
}

/// Sets the org's API limits: its answer.
fn set_limits(server: &crate::common::TestServer, org: &str, limits: Value) -> Value {
    control(server, "PUT", &format!("/__mock/orgs/{org}/limits"), limits)
}

/// Makes the org a `sandbox` or `production` one: its answer.
fn set_environment(server: &crate::common::TestServer, org: &str, environment: &str) -> Value {
    let path = format!("/__mock/orgs/{org}/environment");
    control(server, "PUT", &path, json!({ "environment": environment }))
}

/// How many pending invitations of the org expire now.
fn expire_invitations(server: &crate::common::TestServer, org: &str) -> Value {
    let path = format!("/__mock/orgs/{org}/invitations/expire");
    control(server, "POST", &path, json!(null))["expired"].clone()
}

/// A fresh access token for zylker's admin, from its refresh token.
fn refreshed_zylker_token(server: &crate::common::TestServer) -> String {
    let issued = server
        .call_with_headers(
            "POST",
            "/oauth/v2/token",
            &[],
            Some("grant_type=refresh_token&client_id=1000.MOCKCLIENT&client_secret=mocksecret&refresh_token=1000.zylker.refresh"),
        )
        .json();
    issued["access_token"].as_str().unwrap().to_owned()
}

fn control(server: &crate::common::TestServer, method: &str, path: &str, body: Value) -> Value {
    let reply = server.call(method, path, None, Some(&body.to_string()));
    assert!(
        reply.status < 300,
        "{method} {path}: {} {}",
        reply.status,
        reply.body
    );
    reply.json()
}

#[test]
fn two_orgs_used_in_parallel_see_only_their_own_data_and_requests() {
    let server = start();
    let (a, token_a) = new_org(&server, "blank");
    let (b, token_b) = new_org(&server, "blank");
    std::thread::scope(|scope| {
        for (token, name) in [(&token_a, "ParallelA"), (&token_b, "ParallelB")] {
            let server = &server;
            scope.spawn(move || {
                for i in 0..5 {
                    let body = format!(r#"{{"portals":[{{"name":"{name}{i}"}}]}}"#);
                    let reply = server.post(PORTALS, token, &body);
                    assert!(reply.status == 200 || reply.status == 400, "{}", reply.body);
                }
            });
        }
    });
    let portal_a = server.get(PORTALS, &token_a).json();
    let portal_b = server.get(PORTALS, &token_b).json();
    assert_eq!(portal_a["portals"][0]["name"], "ParallelA0");
    assert_eq!(portal_b["portals"][0]["name"], "ParallelB0");
    let journal_a = journal(&server, &a, "");
    let requests = journal_a["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 6);
    assert!(requests.iter().all(|r| r["org_id"] == a.as_str()));
    assert!(
        requests
            .iter()
            .all(|r| !r["body"].to_string().contains("ParallelB"))
    );
    let journal_b = journal(&server, &b, "");
    assert_eq!(journal_b["requests"].as_array().unwrap().len(), 6);
}

#[test]
fn the_journal_records_each_exchange_and_never_a_secret() {
    let server = start();
    server.post(PORTALS, BLANK, r#"{"portals":[{"name":"JournalPortal"}]}"#);
    server.get("/crm/v8/settings/portals/Nowhere1", BLANK);
    let refresh = server.call_with_headers(
        "POST",
        "/oauth/v2/token",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        Some("grant_type=refresh_token&client_id=1000.MOCKCLIENT&client_secret=mocksecret&refresh_token=1000.zylker.refresh"),
    );
    let issued = refresh.json()["access_token"].as_str().unwrap().to_owned();
    let all = server.call("GET", "/__mock/requests", None, None);
    for secret in [BLANK, "mocksecret", "1000.zylker.refresh", issued.as_str()] {
        assert!(!all.body.contains(secret), "{secret} leaked: {}", all.body);
    }
    let blank = journal(&server, "blank", "");
    let requests = blank["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 2);
    let create = &requests[0];
    assert_eq!(create["method"], "POST");
    assert_eq!(create["path"], PORTALS);
    assert_eq!(
        create["headers"]["authorization"],
        "Zoho-oauthtoken [REDACTED]"
    );
    assert_eq!(
        create["body"],
        json!({"portals":[{"name":"JournalPortal"}]})
    );
    assert_eq!(create["status"], 200);
    assert_eq!(create["response"]["portals"][0]["code"], "SUCCESS");
    assert_eq!(requests[1]["status"], 400);
    let zylker = journal(&server, "zylker", "");
    let token_call = &zylker["requests"][0];
    assert_eq!(token_call["path"], "/oauth/v2/token");
    assert_eq!(token_call["body"]["client_secret"], "[REDACTED]");
    assert_eq!(token_call["response"]["access_token"], "[REDACTED]");
    // Filters, then clearing.
    let failed = journal(
        &server,
        "blank",
        "?status=400&method=get&path_pattern=Nowhere",
    );
    assert_eq!(failed["requests"].as_array().unwrap().len(), 1);
    let since = requests[0]["seq"].as_u64().unwrap();
    let later = journal(&server, "blank", &format!("?since={since}"));
    assert_eq!(later["requests"].as_array().unwrap().len(), 1);
    let bad = server.call("GET", "/__mock/requests?path_pattern=(", None, None);
    assert_eq!(bad.status, 400);
    assert_eq!(
        control(
            &server,
            "DELETE",
            "/__mock/orgs/blank/requests",
            json!(null)
        )["cleared"],
        2
    );
    assert_eq!(journal(&server, "blank", "")["requests"], json!([]));
    assert_eq!(
        journal(&server, "zylker", "")["requests"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn the_journal_is_bounded_by_its_size() {
    let server = start_configured(|config| config.journal_size = 3);
    for _ in 0..5 {
        server.get(PORTALS, ADMIN);
    }
    let journal = control(&server, "GET", "/__mock/requests", json!(null));
    let seqs: Vec<u64> = journal["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs, [3, 4, 5]);
    assert_eq!(journal["dropped"], 2);
}

#[test]
fn verification_counts_matches_or_shows_the_near_misses() {
    let server = start();
    server.post(PORTALS, BLANK, r#"{"portals":[{"name":"VerifyPortal"}]}"#);
    server.get("/crm/v8/settings/portals/VerifyPortal", BLANK);
    let count = |pattern: Value| count_requests(&server, "blank", &pattern.to_string()).json();
    assert_eq!(
        count(json!({"method": "POST", "url_path": PORTALS, "body_contains": "VerifyPortal"})),
        json!({"count": 1})
    );
    let miss =
        count(json!({"method": "PUT", "url_path_pattern": "^/crm/v8/settings/portals/[A-Za-z]+$"}));
    assert_eq!(miss["count"], 0);
    assert_eq!(miss["near_misses"][0]["request"]["method"], "GET");
    assert_eq!(
        miss["near_misses"][0]["differences"],
        json!(["method: expected PUT, was GET"])
    );
    let bad = count_requests(&server, "blank", r#"{"verb":"GET"}"#);
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("unknown key"), "{}", bad.body);
}

#[test]
fn faults_add_latency_force_errors_and_reset_connections_per_org() {
    let server = start();
    let added = add_fault(
        &server,
        "blank",
        json!({"method": "POST", "url_path_pattern": "/settings/portals$", "error": {"code": "INTERNAL_ERROR"}}),
    );
    let fault_id = added["fault_id"].as_str().unwrap().to_owned();
    let forced = server.post(PORTALS, BLANK, r#"{"portals":[{"name":"FaultPortal"}]}"#);
    assert_eq!(forced.status, 500);
    assert_eq!(
        forced.body,
        r#"{"code":"INTERNAL_ERROR","details":{},"message":"Internal Server Error","status":"error"}"#
    );
    // Nothing was applied, and other orgs are untouched.
    assert_seeded_portals(&server);
    assert_eq!(
        control(&server, "GET", "/__mock/orgs/blank/faults", json!(null))["faults"][0]["fault_id"],
        fault_id.as_str()
    );
    control(
        &server,
        "DELETE",
        &format!("/__mock/orgs/blank/faults/{fault_id}"),
        json!(null),
    );
    assert_eq!(
        server
            .post(PORTALS, BLANK, r#"{"portals":[{"name":"FaultPortal"}]}"#)
            .status,
        200
    );
    // Latency.
    control(
        &server,
        "POST",
        "/__mock/faults",
        json!({"method": "GET", "latency_ms": 300, "times": 1}),
    );
    let started = std::time::Instant::now();
    assert_eq!(server.get(PORTALS, ADMIN).status, 200);
    assert!(started.elapsed() >= std::time::Duration::from_millis(300));
    assert_eq!(
        control(&server, "GET", "/__mock/faults", json!(null))["faults"],
        json!([])
    );
    // A reset connection: the client sees no answer at all.
    add_fault(
        &server,
        "zylker",
        json!({"reset_connection": true, "times": 1}),
    );
    let agent = crate::common::agent();
    let outcome = agent
        .get(format!("{}{PORTALS}", server.base))
        .header("Authorization", format!("Zoho-oauthtoken {ADMIN}"))
        .call();
    assert!(outcome.is_err(), "{outcome:?}");
    let journal = journal(&server, "zylker", "");
    let last = journal["requests"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["status"], 0);
    // All at once.
    add_fault(&server, "blank", json!({"latency_ms": 1}));
    add_fault(&server, "blank", json!({"latency_ms": 2}));
    assert_eq!(
        control(&server, "DELETE", "/__mock/orgs/blank/faults", json!(null))["removed"],
        2
    );
    let bad = server.control("POST", "/__mock/faults", r#"{"error":{"code":"NOPE"}}"#);
    assert_eq!(bad.status, 400);
}

#[test]
fn a_seeded_failure_rate_repeats_from_run_to_run() {
    let outcomes = || {
        let server = start();
        add_fault(
            &server,
            "zylker",
            json!({"rate": 0.5, "seed": 42, "error": {"code": "INTERNAL_ERROR"}}),
        );
        (0..30)
            .map(|_| server.get(PORTALS, ADMIN).status)
            .collect::<Vec<_>>()
    };
    let first = outcomes();
    assert_eq!(first, outcomes());
    assert!(first.contains(&500) && first.contains(&200), "{first:?}");
}

#[test]
fn the_org_clock_drives_timestamps_token_expiry_and_invitation_expiry() {
    let server = start();
    let set = set_clock(
        &server,
        "blank",
        json!({"now": "2024-01-01T10:00:00+05:30"}),
    );
    assert_eq!(
        set,
        json!({"org_id":"blank","now":"2024-01-01T10:00:00+05:30","fixed":true,"source":"org","server_fixed":false,"shift_seconds":0})
    );
    server.post(PORTALS, BLANK, r#"{"portals":[{"name":"ClockPortal"}]}"#);
    assert_eq!(
        server.get(PORTALS, BLANK).json()["portals"][0]["created_time"],
        "2024-01-01T10:00:00+05:30"
    );
    // Other orgs keep the server's clock.
    let zylker = control(&server, "GET", "/__mock/orgs/zylker/clock", json!(null));
    assert_eq!(zylker["fixed"], false);
    // A token issued now expires an hour later in the org's clock.
    let token = refreshed_zylker_token(&server);
    set_clock(&server, "zylker", json!({"now": "2024-01-01T10:00:00Z"}));
    let fresh = refreshed_zylker_token(&server);
    assert_eq!(server.get(PORTALS, &fresh).status, 200);
    let advanced = advance_clock(&server, "zylker", json!({"by": "61m"}));
    assert_eq!(advanced["now"], "2024-01-01T16:31:00+05:30");
    assert_eq!(server.get(PORTALS, &fresh).status, 401);
    drop(token);
    // Invitations expire after 7 days of the org's clock.
    let invite = "/crm/v8/Contacts/1306462000000670001/actions/portal_invite?user_type_id=1306462000001813022&type=invite";
    assert_eq!(server.post(invite, ADMIN, "").status, 200);
    advance_clock(&server, "zylker", json!({"seconds": 6 * 86_400}));
    assert_eq!(expire_invitations(&server, "zylker"), 0);
    advance_clock(&server, "zylker", json!({"by": "1d"}));
    assert_eq!(expire_invitations(&server, "zylker"), 1);
    let back = control(&server, "DELETE", "/__mock/orgs/zylker/clock", json!(null));
    assert_eq!(back["fixed"], false);
    assert_eq!(back["shift_seconds"], 0);
    let bad = server.control(
        "POST",
        "/__mock/orgs/zylker/clock/advance",
        r#"{"by":"3w"}"#,
    );
    assert_eq!(bad.status, 400);
}

#[test]
fn enforced_limits_answer_429_with_the_rate_limit_headers() {
    let server = start();
    let limits = set_limits(&server, "zylker", json!({"enforce": true, "credits": 3}));
    assert_eq!(limits["enforced"], true);
    assert_eq!(limits["credits"]["limit"], 3);
    let first = server.get(PORTALS, ADMIN);
    assert_eq!(first.status, 200);
    assert_eq!(first.header("x-ratelimit-limit"), Some("3"));
    assert_eq!(first.header("x-ratelimit-remaining"), Some("2"));
    server.get(PORTALS, ADMIN);
    server.get(PORTALS, ADMIN);
    let refused = server.get(PORTALS, ADMIN);
    assert_eq!(refused.status, 429);
    let body = refused.json();
    assert_eq!(body["code"], "TOO_MANY_REQUESTS");
    assert_eq!(body["details"]["limit"], 3);
    assert_eq!(body["details"]["window"], 86_400);
    assert_eq!(refused.header("x-ratelimit-remaining"), Some("0"));
    assert!(refused.header("retry-after").is_some());
    // Other orgs are not limited; a day later the credits are back.
    assert_eq!(server.get(PORTALS, BLANK).status, 204);
    advance_clock(&server, "zylker", json!({"by": "1d"}));
    advance_clock(&server, "zylker", json!({"by": "2m"}));
    assert_eq!(server.get(PORTALS, ADMIN).status, 200);
    // Concurrency: with one slot, a slow request makes the next one wait its turn… or fail.
    set_limits(
        &server,
        "zylker",
        json!({"credits": null, "concurrency": 1}),
    );
    add_fault(&server, "zylker", json!({"latency_ms": 800, "times": 1}));
    let statuses = std::thread::scope(|scope| {
        let slow = scope.spawn(|| server.get(PORTALS, ADMIN).status);
        std::thread::sleep(std::time::Duration::from_millis(300));
        let second = server.get(PORTALS, ADMIN);
        (
            slow.join().unwrap(),
            second.status,
            second.json()["message"].clone(),
        )
    });
    assert_eq!(statuses.0, 200);
    assert_eq!(statuses.1, 429);
    assert_eq!(
        statuses.2,
        "Concurrency limit exceeded. Please retry after the specified time."
    );
    let report = control(&server, "GET", "/__mock/orgs/zylker/limits", json!(null));
    assert_eq!(report["concurrency"], json!({"limit": 1, "in_flight": 0}));
}

#[test]
fn a_sandbox_org_answers_api_not_supported() {
    let server = start();
    let set = set_environment(&server, "blank", "sandbox");
    assert_eq!(set["environment"], "sandbox");
    let reply = server.get(PORTALS, BLANK);
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (
            400,
            r#"{"code":"API_NOT_SUPPORTED","details":{"unsupported_environment":"sandbox"},"message":"api not supported in sandbox","status":"error"}"#
        )
    );
    assert_eq!(server.get(PORTALS, ADMIN).status, 200);
    set_environment(&server, "blank", "production");
    assert_eq!(server.get(PORTALS, BLANK).status, 204);
    let everywhere = start_configured(|config| config.sandbox = true);
    assert_eq!(everywhere.get(PORTALS, ADMIN).status, 400);
}

#[test]
fn a_restored_snapshot_is_exactly_the_saved_org() {
    let server = start();
    let views = |server: &crate::common::TestServer| {
        [
            server.get(PORTALS, ADMIN).body,
            server
                .get("/crm/v8/settings/portals/ZylkerAutos/user_type", ADMIN)
                .body,
            server
                .get(
                    "/crm/v8/settings/portals/ZylkerAutos/user_type/1306462000001813022/users",
                    ADMIN,
                )
                .body,
        ]
    };
    let before = views(&server);
    let state_before = server
        .call("GET", "/__mock/orgs/zylker/state", None, None)
        .body;
    let snap = control(
        &server,
        "POST",
        "/__mock/orgs/zylker/snapshots",
        json!(null),
    );
    let sid = snap["snapshot_id"].as_str().unwrap().to_owned();
    server.put(
        "/crm/v8/settings/portals/ZylkerAutos",
        ADMIN,
        r#"{"portals":[{"name":"Renamed01"}]}"#,
    );
    server.post(
        "/crm/v8/Contacts/1306462000000670001/actions/portal_invite?user_type_id=1306462000001813022&type=invite",
        ADMIN,
        "",
    );
    assert_ne!(views(&server)[0], before[0]);
    control(
        &server,
        "POST",
        &format!("/__mock/orgs/zylker/snapshots/{sid}/restore"),
        json!(null),
    );
    assert_eq!(views(&server), before);
    // The whole org, as its state dump shows it, is what was saved.
    assert_eq!(
        server
            .call("GET", "/__mock/orgs/zylker/state", None, None)
            .body,
        state_before
    );
    let listed = control(&server, "GET", "/__mock/orgs/zylker/snapshots", json!(null));
    assert_eq!(listed["snapshots"][0]["snapshot_id"], sid.as_str());
    // A reset keeps snapshots.
    control(&server, "POST", "/__mock/orgs/zylker/reset", json!(null));
    control(
        &server,
        "POST",
        &format!("/__mock/orgs/zylker/snapshots/{sid}/restore"),
        json!(null),
    );
    let missing = server.call(
        "POST",
        "/__mock/orgs/zylker/snapshots/snap-99/restore",
        None,
        None,
    );
    assert_eq!(missing.status, 404);
    control(
        &server,
        "DELETE",
        &format!("/__mock/orgs/zylker/snapshots/{sid}"),
        json!(null),
    );
    assert_eq!(
        control(&server, "GET", "/__mock/orgs/zylker/snapshots", json!(null))["snapshots"],
        json!([])
    );
}

#[test]
fn the_admin_token_opens_the_control_plane_and_off_closes_it() {
    let token_server = start_configured(|config| config.admin_token = Some("let-me-in".into()));
    // Loopback still works; the token matters for other clients (unit-tested in control.rs).
    assert_eq!(
        token_server
            .call_with_headers(
                "GET",
                "/__mock/orgs",
                &[("X-Mock-Admin-Token", "let-me-in")],
                None
            )
            .status,
        200
    );
    let off = start_configured(|config| config.control_plane = ControlPlane::Off);
    assert_eq!(off.call("GET", "/__mock/requests", None, None).status, 404);
}
