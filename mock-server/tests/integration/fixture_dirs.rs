//! `--fixtures DIR` adds orgs to the built-in ones, `--only-fixtures DIR` replaces them; a name
//! given twice, a broken file or a missing directory stops the start with the real path.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::{agent, spawn_mock, terminate};

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/examples");
const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/seed");

fn org_ids(base: &str) -> Vec<String> {
    let mut answer = agent().get(format!("{base}/__mock/orgs")).call().unwrap();
    let body: serde_json::Value =
        serde_json::from_str(&answer.body_mut().read_to_string().unwrap()).unwrap();
    body["orgs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|org| org["org_id"].as_str().unwrap().to_owned())
        .collect()
}

fn failed_start(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_portals-mock"))
        .args(["--port", "0"])
        .args(args)
        .output()
        .unwrap();
    assert!(!output.status.success());
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn fixtures_adds_orgs_to_the_built_in_ones_and_only_fixtures_replaces_them() {
    let (mut added, base) = spawn_mock(&["--fixtures", EXAMPLES], Stdio::null());
    assert_eq!(
        org_ids(&base),
        ["blank", "crowded", "minimal", "trial", "zylker"]
    );
    let portals = agent()
        .get(format!("{base}/crm/v8/settings/portals"))
        .header("Authorization", "Zoho-oauthtoken 1000.minimal.admin")
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    assert!(portals.contains("\"MinimalPortal\""), "{portals}");
    assert!(terminate(&mut added, Duration::from_secs(10)).success());
    let (mut only, base) = spawn_mock(&["--only-fixtures", EXAMPLES], Stdio::null());
    assert_eq!(org_ids(&base), ["minimal"]);
    assert!(terminate(&mut only, Duration::from_secs(10)).success());
}

#[test]
fn a_name_given_twice_a_broken_file_and_a_missing_directory_name_the_real_path() {
    // The built-in fixtures as a directory: every name is given twice.
    let twice = failed_start(&["--fixtures", SEED]);
    assert!(twice.contains("given twice"), "{twice}");
    assert!(twice.contains(&format!("{SEED}/")), "{twice}");
    assert!(twice.contains("--only-fixtures"), "{twice}");
    // A file with a typo: its path on disk, not fixtures/seed/….
    let dir = crate::common::fresh_dir("fixtures");
    std::fs::create_dir_all(dir.join("orgs")).unwrap();
    let mut org: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{EXAMPLES}/orgs/minimal.json")).unwrap(),
    )
    .unwrap();
    org["portal"]["colour"] = "red".into();
    let file = dir.join("orgs/typo.json");
    std::fs::write(&file, org.to_string()).unwrap();
    let broken = failed_start(&["--only-fixtures", dir.to_str().unwrap()]);
    assert!(broken.contains(file.to_str().unwrap()), "{broken}");
    assert!(broken.contains("colour"), "{broken}");
    let _ = std::fs::remove_dir_all(&dir);
    let missing = failed_start(&["--fixtures", "/nonexistent/fixtures"]);
    assert!(
        missing.contains("/nonexistent/fixtures: no such fixture directory"),
        "{missing}"
    );
    let both = failed_start(&["--fixtures", EXAMPLES, "--only-fixtures", EXAMPLES]);
    assert!(both.contains("cannot be used with"), "{both}");
}
