//! The runner as a process against the targets users meet beyond the embedded mock: a server
//! that is down, a mock that looks like a live org (no control plane, no token), a mock shared
//! by two runs, a mock answering as a Zoho sandbox; and the command line's filters, variables,
//! load-time errors, retries, skipped cleanup steps and Ctrl-C. Every server binds 127.0.0.1
//! port 0 and is stopped by its handle.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use portals_mock::{Config, ControlPlane};

mod common;
use common::Mock;

const RUNNER: &str = env!("CARGO_BIN_EXE_portals-conformance");

/// Runs the runner with `args`, without any `ZOHO_*` variable of the environment.
fn run(args: &[&str]) -> Output {
    let mut command = Command::new(RUNNER);
    for (name, _) in std::env::vars() {
        if name.starts_with("ZOHO_") {
            command.env_remove(name);
        }
    }
    command.args(args).output().unwrap()
}

/// Whether libtest's line for the scenario `name` says ok (names are padded to one width).
fn passed(stdout: &str, name: &str) -> bool {
    stdout
        .lines()
        .any(|line| line.contains(&format!("{name} ")) && line.ends_with("... ok"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A directory for the test `test` holding one scenario file `area/name.json`, named
/// `"test/name"`.
fn scenario_dir(test_and_name: &str, json: &str) -> PathBuf {
    let (test, name) = test_and_name.split_once('/').expect("test/name");
    let dir =
        std::env::temp_dir().join(format!("portals-conformance-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("area")).unwrap();
    std::fs::write(dir.join("area").join(format!("{name}.json")), json).unwrap();
    dir
}

#[test]
fn an_unreachable_target_is_one_line_and_exit_2_before_any_scenario() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let output = run(&["--target", &format!("http://127.0.0.1:{port}")]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(&format!("cannot reach http://127.0.0.1:{port}")),
        "{stderr}"
    );
    assert!(!text(&output.stdout).contains("test "), "no scenario ran");
}

#[test]
fn a_mock_like_a_live_org_without_credentials_says_what_is_missing() {
    let mock = Mock::start(Config {
        control_plane: ControlPlane::Off,
        ..Config::default()
    });
    let output = run(&["--target", &mock.base]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    for named in ["--token", "ZOHO_ACCESS_TOKEN", "ZOHO_REFRESH_TOKEN"] {
        assert!(stderr.contains(named), "{stderr}");
    }
}

#[test]
fn a_live_like_mock_with_a_token_reports_writes_as_ignored_with_the_reason_never_passed() {
    let mock = Mock::start(Config {
        control_plane: ControlPlane::Off,
        ..Config::default()
    });
    // The portable Records scenarios: some only read, most write.
    let args = [
        "--target",
        &mock.base,
        "--token",
        "1000.zylker.admin",
        "--area",
        "records",
    ];
    let output = run(&args);
    let stdout = text(&output.stdout);
    // Nothing tells a URL without a control plane from a live org: writes wait for the flag,
    // and what needs a control plane says so.
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout.contains("ignored (writes, and the target is a live org (use --allow-writes))"),
        "{stdout}"
    );
    assert!(
        stdout.contains("ignored (requires fixture:zylker, which"),
        "{stdout}"
    );
    assert!(stdout.contains("ignored, by reason"), "{stdout}");
    let read_only_passed = stdout.lines().filter(|l| l.ends_with("... ok")).count();
    assert!(read_only_passed >= 1, "{stdout}");
    // With --allow-writes they run, and pass.
    let mut with_writes = args.to_vec();
    with_writes.push("--allow-writes");
    let output = run(&with_writes);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(!stdout.contains("use --allow-writes"), "{stdout}");
    assert!(
        stdout.lines().filter(|l| l.ends_with("... ok")).count() > read_only_passed,
        "{stdout}"
    );
}

#[test]
fn two_runs_on_one_mock_both_pass_and_leave_its_orgs_as_they_were() {
    let mock = Mock::start(Config::default());
    let before = mock.orgs();
    for run_number in 1..=2 {
        let output = run(&["--target", &mock.base, "--progress", "off"]);
        let stdout = text(&output.stdout);
        assert!(
            output.status.success(),
            "run {run_number}: {}\n{}",
            stdout
                .lines()
                .filter(|l| l.contains("FAILED") || l.contains("error"))
                .collect::<Vec<_>>()
                .join("\n"),
            text(&output.stderr)
        );
        assert_eq!(mock.orgs(), before, "run {run_number} left orgs behind");
    }
}

#[test]
fn a_sandbox_runs_what_a_sandbox_serves_and_ignores_the_rest_with_the_reason() {
    let mock = Mock::start(Config {
        sandbox: true,
        ..Config::default()
    });
    let output = run(&["--target", &mock.base, "--progress", "off"]);
    let stdout = text(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        text(&output.stderr)
    );
    assert!(
        passed(
            &stdout,
            "in_a_zoho_sandbox_every_portals_operation_answers_api_not_supported"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("ignored (not served in a Zoho sandbox)"),
        "{stdout}"
    );
    // The Records API serves sandboxes.
    assert!(
        passed(
            &stdout,
            "records::adding_a_contact_answers_201_and_it_reads_back"
        ),
        "{stdout}"
    );
    // The embedded mock is production: the sandbox scenario is ignored there, with its reason.
    let output = run(&["--area", "limits_and_environment"]);
    assert!(
        text(&output.stdout).contains("ignored (checks a Zoho sandbox's answers"),
        "{}",
        text(&output.stdout)
    );
}

#[test]
fn filters_that_select_nothing_are_errors_and_tags_and_areas_select() {
    let output = run(&["--tag", "no-such-tag"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("no scenario has tag no-such-tag"),
        "{}",
        text(&output.stderr)
    );
    let output = run(&["no_such_scenario_name"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("no scenario has a name matching"));
    let output = run(&["--tag", "oauth", "--area", "oauth", "--list"]);
    let listed = text(&output.stdout);
    assert!(output.status.success(), "{listed}");
    assert!(
        listed.lines().filter(|l| l.ends_with(": test")).count() > 3,
        "{listed}"
    );
    assert!(
        listed
            .lines()
            .all(|l| !l.ends_with(": test") || l.starts_with("[oauth] oauth::"))
    );
    let output = run(&["--version"]);
    assert!(text(&output.stdout).contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn an_undefined_variable_is_a_load_time_error_with_file_and_line_unless_given() {
    let dir = scenario_dir(
        "undefined/uses_email",
        r#"{"description": "d", "source": "s",
  "steps": [{"request": {"method": "GET", "path": "/crm/v8/settings/portals",
                         "query": {"q": "{{email}}"}},
             "expect": {"status": 200}}]}"#,
    );
    let path = dir.to_string_lossy().into_owned();
    let stderr = text(&run(&["--scenarios", &path]).stderr);
    assert!(stderr.contains("uses_email.json: {{email}}"), "{stderr}");
    assert!(stderr.contains("line 3"), "{stderr}");
    let output = run(&["--scenarios", &path, "--var", "email=a@b.com"]);
    assert!(output.status.success(), "{}", text(&output.stdout));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_failed_capture_fails_its_step_and_skips_the_cleanup_that_needs_it() {
    let dir = scenario_dir(
        "capture/capture_fails",
        r#"{"description": "d", "source": "s",
  "steps": [{"request": {"method": "GET", "path": "/crm/v8/settings/portals"},
             "capture": {"id": "$.no_such_key"}}],
  "cleanup": [{"name": "remove it", "request": {"method": "DELETE", "path": "/x/{{id}}"}}]}"#,
    );
    let output = run(&["--scenarios", &dir.to_string_lossy()]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("capture id: nothing at $.no_such_key"),
        "{stdout}"
    );
    assert!(
        stdout.contains("cleanup[0] DELETE /x/{{id}} skipped: not sent: it needs {{id}}"),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn retry_sends_a_step_again_until_it_holds() {
    let mock = Mock::start(Config::default());
    // The first two GETs of the portals list fail; a retry of two more attempts gets through.
    let json = |retry: &str| {
        format!(
            r#"{{"description": "d", "source": "s", "requires": ["control-plane"],
  "setup": [{{"request": {{"method": "POST", "path": "/__mock/orgs/{{{{org_id}}}}/faults",
               "token": "none", "body": {{"method": "GET", "url_path_pattern": "settings/portals$",
               "error": {{"code": "INTERNAL_ERROR"}}, "times": 2}}}},
              "expect": {{"status": 201}}}}],
  "steps": [{{"request": {{"method": "GET", "path": "/crm/v8/settings/portals"}},
              "expect": {{"status": 200}}{retry}}}]}}"#
        )
    };
    let dir = scenario_dir(
        "retry/polls",
        &json(r#", "retry": {"count": 2, "interval_ms": 10}"#),
    );
    let output = run(&[
        "--target",
        &mock.base,
        "--scenarios",
        &dir.to_string_lossy(),
    ]);
    assert!(output.status.success(), "{}", text(&output.stdout));
    let dir = scenario_dir("no-retry/polls", &json(""));
    let output = run(&[
        "--target",
        &mock.base,
        "--scenarios",
        &dir.to_string_lossy(),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stdout));
    let _ = std::fs::remove_dir_all(dir);
}

#[cfg(unix)]
#[test]
fn ctrl_c_deletes_the_orgs_the_run_made() {
    let mock = Mock::start(Config::default());
    let before = mock.orgs();
    // A scenario that waits: a step retried for up to 20 s.
    let dir = scenario_dir(
        "interrupt/waits",
        r#"{"description": "d", "source": "s", "requires": ["control-plane"],
  "steps": [{"request": {"method": "GET", "path": "/crm/v8/settings/portals"},
             "expect": {"status": 599}, "retry": {"count": 20, "interval_ms": 1000}}]}"#,
    );
    let child = Command::new(RUNNER)
        .args([
            "--target",
            &mock.base,
            "--scenarios",
            &dir.to_string_lossy(),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while mock.orgs() == before {
        assert!(std::time::Instant::now() < deadline, "the run made no org");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("deleted the 1 org(s)"));
    assert_eq!(mock.orgs(), before);
    let _ = std::fs::remove_dir_all(Path::new(&dir));
}
