//! Self-tests that can fail: wrong scenarios fail with the right paths, a divergent server gives
//! exactly the expected divergences and a non-zero exit (and `diff` names each difference, minus
//! the `--mask` paths), secrets never leak, JUnit parses, and a "live" run (a portals-mock
//! without control plane, reached as a URL, with the OAuth refresh flow) works.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;

use portals_conformance::runner::{self, Options, StepResult};
use portals_conformance::scenario::{self, Mode};
use portals_conformance::target::Target;

const BIN: &str = env!("CARGO_BIN_EXE_portals-conformance");

fn options(mode: Mode) -> Options {
    Options {
        mode,
        allow_writes: false,
        allow_irreversible: false,
        check: true,
        keep_orgs: false,
        vars: Vec::new(),
    }
}

/// A step's divergences as `(path, expected, actual)`.
fn divergences(step: &StepResult) -> Vec<(&str, &str, &str)> {
    step.divergences
        .iter()
        .map(|d| (d.path.as_str(), d.expected.as_str(), d.actual.as_str()))
        .collect()
}

/// The runner binary run with `args`: its exit code, stdout and stderr.
fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let output = Command::new(BIN).args(args).output().unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn bad_scenarios() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_scenarios")
}

#[test]
fn a_wrong_scenario_fails_with_the_right_paths() {
    let target = Target::embedded().unwrap();
    let loaded = scenario::load_dir(&bad_scenarios()).unwrap();
    let (result, diffs) = runner::run(&target, &loaded[0], &options(Mode::Lenient));
    assert_eq!(result.outcome, "failed");
    let paths: Vec<&str> = result.steps[0]
        .divergences
        .iter()
        .map(|d| d.path.as_str())
        .collect();
    assert_eq!(
        paths,
        ["status", "$.portals[0].name", "$.portals[0].login_url"]
    );
    assert_eq!(result.steps[0].divergences[2].actual, "(absent)");
    assert_eq!(diffs.len(), 1, "one pretty diff for the body");
}

#[test]
fn the_binary_exits_non_zero_when_a_scenario_diverges() {
    let (code, stdout, _) = run(&[
        "--scenarios",
        bad_scenarios().to_str().unwrap(),
        "--",
        "--quiet",
    ]);
    assert_eq!(code, Some(1), "{stdout}");
}

#[test]
fn the_html_report_of_a_divergent_run_shows_the_failure_its_request_and_the_diff() {
    let dir = temp_dir("html");
    let html = dir.join("report.html");
    let (code, _, stderr) = run(&[
        "--scenarios",
        bad_scenarios().to_str().unwrap(),
        "--report-html",
        html.to_str().unwrap(),
        "--progress",
        "lines",
        "--",
        "--quiet",
    ]);
    assert_eq!(code, Some(1));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(
        page.contains("<span class=\"failed\">1 failed</span>"),
        "{page}"
    );
    assert!(page.contains("<h3>wrong::wrong_portal_name_and_status</h3>"));
    assert!(
        page.contains("<p class=\"description\">Deliberately wrong"),
        "{page}"
    );
    assert!(
        page.contains("<code class=\"method\">GET</code> <code>/crm/v4/settings/portals</code>")
    );
    assert!(page.contains("status 200, expected 201"));
    // The side-by-side view pairs the two names on one highlighted row.
    let row = page
        .lines()
        .find(|line| {
            line.contains("&quot;NotZylker&quot;,") && line.starts_with("<tr><td class=\"ln")
        })
        .unwrap_or_else(|| panic!("no diff row for the name: {page}"));
    assert!(row.contains("<td class=\"ln expected\">"), "{row}");
    assert!(row.contains("&quot;ZylkerAutos&quot;,"), "{row}");
    assert!(row.contains("title=\"$.portals[0].name: expected"), "{row}");
    assert!(page.contains("<td><code>$.portals[0].login_url</code></td>"));
    assert!(!page.to_ascii_lowercase().contains("<script"));
    // Progress lines went to stderr, one per finished scenario.
    assert_eq!(
        stderr.trim_end(),
        "[1/1] failed  wrong::wrong_portal_name_and_status (passed 0, failed 1, ignored 0)"
    );
}

#[test]
fn the_embedded_mock_off_a_terminal_prints_no_progress() {
    let (code, _, stderr) = run(&["--scenarios", bad_scenarios().to_str().unwrap()]);
    assert_eq!(code, Some(1));
    assert!(stderr.is_empty(), "{stderr}");
}

/// A server that answers every request with the Kaizen #72 body altered: another name, no
/// `zaid`, status 201. Serves `count` connections, then stops.
fn divergent_server(count: usize) -> String {
    canned_server(
        count,
        "201 Created",
        r#"{"portals":[{"created_time":"2023-02-07T20:13:20+05:30","modified_time":"2023-02-07T20:13:20+05:30","modified_by":{"name":"Patricia Boyle","id":"4876876000000327001"},"name":"Altered","active":true,"created_by":{"name":"Patricia Boyle","id":"4875876000000327001"}}]}"#,
    )
}

/// A server that answers every request with one status and body; serves `count` connections.
fn canned_server(count: usize, status: &'static str, body: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(count) {
            let Ok(mut stream) = stream else { continue };
            let mut buffer = [0u8; 8192];
            let _ = stream.read(&mut buffer);
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/json;charset=UTF-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            // Read what is left of the request (a body in a later packet) before closing, or
            // the close resets the connection under the client.
            let _ = stream.shutdown(std::net::Shutdown::Write);
            let _ = stream.set_read_timeout(Some(std::time::Duration::from_millis(500)));
            while matches!(stream.read(&mut buffer), Ok(n) if n > 0) {}
        }
    });
    format!("http://{addr}")
}

#[test]
fn a_divergent_server_gives_exactly_the_expected_divergences() {
    let base = divergent_server(4);
    let target = Target::url(
        &base,
        Some(portals_conformance::credentials::Credentials::fixed(
            "1000.self.check".into(),
        )),
    )
    .unwrap();
    assert!(!target.control_plane);
    let dir = Path::new(portals_conformance::BUILT_IN_SCENARIOS);
    let loaded = scenario::load_dir(dir).unwrap();
    let mut get_portals = loaded
        .into_iter()
        .find(|s| s.name == "portals::get_portals_reproduces_the_kaizen_72_sample")
        .unwrap();
    // The target has no control plane: run the scenario as a live org would.
    get_portals.scenario.requires.clear();
    let (result, _) = runner::run(&target, &get_portals, &options(Mode::Strict));
    let found = divergences(&result.steps[0]);
    assert_eq!(
        found,
        [
            ("status", "200", "201"),
            ("$.portals[0].name", "\"ZylkerAutos\"", "\"Altered\""),
            ("$.portals[0].zaid", "\"10052946888\"", "(absent)"),
        ]
    );
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir =
        std::env::temp_dir().join(format!("portals-conformance-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_token_on_the_command_line_never_appears_in_any_output_and_junit_parses() {
    let secret = "1000.topsecret0123456789.abcdef";
    let base = divergent_server(128);
    let dir = temp_dir("secrets");
    let json = dir.join("report.json");
    let junit = dir.join("junit.xml");
    let html = dir.join("report.html");
    let (code, stdout, stderr) = run(&[
        "--target",
        &base,
        "--token",
        secret,
        "--report-json",
        json.to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
        "--report-html",
        html.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(1));
    let report = std::fs::read_to_string(&json).unwrap();
    let xml = std::fs::read_to_string(&junit).unwrap();
    let page = std::fs::read_to_string(&html).unwrap();
    for (what, text) in [
        ("stdout", &*stdout),
        ("stderr", &*stderr),
        ("json", &report),
        ("junit", &xml),
        ("html", &page),
    ] {
        assert!(!text.contains(secret), "the token leaked into {what}");
        assert!(
            !text.contains("topsecret"),
            "part of the token leaked into {what}"
        );
    }
    assert!(
        stdout.contains("at status: expected 404, got 201"),
        "{stdout}"
    );
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert!(report["failed"].as_u64().unwrap() >= 1);
    assert_well_formed(&xml);
    assert!(xml.contains("<failure message="));
    assert!(page.contains("<span class=\"failed\">"), "{page}");
    assert!(
        stderr.contains("] failed  "),
        "a URL target prints a progress line per scenario: {stderr}"
    );
}

/// Parses the XML to its end (quick-xml refuses what is not well-formed) and checks every
/// element closes.
fn assert_well_formed(xml: &str) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut depth = 0usize;
    loop {
        match reader.read_event().unwrap_or_else(|e| panic!("{e}: {xml}")) {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth -= 1,
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0, "unclosed elements: {xml}");
}

/// A second portals-mock process without control plane, reached as a URL like a live org; the
/// token comes from the refresh-token flow at its /oauth/v2/token.
#[test]
fn a_live_style_run_refreshes_a_token_and_runs_what_needs_no_fixture() {
    let (base, _server) = second_mock();
    let dir = temp_dir("live");
    let json = dir.join("report.json");
    let output = Command::new(BIN)
        .args(["--target", &base, "--report-json", json.to_str().unwrap()])
        .env_remove("ZOHO_ACCESS_TOKEN")
        .env("ZOHO_CLIENT_ID", "1000.MOCKCLIENT")
        .env("ZOHO_CLIENT_SECRET", "mocksecret")
        .env("ZOHO_REFRESH_TOKEN", "1000.zylker.refresh")
        .env("ZOHO_ACCOUNTS_URL", &base)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert!(report["passed"].as_u64().unwrap() >= 1, "{report}");
    assert!(
        report["ignored"].as_u64().unwrap() >= 1,
        "scenarios needing fixtures are ignored: {report}"
    );
    assert!(!stdout.contains("mocksecret"));
}

/// The second mock: the `portals-mock` binary of this build (as `make test` builds it), started
/// on a free port and stopped by its handle when the test ends; in-process when the binary has
/// not been built (e.g. `cargo test -p portals-conformance` alone).
fn second_mock() -> (String, SecondMock) {
    let binary = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent()?.parent().map(|dir| dir.join("portals-mock")))
        .filter(|path| path.is_file());
    if let Some(binary) = binary {
        let mut child = Command::new(binary)
            .args([
                "--port",
                "0",
                "--control-plane",
                "off",
                "--job-interval-ms",
                "0",
                "--log-level",
                "error",
            ])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().unwrap()),
            &mut line,
        )
        .unwrap();
        let base = line
            .trim_end()
            .strip_prefix("listening on ")
            .unwrap()
            .to_owned();
        return (base, SecondMock::Process(child));
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let store =
        portals_mock::Store::open_in_memory(portals_mock::FixtureSet::embedded().unwrap()).unwrap();
    let config = portals_mock::Config {
        control_plane: portals_mock::ControlPlane::Off,
        ..portals_mock::Config::default()
    };
    let state = portals_mock::AppState::new(store, portals_mock::Clock::real(), config);
    let server = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        portals_mock::MockServer::start(listener, state).unwrap()
    });
    (
        server.base_url(),
        SecondMock::InProcess(runtime, Some(server)),
    )
}

enum SecondMock {
    Process(std::process::Child),
    InProcess(tokio::runtime::Runtime, Option<portals_mock::MockServer>),
}

impl Drop for SecondMock {
    fn drop(&mut self) {
        match self {
            SecondMock::Process(child) => {
                let _ = child.kill();
                let _ = child.wait();
            }
            SecondMock::InProcess(runtime, server) => {
                if let Some(server) = server.take() {
                    runtime.block_on(server.stop());
                }
            }
        }
    }
}

#[test]
fn a_server_answering_as_a_zoho_sandbox_gets_the_sandbox_checks_and_the_rest_ignored() {
    let base = canned_server(
        40,
        "400 Bad Request",
        r#"{"code":"API_NOT_SUPPORTED","details":{"unsupported_environment":"sandbox"},"message":"api not supported in sandbox","status":"error"}"#,
    );
    let (code, stdout, _) = run(&[
        "--target",
        &base,
        "--token",
        "1000.sandbox.token",
        "--area",
        "limits_and_environment",
    ]);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(
        stdout.lines().any(|line| line
            .contains("in_a_zoho_sandbox_every_portals_operation_answers_api_not_supported ")
            && line.ends_with("... ok")),
        "{stdout}"
    );
    // The others need a control plane this server lacks, and say so.
    assert!(
        stdout.contains("ignored (requires fixture:zylker"),
        "{stdout}"
    );
    assert!(stdout.contains("ignored, by reason"), "{stdout}");
    assert!(!stdout.contains("1000.sandbox.token"));
}

#[test]
fn diff_reports_where_a_divergent_target_differs() {
    let dir = temp_dir("diff-scenarios");
    let area = dir.join("portals");
    std::fs::create_dir_all(&area).unwrap();
    std::fs::write(
        area.join("get_portals.json"),
        r#"{"description":"d","source":"s","steps":[{"request":{"method":"GET","path":"/crm/v4/settings/portals"}}]}"#,
    )
    .unwrap();
    let base = divergent_server(8);
    let (code, stdout, _) = run(&[
        "diff",
        "--a",
        "mock",
        "--b",
        &base,
        "--token",
        "1000.zylker.admin",
        "--scenarios",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains(
            "portals::get_portals steps[0] GET /crm/v4/settings/portals: at status: a has 200, b has 201"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains(": at $.portals[0].name: a has \"ZylkerAutos\", b has \"Altered\""),
        "{stdout}"
    );
    assert!(
        stdout.contains(": at $.portals[0].zaid: a has \"<id>\", b has (absent)"),
        "{stdout}"
    );

    // Masked paths differ no more; the status still does.
    let (code, stdout, _) = run(&[
        "diff",
        "--b",
        &divergent_server(8),
        "--token",
        "1000.zylker.admin",
        "--scenarios",
        dir.to_str().unwrap(),
        "--mask",
        "$.portals[*].name",
        "--mask",
        "$.portals[0].zaid",
    ]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("at status:"), "{stdout}");
    assert!(!stdout.contains("at $.portals"), "{stdout}");
}

/// A scenario expecting `body_bytes` on the zylker org's Get Portals.
fn body_bytes_scenario(bytes: &str) -> scenario::LoadedScenario {
    let text = serde_json::json!({
        "description": "exact bytes of Get Portals",
        "source": "self-check of the conformance runner",
        "requires": ["fixture:zylker"],
        "steps": [{
            "request": { "method": "GET", "path": "/crm/v4/settings/portals" },
            "expect": { "status": 200, "body_bytes": bytes }
        }]
    })
    .to_string();
    scenario::LoadedScenario {
        name: "self_check::body_bytes".into(),
        area: "self_check".into(),
        path: "self_check/body_bytes.json".into(),
        scenario: scenario::parse(Path::new("self_check/body_bytes.json"), &text).unwrap(),
    }
}

#[test]
fn body_bytes_passes_on_the_exact_bytes_and_fails_on_one_space_more() {
    const EXACT: &str = r#"{"portals":[{"created_time":"2023-02-07T20:13:20+05:30","modified_time":"2023-02-07T20:13:20+05:30","modified_by":{"name":"Patricia Boyle","id":"4876876000000327001"},"name":"ZylkerAutos","active":true,"zaid":"10052946888","created_by":{"name":"Patricia Boyle","id":"4875876000000327001"}}]}"#;
    let target = Target::embedded().unwrap();
    let (result, _) = runner::run(&target, &body_bytes_scenario(EXACT), &options(Mode::Strict));
    assert_eq!(result.outcome, "passed", "{:?}", result.steps);

    // The same JSON value with one space after a colon: equal as JSON, not as bytes.
    let spaced = EXACT.replacen("\"portals\":", "\"portals\": ", 1);
    let (result, _) = runner::run(
        &target,
        &body_bytes_scenario(&spaced),
        &options(Mode::Strict),
    );
    assert_eq!(result.outcome, "failed");
    let found = divergences(&result.steps[0]);
    assert_eq!(
        found,
        [(
            "body_bytes (first difference at byte 11)",
            spaced.as_str(),
            EXACT
        )]
    );
}
