//! The scenario format: one behaviour per JSON file under `fixtures/scenarios/<area>/`, parsed
//! once into typed values (see `fixtures/scenarios/README.md` for the format).
//!
//! * [`raw`]: the file as written (serde, unknown keys refused);
//! * [`parse`]: raw to typed, every error naming the file, the key and the line;
//! * [`load`]: a directory of files, one file, or the copy embedded at build time;
//! * [`variables`]: the `{{variables}}` a scenario uses, and which of them nothing defines.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::expected::Expected;
use crate::json_path::JsonPath;

mod load;
mod parse;
mod raw;
mod variables;

pub use load::{load_dir, load_embedded, load_path};
pub use parse::parse;
/// An HTTP method, checked when the scenario is parsed.
pub use ureq::http::Method;
pub use variables::{check_variables, names_in};

/// One scenario file.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// What behaviour it shows.
    pub description: String,
    /// The document and sample it reproduces.
    pub source: String,
    /// Free-form tags (the endpoint, e.g. `P1`).
    pub tags: Vec<String>,
    /// Capabilities a target must have: `fixture:<name>`, `control-plane`.
    pub requires: Vec<String>,
    /// It writes (refused on a production domain without `--allow-writes`).
    pub writes: bool,
    /// It does what cannot be undone (creating a portal).
    pub irreversible: bool,
    /// Which orgs it shows behaviour of: production ones (the default), Zoho sandboxes, or any.
    pub environment: Environment,
    /// Steps run first; their failures are reported as setup failures.
    pub setup: Vec<Step>,
    /// The steps that show the behaviour (at least one).
    pub steps: Vec<Step>,
    /// Steps that always run at the end, even after a failure.
    pub cleanup: Vec<Step>,
    /// The `{{variables}}` it uses that no step before the use captures and that are not built
    /// in ([`crate::vars::BUILT_IN`]), each with the line of its first use: they must come from
    /// `--var`, or loading fails ([`check_variables`]).
    pub free_variables: Vec<(String, usize)>,
}

/// The three sections of a scenario, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Section {
    /// Steps run first.
    Setup,
    /// The steps that show the behaviour.
    Steps,
    /// Steps that always run at the end.
    Cleanup,
}

impl Section {
    /// Its name in scenarios and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Section::Setup => "setup",
            Section::Steps => "steps",
            Section::Cleanup => "cleanup",
        }
    }
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// One request and what must come back.
#[derive(Debug, Clone)]
pub struct Step {
    /// A short name for reports.
    pub name: String,
    /// The request.
    pub request: Request,
    /// The expectations.
    pub expect: Expect,
    /// Values to remember: name -> JSON path into the response body (`$.user_type[0].id`).
    pub capture: BTreeMap<String, JsonPath>,
    /// Send the step again until its expectation holds (polling a job), at most so often.
    pub retry: Option<Retry>,
    /// The `{{variables}}` its request and expectations use, found once when it is parsed.
    pub variables: Vec<String>,
}

/// How a step is retried: up to `count` more times, `interval` apart, while it diverges or fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    /// At most this many more attempts (1 to [`Retry::MAX_COUNT`]).
    pub count: u32,
    /// The pause between attempts (at most [`Retry::MAX_INTERVAL`]).
    pub interval: std::time::Duration,
}

impl Retry {
    /// The most attempts a step may add.
    pub const MAX_COUNT: u32 = 100;
    /// The longest pause between attempts.
    pub const MAX_INTERVAL: std::time::Duration = std::time::Duration::from_secs(60);
}

/// A request; strings may hold `{{var}}`, resolved when the step runs.
#[derive(Debug, Clone)]
pub struct Request {
    /// GET, POST, PUT, DELETE, …
    pub method: Method,
    /// Path from the API domain, e.g. `/crm/v8/settings/portals`.
    pub path: String,
    /// Query parameters.
    pub query: BTreeMap<String, String>,
    /// Extra headers.
    pub headers: BTreeMap<String, String>,
    /// The body.
    pub body: RequestBody,
    /// The token to send.
    pub token: Token,
}

/// A request's body.
#[derive(Debug, Clone, PartialEq)]
pub enum RequestBody {
    /// No body.
    None,
    /// `body`: JSON.
    Json(Value),
    /// `body_text` (e.g. malformed JSON), sent `body_text_repeat` times over (default once).
    Text {
        /// The text.
        text: String,
        /// How many times over.
        repeat: usize,
    },
}

/// Which token a request sends.
#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    /// `token` absent: the target's (or the session's).
    Target,
    /// `"none"`: no `Authorization` header.
    None,
    /// A token (or `{{var}}`).
    Given(String),
}

/// What the answer must be.
#[derive(Debug, Clone, Default)]
pub struct Expect {
    /// The status.
    pub status: Option<u16>,
    /// Headers (names case-insensitive), literal or matcher.
    pub headers: BTreeMap<String, Expected>,
    /// The body: literal JSON, with matchers and `{{var}}`.
    pub body: Option<Expected>,
    /// `body_bytes`: the exact text of the body (after `{{var}}` interpolation), byte for byte:
    /// key order, spacing and all.
    pub body_bytes: Option<String>,
    /// The answer has no body.
    pub empty_body: bool,
    /// Report extra keys in the actual body (`strict`) or ignore them (`lenient`); default: the
    /// run's mode.
    pub mode: Option<Mode>,
}

/// The kind of org a scenario runs against. A Zoho sandbox does not serve the Portals API, so
/// most scenarios are `production`; `sandbox` ones check the sandbox's refusals; `any` ones
/// (the Records API) run on both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    /// A production (or developer) org.
    #[default]
    Production,
    /// A Zoho sandbox org.
    Sandbox,
    /// Either.
    Any,
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

/// A short, repeatable fuzz pass over [`parse`] (longer with `make fuzz`): every scenario file
/// of the suite and every saved regression under `conformance/fuzz/scenario/`, then mutations.
/// Parsing may refuse an input, never panic.
#[cfg(test)]
mod fuzz {
    use super::*;
    use portals_mock::fuzz as fuzzer;
    use std::path::Path;

    #[test]
    fn the_scenario_parser_refuses_or_accepts_any_input_without_panicking() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        load::collect(&root.join("../fixtures/scenarios"), &mut files).unwrap();
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
