//! Faults on hand-made requests: matching, rate and times, priority, stubs, 429 headers, and
//! what a bad fault is told.

use super::*;
use crate::http::Method;
use bytes::Bytes;

fn request(method: Method, path: &str, body: &str, headers: &[(&str, &str)]) -> ApiRequest {
    let mut request = ApiRequest::new(
        method,
        path,
        Bytes::from(body.to_owned()),
        "127.0.0.1:1".parse().unwrap(),
    );
    request.headers = headers
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    request
}

fn get(path: &str) -> ApiRequest {
    request(Method::Get, path, "", &[])
}

fn answer(hit: Option<FaultHit>) -> ApiResponse {
    match hit.map(|hit| hit.action) {
        Some(FaultAction::Respond(response)) => response,
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_fault_hits_its_org_and_route_only() {
    let faults = Faults::default();
    let id = faults
        .add(
            Some("a"),
            &json!({"method":"get","url_path_pattern":"/portals$","error":{"code":"INTERNAL_ERROR"}}),
        )
        .unwrap();
    let portals = "/crm/v8/settings/portals";
    assert!(faults.hit(Some("b"), &get(portals)).is_none());
    assert!(
        faults
            .hit(Some("a"), &request(Method::Post, portals, "", &[]))
            .is_none()
    );
    let response = answer(faults.hit(Some("a"), &get(portals)));
    assert_eq!(response.status, 500);
    assert_eq!(
        response.json_body().unwrap(),
        json!({"code":"INTERNAL_ERROR","details":{},"message":"Internal Server Error","status":"error"})
    );
    assert!(faults.remove(Some("a"), &id));
    assert!(faults.hit(Some("a"), &get(portals)).is_none());
}

#[test]
fn a_seeded_rate_repeats_and_times_removes_the_fault() {
    let pattern = |faults: &Faults| -> Vec<bool> {
        (0..200)
            .map(|_| faults.hit(None, &get("/x")).is_some())
            .collect()
    };
    let spec = json!({"rate": 0.3, "seed": 9, "latency_ms": [1, 5]});
    let (first, second) = (Faults::default(), Faults::default());
    first.add(None, &spec).unwrap();
    second.add(None, &spec).unwrap();
    let hits = pattern(&first);
    assert_eq!(hits, pattern(&second));
    let share = hits.iter().filter(|h| **h).count();
    assert!((30..=90).contains(&share), "{share} of 200");
    let limited = Faults::default();
    limited
        .add(None, &json!({"reset_connection": true, "times": 2}))
        .unwrap();
    assert_eq!(
        limited.hit(None, &get("/x")).unwrap().action,
        FaultAction::Reset
    );
    assert!(limited.hit(None, &get("/x")).is_some());
    assert!(limited.hit(None, &get("/x")).is_none());
    assert!(limited.list(None).is_empty());
}

#[test]
fn headers_and_body_json_select_the_request_a_fault_hits() {
    let faults = Faults::default();
    faults
        .add(
            None,
            &json!({
                "method": "POST",
                "headers": {"x-test": {"matches": "^slow"}},
                "body_json": {"$.portals[0].name": "Doomed"},
                "error": {"code": "INTERNAL_ERROR"}
            }),
        )
        .unwrap();
    let body = r#"{"portals":[{"name":"Doomed"}]}"#;
    let path = "/crm/v8/settings/portals";
    let hit = |headers: &[(&str, &str)], body: &str| {
        faults
            .hit(None, &request(Method::Post, path, body, headers))
            .is_some()
    };
    assert!(hit(&[("X-Test", "slow please")], body));
    assert!(!hit(&[], body));
    assert!(!hit(
        &[("x-test", "slow")],
        r#"{"portals":[{"name":"Fine"}]}"#
    ));
}

#[test]
fn the_highest_priority_wins_then_the_org_then_the_first_added() {
    let faults = Faults::default();
    let stub = |status: u16, priority: Option<u32>| {
        let mut spec = json!({"response": {"status": status}});
        if let Some(priority) = priority {
            spec["priority"] = priority.into();
        }
        spec
    };
    faults.add(None, &stub(501, None)).unwrap();
    faults.add(Some("a"), &stub(502, None)).unwrap();
    faults.add(Some("a"), &stub(503, None)).unwrap();
    assert_eq!(answer(faults.hit(Some("a"), &get("/x"))).status, 502);
    assert_eq!(answer(faults.hit(Some("b"), &get("/x"))).status, 501);
    faults.add(None, &stub(504, Some(1))).unwrap();
    assert_eq!(answer(faults.hit(Some("a"), &get("/x"))).status, 504);
    assert_eq!(faults.list(Some("a"))[0]["priority"], 5);
}

#[test]
fn a_stub_answers_any_status_headers_and_body() {
    let faults = Faults::default();
    faults
        .add(
            None,
            &json!({"url_path": "/x", "response": {
                "status": 418, "headers": {"X-Brew": "tea"}, "body": {"short": true}
            }}),
        )
        .unwrap();
    faults
        .add(
            None,
            &json!({"url_path": "/text", "response": {
                "headers": {"Content-Type": "text/plain"}, "body": "plain words"
            }}),
        )
        .unwrap();
    let json_stub = answer(faults.hit(None, &get("/x")));
    assert_eq!(json_stub.status, 418);
    assert_eq!(json_stub.json_body().unwrap(), json!({"short": true}));
    assert_eq!(json_stub.headers, vec![("X-Brew".into(), "tea".to_owned())]);
    let text_stub = answer(faults.hit(None, &get("/text")));
    assert_eq!(text_stub.status, 200);
    assert_eq!(text_stub.body.as_deref(), Some(&b"plain words"[..]));
}

#[test]
fn a_too_many_requests_fault_sends_the_limits_headers() {
    let faults = Faults::default();
    faults
        .add(None, &json!({"error": {"code": "TOO_MANY_REQUESTS"}}))
        .unwrap();
    let response = answer(faults.hit(None, &get("/x")));
    assert_eq!(response.status, 429);
    let names: Vec<&str> = response.headers.iter().map(|(n, _)| n.as_ref()).collect();
    assert_eq!(
        names,
        [
            "X-RATELIMIT-LIMIT",
            "X-RATELIMIT-REMAINING",
            "X-RATELIMIT-RESET",
            "Retry-After"
        ]
    );
}

#[test]
fn bad_faults_name_the_problem() {
    let faults = Faults::default();
    for (spec, says) in [
        (json!({}), "needs"),
        (json!({"error": {"code": "NOPE"}}), "not a code"),
        (
            json!({"error": {"code": "INTERNAL_ERROR"}, "reset_connection": true}),
            "not two",
        ),
        (
            json!({"error": {"code": "INTERNAL_ERROR"}, "response": {"status": 200}}),
            "not two",
        ),
        (json!({"latency_ms": [5, 1]}), "min <= max"),
        (json!({"latency_ms": 10, "rate": 2}), "from 0 to 1"),
        (json!({"latency_ms": 10, "colour": 1}), "unknown key"),
        (
            json!({"latency_ms": 10, "status": 500}),
            "for requests/count",
        ),
        (json!({"latency_ms": 10, "priority": 0}), "\"priority\""),
        (json!({"error": {"body": {}}}), "needs a \"status\""),
        (
            json!({"response": {"code": 1}}),
            "unknown key \"code\" in \"response\"",
        ),
        (
            json!({"response": {"headers": {"a b": "c"}}}),
            "not a valid header",
        ),
        (json!({"response": {"status": 99}}), "from 200 to 599"),
    ] {
        let error = faults.add(None, &spec).unwrap_err();
        assert!(error.contains(says), "{spec}: {error}");
    }
    let custom = faults
        .add(
            None,
            &json!({"error": {"status": 503, "body": {"oops": true}}}),
        )
        .unwrap();
    assert!(custom.starts_with("fault-"));
}
