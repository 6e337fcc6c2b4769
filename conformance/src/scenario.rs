//! The scenario format: one behaviour per JSON file under `fixtures/scenarios/<area>/`.
//!
//! Parsing is strict: an unknown key or a bad matcher is an error that names the file, the key
//! and the line. See `fixtures/scenarios/README.md` for the format.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::matching;

/// One scenario file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// What behaviour it shows.
    pub description: String,
    /// The document and sample it reproduces.
    pub source: String,
    /// Free-form tags (the endpoint, e.g. `P1`).
    #[serde(default)]
    pub tags: Vec<String>,
    /// Capabilities a target must have: `fixture:<name>`, `control-plane`.
    #[serde(default)]
    pub requires: Vec<String>,
    /// It writes (refused on a production domain without `--allow-writes`).
    #[serde(default)]
    pub writes: bool,
    /// It does what cannot be undone (creating a portal).
    #[serde(default)]
    pub irreversible: bool,
    /// Steps run first; their failures are reported as setup failures.
    #[serde(default)]
    pub setup: Vec<Step>,
    /// The steps that show the behaviour.
    pub steps: Vec<Step>,
    /// Steps that always run at the end, even after a failure.
    #[serde(default)]
    pub cleanup: Vec<Step>,
}

/// One request and what must come back.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// A short name for reports.
    #[serde(default)]
    pub name: String,
    /// The request.
    pub request: Request,
    /// The expectations.
    #[serde(default)]
    pub expect: Expect,
    /// Values to remember: name -> JSON path into the response body (`$.user_type[0].id`).
    #[serde(default)]
    pub capture: BTreeMap<String, String>,
}

/// A request; strings may hold `{{var}}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// GET, POST, PUT, DELETE, …
    pub method: String,
    /// Path from the API domain, e.g. `/crm/v8/settings/portals`.
    pub path: String,
    /// Query parameters.
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    /// Extra headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// A JSON body.
    #[serde(default)]
    pub body: Option<Value>,
    /// A raw body (e.g. malformed JSON), instead of `body`.
    #[serde(default)]
    pub body_text: Option<String>,
    /// Send `body_text` this many times over (a large body without a large file).
    #[serde(default)]
    pub body_text_repeat: Option<usize>,
    /// The token to send: absent -> the target's; `"none"` -> no Authorization header.
    #[serde(default)]
    pub token: Option<String>,
}

/// What the answer must be.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The status.
    #[serde(default)]
    pub status: Option<u16>,
    /// Headers (names case-insensitive), literal or matcher.
    #[serde(default)]
    pub headers: BTreeMap<String, Value>,
    /// The body: literal JSON, with matchers and `{{var}}`.
    #[serde(default)]
    pub body: Option<Value>,
    /// The answer has no body.
    #[serde(default)]
    pub empty_body: bool,
    /// Report extra keys in the actual body (`strict`) or ignore them (`lenient`); default: the
    /// run's mode.
    #[serde(default)]
    pub mode: Option<Mode>,
}

/// How extra keys are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Extra keys are divergences.
    Strict,
    /// Extra keys are ignored.
    Lenient,
}

/// A scenario with where it came from.
#[derive(Debug, Clone)]
pub struct LoadedScenario {
    /// `<area>::<file stem>`.
    pub name: String,
    /// The area (directory).
    pub area: String,
    /// The file.
    pub path: PathBuf,
    /// The contents.
    pub scenario: Scenario,
}

/// Parses one file strictly; errors name the file, the key and the line.
pub fn parse(path: &Path, text: &str) -> Result<Scenario, String> {
    let scenario: Scenario =
        serde_json::from_str(text).map_err(|error| format!("{}: {error}", path.display()))?;
    for (section, steps) in [
        ("setup", &scenario.setup),
        ("steps", &scenario.steps),
        ("cleanup", &scenario.cleanup),
    ] {
        for (index, step) in steps.iter().enumerate() {
            let at = format!("{section}[{index}]");
            if step.request.body.is_some() && step.request.body_text.is_some() {
                return Err(format!(
                    "{}: {at}.request: give body or body_text, not both (line {})",
                    path.display(),
                    line_of(text, "body_text")
                ));
            }
            if step.request.body_text_repeat.is_some() && step.request.body_text.is_none() {
                return Err(format!(
                    "{}: {at}.request: body_text_repeat needs body_text (line {})",
                    path.display(),
                    line_of(text, "body_text_repeat")
                ));
            }
            let mut checks: Vec<(String, &Value)> = Vec::new();
            if let Some(body) = &step.expect.body {
                checks.push((format!("{at}.expect.body"), body));
            }
            for (name, value) in &step.expect.headers {
                checks.push((format!("{at}.expect.headers.{name}"), value));
            }
            for (where_, value) in checks {
                matching::validate(value).map_err(|(key, problem)| {
                    format!(
                        "{}: {where_}: matcher {key:?}: {problem} (line {})",
                        path.display(),
                        line_of(text, &key)
                    )
                })?;
            }
            for (name, json_path) in &step.capture {
                crate::vars::parse_path(json_path).map_err(|problem| {
                    format!(
                        "{}: {at}.capture.{name}: {problem} (line {})",
                        path.display(),
                        line_of(text, json_path)
                    )
                })?;
            }
        }
    }
    for requirement in &scenario.requires {
        if requirement != "control-plane" && !requirement.starts_with("fixture:") {
            return Err(format!(
                "{}: requires: unknown capability {requirement:?} (expected \"control-plane\" or \"fixture:<name>\") (line {})",
                path.display(),
                line_of(text, requirement)
            ));
        }
    }
    if scenario.steps.is_empty() {
        return Err(format!(
            "{}: steps: a scenario needs at least one step",
            path.display()
        ));
    }
    Ok(scenario)
}

/// The first line (1-based) that mentions `needle`, for error messages.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|line| line.contains(needle))
        .map_or(1, |index| index + 1)
}

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_scenarios.rs"));
}

/// Loads every `*.json` under `dir` (sorted; `README`s and other files skipped).
/// Fails when the directory holds no scenario: a wrong path must not pass silently.
///
/// The checkout's directory ([`crate::BUILT_IN_SCENARIOS`]) falls back to the copy embedded at
/// build time when it is gone (a binary from `cargo install`, a cached binary in CI).
pub fn load_dir(dir: &Path) -> Result<Vec<LoadedScenario>, String> {
    if dir == Path::new(crate::BUILT_IN_SCENARIOS) && !dir.is_dir() {
        return load_embedded();
    }
    let mut files = Vec::new();
    collect(dir, &mut files).map_err(|error| format!("{}: {error}", dir.display()))?;
    files.sort();
    let mut loaded = Vec::new();
    for path in files {
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        loaded.push((path, text));
    }
    load_texts(dir, loaded)
}

/// The scenarios embedded at build time, named as if read from `fixtures/scenarios`.
pub fn load_embedded() -> Result<Vec<LoadedScenario>, String> {
    let dir = Path::new("fixtures/scenarios");
    let files = embedded::EMBEDDED_SCENARIOS
        .iter()
        .map(|(relative, text)| (dir.join(relative), (*text).to_owned()))
        .collect();
    load_texts(dir, files)
}

fn load_texts(dir: &Path, files: Vec<(PathBuf, String)>) -> Result<Vec<LoadedScenario>, String> {
    let mut scenarios = Vec::new();
    for (path, text) in files {
        let scenario = parse(&path, &text)?;
        let relative = path.strip_prefix(dir).unwrap_or(&path);
        let area = relative
            .parent()
            .map(|p| p.to_string_lossy().replace(std::path::MAIN_SEPARATOR, "::"))
            .filter(|a| !a.is_empty())
            .unwrap_or_else(|| "root".into());
        let stem = path.file_stem().unwrap_or_default().to_string_lossy();
        scenarios.push(LoadedScenario {
            name: format!("{area}::{stem}"),
            area,
            path,
            scenario,
        });
    }
    if scenarios.is_empty() {
        return Err(format!(
            "{}: no scenario files (*.json) found",
            dir.display()
        ));
    }
    Ok(scenarios)
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, files)?;
        } else if path.extension().is_some_and(|ext| ext == "json") {
            files.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<Scenario, String> {
        parse(Path::new("x/y.json"), text)
    }

    #[test]
    fn the_embedded_scenarios_are_the_checkouts() {
        let names = |loaded: Vec<LoadedScenario>| -> Vec<String> {
            loaded.into_iter().map(|s| s.name).collect()
        };
        let embedded = names(load_embedded().unwrap());
        assert!(embedded.len() > 100, "{}", embedded.len());
        assert_eq!(
            embedded,
            names(load_dir(Path::new(crate::BUILT_IN_SCENARIOS)).unwrap())
        );
    }

    #[test]
    fn an_unknown_key_names_the_file_the_key_and_the_line() {
        let error =
            parse_text("{\"description\":\"d\",\"source\":\"s\",\n\"stepz\":[]}").unwrap_err();
        assert!(error.contains("x/y.json"), "{error}");
        assert!(error.contains("stepz"), "{error}");
        assert!(error.contains("line 2"), "{error}");
    }

    #[test]
    fn a_bad_matcher_is_refused_at_load_time() {
        let error = parse_text(
            r#"{"description":"d","source":"s","steps":[{"request":{"method":"GET","path":"/"},
               "expect":{"body":{"a":{"$regexx":"x"}}}}]}"#,
        )
        .unwrap_err();
        assert!(error.contains("$regexx"), "{error}");
    }

    #[test]
    fn an_unknown_capability_is_refused() {
        let error = parse_text(
            r#"{"description":"d","source":"s","requires":["telepathy"],
               "steps":[{"request":{"method":"GET","path":"/"}}]}"#,
        )
        .unwrap_err();
        assert!(error.contains("telepathy"), "{error}");
    }

    #[test]
    fn body_text_repeat_needs_body_text() {
        let error = parse_text(
            r#"{"description":"d","source":"s",
               "steps":[{"request":{"method":"POST","path":"/","body_text_repeat":2}}]}"#,
        )
        .unwrap_err();
        assert!(
            error.contains("body_text_repeat needs body_text"),
            "{error}"
        );
    }
}

/// A short, repeatable fuzz pass over [`parse`] (longer with `make fuzz`): every scenario file
/// of the suite and every saved regression under `conformance/fuzz/scenario/`, then mutations.
/// Parsing may refuse an input, never panic.
#[cfg(test)]
mod fuzz {
    use super::*;
    use portals_mock::fuzz as fuzzer;

    #[test]
    fn the_scenario_parser_refuses_or_accepts_any_input_without_panicking() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        collect(&root.join("../fixtures/scenarios"), &mut files).unwrap();
        files.sort();
        let seeds: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
        assert!(!seeds.is_empty());
        let (iterations, seed) = fuzzer::settings(3000);
        fuzzer::run(
            "scenario",
            seeds,
            &root.join("fuzz/scenario"),
            iterations,
            seed,
            |data| match parse(Path::new("fuzz.json"), &String::from_utf8_lossy(data)) {
                Ok(scenario) => fuzzer::signature(&(scenario.steps.len(), scenario.setup.len())),
                // The kind of refusal: the words before the first detail.
                Err(error) => fuzzer::signature(&error.split([':', '(']).nth(1).map(str::trim)),
            },
        );
    }
}
