//! `GET /__mock/health` over HTTP (whatever the control plane's mode) and the binary's `health`
//! command that a container's HEALTHCHECK and the CI recipes run.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use portals_mock::ControlPlane;

use crate::common::{JSON, spawn_mock, start, start_configured, terminate};

const MOCK: &str = env!("CARGO_BIN_EXE_portals-mock");

#[test]
fn health_answers_the_version_the_uptime_and_how_many_orgs_there_are() {
    let server = start();

    let health = server.call("GET", "/__mock/health", None, None);

    assert_eq!(health.status, 200);
    assert_eq!(health.content_type.as_deref(), Some(JSON));
    let body = health.json();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    assert!(body["uptime_seconds"].is_u64(), "{body}");
    assert_eq!(body["orgs"], 4, "the four built-in orgs: {body}");
    server.call("POST", "/__mock/orgs", None, Some(r#"{"fixture":"blank"}"#));
    assert_eq!(
        server.call("GET", "/__mock/health", None, None).json()["orgs"],
        5
    );
}

#[test]
fn health_is_served_with_the_control_plane_off_when_nothing_else_of_it_is() {
    let server = start_configured(|config| config.control_plane = ControlPlane::Off);

    assert_eq!(server.call("GET", "/__mock/health", None, None).status, 200);
    assert_eq!(server.call("GET", "/__mock/orgs", None, None).status, 404);
}

#[test]
fn the_health_command_exits_0_with_the_answer_and_1_with_the_reason() {
    let (mut child, base) = spawn_mock(&["--log-level", "warn"], Stdio::null());

    let up = Command::new(MOCK)
        .args(["health", "--url", &base])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&up.stdout);
    assert!(up.status.success(), "{up:?}");
    let answer: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(answer["status"], "ok");

    terminate(&mut child, Duration::from_secs(10));
    let down = Command::new(MOCK)
        .args(["health", "--url", &base])
        .output()
        .unwrap();
    assert_eq!(down.status.code(), Some(1), "{down:?}");
    let stderr = String::from_utf8_lossy(&down.stderr);
    assert!(
        stderr.contains(&format!("{base}/__mock/health")),
        "{stderr}"
    );
}

#[test]
fn the_health_command_waits_for_a_mock_that_starts_later() {
    let port = {
        let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        free.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}");
    let mut waiter = Command::new(MOCK)
        .args(["health", "--url", &url, "--wait", "30"])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    assert!(waiter.try_wait().unwrap().is_none(), "it gave up at once");

    let mut mock = Command::new(MOCK)
        .args(["--port", &port.to_string(), "--log-level", "warn"])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();

    let deadline = Instant::now() + Duration::from_secs(30);
    let exit = loop {
        if let Some(exit) = waiter.try_wait().unwrap() {
            break exit;
        }
        assert!(Instant::now() < deadline, "still waiting after 30 s");
        std::thread::sleep(Duration::from_millis(50));
    };
    terminate(&mut mock, Duration::from_secs(10));
    assert!(exit.success(), "{exit:?}");
}
