//! `record` and `diff` can be trusted: every scenario of the suite, recorded against the mock,
//! replays against the mock, and against a mock with a fault injected reports that divergence;
//! the recorded files hold no secret yet replay; the mock compared with itself (another server,
//! another history of org ids) shows no difference.

use std::path::{Path, PathBuf};
use std::process::Command;

use portals_conformance::scenario;
use portals_mock::Config;
use serde_json::Value;

mod common;
use common::Mock;

const BIN: &str = env!("CARGO_BIN_EXE_portals-conformance");

/// A mock on 127.0.0.1 port 0, its job worker off as the embedded mock's.
fn start_mock() -> Mock {
    Mock::start(Config {
        job_interval: None,
        ..Config::default()
    })
}

fn fresh_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("portals-conformance-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the runner with `args`; asserts its exit code and that its stdout holds each of `parts`,
/// showing the whole stdout when not.
#[track_caller]
fn run_expecting(args: &[&str], code: i32, parts: &[&str]) {
    let output = Command::new(BIN).args(args).output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(code), "{text}");
    for part in parts {
        assert!(text.contains(part), "lacks {part:?}:\n{text}");
    }
}

/// Records the built-in scenarios whose name contains `filter` ("" for all) into a new
/// directory.
fn record(name: &str, filter: &str) -> PathBuf {
    let out = fresh_dir(name);
    run_expecting(
        &[
            "record",
            "--target",
            "mock",
            "--out",
            out.to_str().unwrap(),
            filter,
        ],
        0,
        &[" 0 not written)"],
    );
    out
}

/// How many scenarios the embedded mock does not run (a sandbox's own checks): `record` lists
/// them as ignored, `diff` as skipped.
fn not_for_the_mock() -> usize {
    let target = portals_conformance::target::Target::embedded().unwrap();
    let options = portals_conformance::runner::Options {
        mode: portals_conformance::scenario::Mode::Strict,
        allow_writes: true,
        allow_irreversible: true,
        check: false,
        keep_orgs: false,
        vars: Vec::new(),
    };
    scenario::load_embedded()
        .unwrap()
        .iter()
        .filter(|s| options.skip_reason(&target, &s.scenario).is_some())
        .count()
}

#[test]
fn the_recorded_suite_replays_on_the_mock_and_reports_an_injected_fault() {
    // Arrange: every scenario of the suite, recorded against the embedded mock.
    let out = record("round-trip", "");
    let recorded = scenario::load_dir(&out).unwrap();
    let built_in = scenario::load_embedded().unwrap();
    let runnable = built_in.len() - not_for_the_mock();
    assert!(runnable > 500, "{runnable}");
    assert_eq!(recorded.len(), runnable);

    // Act and assert: the recorded directory replays against the mock.
    run_expecting(
        &["--scenarios", out.to_str().unwrap(), "--", "--quiet"],
        0,
        &[&format!("{runnable} passed; 0 failed")],
    );

    // A mock whose Get Portals fails: the replay reports that divergence, and only where
    // Get Portals is called.
    let mock = start_mock();
    let base = mock.base.clone();
    mock.inject_fault(
        r#"{"method":"GET","url_path_pattern":"/settings/portals$","error":{"code":"INTERNAL_ERROR"}}"#,
    );
    run_expecting(
        &[
            "--target",
            &base,
            "--scenarios",
            out.to_str().unwrap(),
            "--",
            "--quiet",
            "portals::get_portals_",
        ],
        1,
        &[
            "---- portals::get_portals_reproduces_the_kaizen_72_sample ----",
            "at status: expected 200, got 500",
        ],
    );
}

#[test]
fn recorded_files_expect_no_secret_and_still_replay() {
    // The OAuth flows: answers full of issued access and refresh tokens, captured and sent back.
    let out = record("secrets", "oauth::");
    let mut matched_tokens = 0;
    for loaded in scenario::load_dir(&out).unwrap() {
        let text = std::fs::read_to_string(&loaded.path).unwrap();
        let file: Value = serde_json::from_str(&text).unwrap();
        let source = Path::new(portals_conformance::BUILT_IN_SCENARIOS)
            .join("oauth")
            .join(loaded.path.file_name().unwrap());
        let source: Value =
            serde_json::from_str(&std::fs::read_to_string(source).unwrap()).unwrap();
        for section in ["setup", "steps", "cleanup"] {
            let steps = file[section].as_array().cloned().unwrap_or_default();
            for (index, step) in steps.iter().enumerate() {
                let at = format!("{}: {section}[{index}]", loaded.name);
                // What it sends is what the scenario sends: variables, never a token it saw.
                let sent = &step["request"];
                let wrote = &source[section][index]["request"];
                for key in [
                    "method",
                    "path",
                    "query",
                    "body",
                    "body_text",
                    "token",
                    "headers",
                ] {
                    assert_eq!(sent.get(key), wrote.get(key), "{at}: request.{key}");
                }
                // What it expects holds no token and no redaction mark: matchers instead.
                let mut strings = Vec::new();
                collect_strings(&step["expect"], &mut strings);
                for s in strings {
                    assert!(!portals_mock::redact::is_token(&s), "{at}: a token: {s}");
                    assert!(!s.contains("[REDACTED]"), "{at}: {s}");
                }
                for key in ["access_token", "refresh_token"] {
                    if let Some(expected) = step["expect"]["body"].get(key) {
                        assert_eq!(expected, &serde_json::json!({"$type": "string"}), "{at}");
                        matched_tokens += 1;
                    }
                }
            }
        }
    }
    assert!(matched_tokens >= 5, "{matched_tokens} token expectations");
    run_expecting(
        &["--scenarios", out.to_str().unwrap(), "--", "--quiet"],
        0,
        &[],
    );
}

fn collect_strings(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::String(s) => into.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| collect_strings(v, into)),
        Value::Object(map) => map.iter().for_each(|(k, v)| {
            into.push(k.clone());
            collect_strings(v, into);
        }),
        _ => {}
    }
}

#[test]
fn the_mock_compared_with_itself_shows_no_difference() {
    // Another mock, whose org ids run ahead: zylker-4 where the embedded one has zylker-1.
    let mock = start_mock();
    let base = mock.base.clone();
    for _ in 0..3 {
        ureq::post(format!("{base}/__mock/orgs"))
            .send(r#"{"fixture":"zylker"}"#)
            .unwrap();
    }
    run_expecting(
        &["diff", "--a", "mock", "--b", &base],
        0,
        &[
            "same    portals::create_then_rename_a_portal",
            &format!(" 0 differ, {} skipped", not_for_the_mock()),
        ],
    );
}
