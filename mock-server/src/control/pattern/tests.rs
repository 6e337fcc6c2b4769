//! The pattern language on a hand-made subject: every key matches and fails.

use super::*;
use serde_json::json;

struct Fake {
    method: &'static str,
    path: &'static str,
    query: Vec<(&'static str, &'static str)>,
    headers: Vec<(&'static str, &'static str)>,
    body: Value,
    status: Option<u16>,
}

impl Subject for Fake {
    fn method(&self) -> &str {
        self.method
    }
    fn path(&self) -> &str {
        self.path
    }
    fn query_param(&self, name: &str) -> Option<String> {
        self.query
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| (*v).to_owned())
    }
    fn header(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| (*v).to_owned())
    }
    fn body_text(&self) -> String {
        self.body.to_string()
    }
    fn body_json(&self) -> Value {
        self.body.clone()
    }
    fn status(&self) -> Option<u16> {
        self.status
    }
}

fn create_portal() -> Fake {
    Fake {
        method: "POST",
        path: "/crm/v8/settings/portals",
        query: vec![("page", "2")],
        headers: vec![("Content-Type", "application/json"), ("X-Trace", "abc-1")],
        body: json!({"portals": [{"name": "ZylkerAutos", "active": true, "n": 7}]}),
        status: Some(201),
    }
}

#[test]
fn every_key_matches_the_same_request() {
    let pattern = RequestPattern::parse(&json!({
        "method": "post",
        "url_path": "/crm/v8/settings/portals",
        "query": {"page": {"matches": "^[0-9]+$"}, "type": {"absent": true}},
        "headers": {"content-type": {"contains": "json"}, "x-trace": "abc-1"},
        "body_contains": ["ZylkerAutos"],
        "body_json": {
            "$.portals[0].name": "ZylkerAutos",
            "$.portals[0].active": true,
            "$.portals[0].n": {"matches": "^7$"},
            "$.portals[0].saml": {"absent": true},
            "$.portals": {"equal_to": [{"name": "ZylkerAutos", "active": true, "n": 7}]}
        },
        "status": 201
    }))
    .unwrap();
    assert_eq!(pattern.differences(&create_portal()), Vec::<String>::new());
}

#[test]
fn each_key_says_what_differed() {
    let cases = [
        (
            json!({"headers": {"x-trace": "nope"}}),
            "header x-trace: expected \"nope\", was \"abc-1\"",
        ),
        (
            json!({"headers": {"authorization": {"matches": "x"}}}),
            "header authorization: was absent",
        ),
        (
            json!({"body_json": {"$.portals[0].name": "Other"}}),
            "body_json $.portals[0].name: expected \"Other\", was \"ZylkerAutos\"",
        ),
        (
            json!({"body_json": {"$.portals[1]": {"contains": "a"}}}),
            "body_json $.portals[1]: was absent",
        ),
        (
            json!({"body_json": {"$.portals[0].active": {"absent": true}}}),
            "body_json $.portals[0].active: was true",
        ),
        (json!({"status": 400}), "status: expected 400, was 201"),
        (
            json!({"query": {"page": {"contains": "9"}}}),
            "query page: \"2\" does not contain \"9\"",
        ),
    ];
    for (pattern, says) in cases {
        let differences = RequestPattern::parse(&pattern)
            .unwrap()
            .differences(&create_portal());
        assert_eq!(differences, vec![says.to_owned()], "{pattern}");
    }
}

#[test]
fn a_fault_pattern_refuses_status_and_takes_its_own_keys() {
    let object = json!({"method": "GET", "latency_ms": 5});
    let object = object.as_object().unwrap();
    assert!(RequestPattern::parse_object(object, &["latency_ms"], false, "the fault").is_ok());
    let error = RequestPattern::parse_object(
        json!({"status": 500}).as_object().unwrap(),
        &["latency_ms"],
        false,
        "the fault",
    )
    .unwrap_err();
    assert!(error.contains("for requests/count"), "{error}");
}

#[test]
fn bad_patterns_name_the_problem() {
    for (pattern, says) in [
        (json!({"verb": "GET"}), "unknown key \"verb\""),
        (
            json!({"url_path": "/a", "url_path_pattern": "a"}),
            "not both",
        ),
        (json!({"url_path_pattern": "("}), "not a regular expression"),
        (json!({"query": {"a": 1}}), "query \"a\""),
        (
            json!({"headers": {"a": {"equal_to": "x", "absent": true}}}),
            "headers \"a\"",
        ),
        (json!({"body_json": {"portals": 1}}), "starts with $"),
        (
            json!({"body_json": {"$.a": {"matches": 1}}}),
            "body_json \"$.a\"",
        ),
        (json!({"status": 1000}), "HTTP status"),
        (json!([]), "JSON object"),
    ] {
        let error = RequestPattern::parse(&pattern).unwrap_err();
        assert!(error.contains(says), "{pattern}: {error}");
    }
}
