//! The control plane's own error shape (`{"error":{"code","message"}}`) for unknown routes, wrong
//! methods and bad bodies; the truth about a `--clock`; the environment refused under
//! `--environment sandbox`; a wrong admin token named as such.

use serde_json::Value;

use crate::common::{TestServer, start, start_configured, start_fixed};

/// Asserts the control plane's error shape with this status and code; answers the message.
#[track_caller]
fn control_error(reply: &crate::common::Reply, status: u16, code: &str) -> String {
    assert_eq!(reply.status, status, "{}", reply.body);
    let body = reply.json();
    assert_eq!(body["error"]["code"], code, "{body}");
    assert_eq!(body.as_object().unwrap().len(), 1, "only `error`: {body}");
    body["error"]["message"].as_str().unwrap().to_owned()
}

#[test]
fn unknown_control_routes_answer_the_control_planes_error_naming_the_route() {
    let server = start();
    for (method, path) in [
        ("GET", "/__mock"),
        ("GET", "/__mock/nope"),
        ("POST", "/__mock/orgs/zylker/teleport"),
    ] {
        let reply = server.call(method, path, None, None);
        let message = control_error(&reply, 404, "UNKNOWN_ROUTE");
        assert!(message.contains(&format!("{method} {path}")), "{message}");
    }
    let wrong_method = server.call("PATCH", "/__mock/orgs/zylker/clock", None, None);
    let message = control_error(&wrong_method, 405, "METHOD_NOT_ALLOWED");
    assert!(message.contains("/__mock/orgs/zylker/clock"), "{message}");
}

#[test]
fn bad_control_plane_bodies_name_the_route_or_the_key() {
    let server = start();
    let not_json = server.control("PUT", "/__mock/orgs/zylker/clock", "{nope");
    let message = control_error(&not_json, 400, "BAD_REQUEST");
    assert!(
        message.contains("PUT /__mock/orgs/zylker/clock"),
        "{message}"
    );
    let unknown_key = server.control("PUT", "/__mock/orgs/zylker/limits", r#"{"credit":5}"#);
    let message = control_error(&unknown_key, 400, "BAD_REQUEST");
    assert!(message.contains("\"credit\""), "{message}");
    let bad_fault = server.control("POST", "/__mock/faults", r#"{"latency":5}"#);
    let message = control_error(&bad_fault, 400, "BAD_FAULT");
    assert!(message.contains("\"latency\""), "{message}");
}

/// zylker's clock (`/__mock/orgs/zylker/clock`) as a GET or a DELETE answers it.
fn zylker_clock(server: &TestServer, method: &str) -> Value {
    server
        .call(method, "/__mock/orgs/zylker/clock", None, None)
        .json()
}

/// A clock answer's `fixed` and `source`.
fn fixed_and_source(clock: &Value) -> (bool, &str) {
    (
        clock["fixed"].as_bool().unwrap(),
        clock["source"].as_str().unwrap(),
    )
}

#[test]
fn the_clock_tells_a_command_line_clock_is_fixed() {
    let server = start_fixed();
    let clock = zylker_clock(&server, "GET");
    assert_eq!(fixed_and_source(&clock), (true, "server"));
    assert_eq!(clock["server_fixed"], true);
    assert_eq!(clock["now"], "2023-03-01T10:00:00+05:30");
    // The org's own instant wins, and says so; back to the server's clock, still fixed.
    server.control(
        "PUT",
        "/__mock/orgs/zylker/clock",
        r#"{"now":"2024-01-01T00:00:00Z"}"#,
    );
    let own = zylker_clock(&server, "GET");
    assert_eq!(fixed_and_source(&own), (true, "org"));
    let back = zylker_clock(&server, "DELETE");
    assert_eq!(fixed_and_source(&back), (true, "server"));
    let real = zylker_clock(&start(), "GET");
    assert_eq!(fixed_and_source(&real), (false, "real"));
}

#[test]
fn production_is_refused_with_a_reason_under_a_sandbox_server() {
    let server = start_configured(|config| config.sandbox = true);
    let refused = server.control(
        "PUT",
        "/__mock/orgs/zylker/environment",
        r#"{"environment":"production"}"#,
    );
    let message = control_error(&refused, 409, "ENVIRONMENT_LOCKED");
    assert!(message.contains("--environment sandbox"), "{message}");
    let sandbox = server.control(
        "PUT",
        "/__mock/orgs/zylker/environment",
        r#"{"environment":"sandbox"}"#,
    );
    assert_eq!(sandbox.status, 200);
    // Without the flag, production is a plain switch.
    let open = start();
    let production = open.control(
        "PUT",
        "/__mock/orgs/zylker/environment",
        r#"{"environment":"production"}"#,
    );
    assert_eq!(production.json()["environment"], "production");
}

#[test]
fn a_control_plane_body_too_large_is_answered_in_the_control_planes_shape() {
    let server = start_configured(|config| config.max_body_bytes = 64);
    let big = format!(r#"{{"fixture":"{}"}}"#, "b".repeat(200));
    let reply = server.control("POST", "/__mock/orgs", &big);
    let message = control_error(&reply, 413, "BODY_TOO_LARGE");
    assert!(message.contains("POST /__mock/orgs"), "{message}");
    // The API keeps Zoho's answer.
    let api = server.post("/crm/v8/settings/portals", crate::common::ADMIN, &big);
    assert_eq!(api.status, 413);
    assert_eq!(api.json()["code"], "REQUEST_ENTITY_TOO_LARGE");
}
