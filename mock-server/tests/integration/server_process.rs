//! The `portals-mock` binary: the first stdout line, --port 0, a graceful SIGTERM, and JSON logs
//! (`--log-format json`) without tokens.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::{agent, get_as_admin, spawn_mock, terminate};

#[test]
fn the_binary_prints_its_address_first_serves_and_stops_on_sigterm() {
    let (mut child, base) = spawn_mock(&["--log-level", "warn"], Stdio::null());
    assert!(
        base.starts_with("http://127.0.0.1:") && !base.ends_with(":0"),
        "{base}"
    );

    let (status, body) = get_as_admin(&format!("{base}/crm/v4/settings/portals"));
    assert_eq!(status, 200);
    assert!(body.contains("ZylkerAutos"), "{body}");

    // SIGTERM: the process ends by itself, successfully.
    let exit = terminate(&mut child, Duration::from_secs(10));
    assert!(exit.success(), "{exit:?}");
}

#[test]
fn a_bad_fixture_directory_fails_loudly_with_the_path() {
    let output = Command::new(env!("CARGO_BIN_EXE_portals-mock"))
        .args(["--port", "0", "--fixtures", "/nonexistent/fixtures"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("/nonexistent/fixtures"), "{stderr}");
}

#[test]
fn json_logs_are_one_json_object_a_line_and_never_hold_a_token() {
    let (mut child, base) = spawn_mock(
        &[
            "--log-format",
            "json",
            "--log-level",
            "debug",
            "--job-interval-ms",
            "0",
        ],
        Stdio::piped(),
    );
    let agent = agent();
    // A token in the header, in the query, in a form body, and an OAuth exchange whose answer
    // holds a fresh access token.
    let (status, _) = get_as_admin(&format!(
        "{base}/crm/v4/settings/portals?token=1000.zylker.readonly"
    ));
    assert_eq!(status, 200);
    let mut issued = agent
        .post(format!("{base}/oauth/v2/token"))
        .send_form([
            ("grant_type", "refresh_token"),
            ("client_id", "1000.MOCKCLIENT"),
            ("client_secret", "mocksecret"),
            ("refresh_token", "1000.zylker.refresh"),
        ])
        .unwrap();
    assert_eq!(issued.status().as_u16(), 200);
    let issued: serde_json::Value =
        serde_json::from_str(&issued.body_mut().read_to_string().unwrap()).unwrap();
    let access_token = issued["access_token"].as_str().unwrap().to_owned();
    let answer = agent
        .get(format!("{base}/crm/v4/settings/portals"))
        .header("Authorization", "Zoho-oauthtoken 1000.zylker.expired")
        .call()
        .unwrap();
    assert_eq!(answer.status().as_u16(), 401);

    terminate(&mut child, Duration::from_secs(10));
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();

    let lines: Vec<serde_json::Value> = stderr
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect();
    for line in &lines {
        assert!(line["timestamp"].is_string(), "{line}");
        assert!(line["level"].is_string(), "{line}");
        assert!(line["fields"]["message"].is_string(), "{line}");
    }
    let answered: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|line| line["fields"]["message"] == "answered")
        .collect();
    assert_eq!(answered.len(), 3, "one line per request: {stderr}");
    assert_eq!(answered[0]["fields"]["method"], "GET");
    assert_eq!(answered[0]["fields"]["path"], "/crm/v4/settings/portals");
    assert_eq!(answered[0]["fields"]["status"], 200);
    assert_eq!(answered[2]["fields"]["status"], 401);
    assert!(
        lines
            .iter()
            .any(|line| line["fields"]["message"] == "stopped"),
        "{stderr}"
    );
    for secret in [
        "1000.zylker.admin",
        "1000.zylker.readonly",
        "1000.zylker.expired",
        "1000.zylker.refresh",
        "mocksecret",
        access_token.as_str(),
    ] {
        assert!(!stderr.contains(secret), "{secret} in the logs: {stderr}");
    }
}

#[test]
fn with_json_logs_a_failure_to_start_is_a_json_line_too() {
    let output = Command::new(env!("CARGO_BIN_EXE_portals-mock"))
        .args([
            "--port",
            "0",
            "--log-format",
            "json",
            "--fixtures",
            "/nonexistent/fixtures",
        ])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let line: serde_json::Value = serde_json::from_str(stderr.trim_end())
        .unwrap_or_else(|e| panic!("not one JSON line ({e}): {stderr}"));
    assert_eq!(line["level"], "ERROR");
    assert!(
        line["fields"]["error"]
            .as_str()
            .unwrap()
            .contains("/nonexistent/fixtures"),
        "{line}"
    );
}

#[test]
fn sigterm_as_soon_as_the_listening_line_is_read_stops_it_gracefully() {
    // Repeated: the signal races the server's start-up; every round must end in a clean exit.
    for _ in 0..5 {
        let (mut child, _base) = spawn_mock(&["--log-level", "warn"], Stdio::null());
        let exit = terminate(&mut child, Duration::from_secs(10));
        assert!(
            exit.success(),
            "killed by the signal instead of stopping: {exit:?}"
        );
    }
}
