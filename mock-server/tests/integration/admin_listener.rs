//! `--admin-bind`: the binary serves the control plane (and only it) on a second address, which
//! it prints as its second stdout line.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::common::get_as_admin;

#[test]
fn the_admin_listener_serves_the_control_plane_and_nothing_else() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_portals-mock"))
        .args([
            "--port",
            "0",
            "--admin-bind",
            "127.0.0.1:0",
            "--log-level",
            "warn",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let api = lines.next().unwrap().unwrap();
    let admin = lines.next().unwrap().unwrap();
    let api = api
        .strip_prefix("listening on ")
        .expect("the API line")
        .to_owned();
    let admin = admin
        .strip_prefix("control plane on ")
        .unwrap_or_else(|| panic!("second line: {admin:?}"))
        .to_owned();
    assert_ne!(api, admin);
    let agent = crate::common::agent();
    let orgs = agent.get(format!("{admin}/__mock/orgs")).call().unwrap();
    assert_eq!(orgs.status().as_u16(), 200);
    let (status, body) = get_as_admin(&format!("{admin}/crm/v8/settings/portals"));
    assert_eq!(status, 404);
    assert!(body.contains("INVALID_URL_PATTERN"), "{body}");
    let (status, _) = get_as_admin(&format!("{api}/crm/v8/settings/portals"));
    assert_eq!(status, 200);
    child.kill().unwrap();
    child.wait().unwrap();
}
