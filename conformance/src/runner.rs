//! Runs one scenario against a target: setup, steps, then cleanup (always), and records every
//! divergence of every step.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::matching::{Divergence, compare, render};
use crate::scenario::{LoadedScenario, Mode, RequestBody, Section, Step, Token};
use crate::target::{Session, Target};
use crate::vars::{Vars, redact};

/// How a run treats scenarios.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Extra keys in bodies: reported (`Strict`) or ignored (`Lenient`).
    pub mode: Mode,
    /// Scenarios that write may run on a production domain.
    pub allow_writes: bool,
    /// Irreversible scenarios may run on a production domain.
    pub allow_irreversible: bool,
    /// Check expectations (`false`: only send, capture and record, for `diff` and `record`).
    pub check: bool,
}

/// The outcome of one step.
#[derive(Debug, Clone, Serialize)]
pub struct StepResult {
    /// `setup`, `steps` or `cleanup`.
    pub section: Section,
    /// Its index in the section.
    pub index: usize,
    /// Its name.
    pub name: String,
    /// `METHOD path?query` (redacted).
    pub request: String,
    /// The request's body as sent (redacted), when it had one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_body: Option<String>,
    /// The status answered (0 when the request failed to send).
    pub status: u16,
    /// Every divergence.
    pub divergences: Vec<Divergence>,
    /// A failure that is not a divergence (the request could not be sent, a capture is missing).
    pub error: Option<String>,
    /// The answer's body (redacted), for `diff` and `record`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// The body the step expected (variables filled in, matchers kept; redacted), kept only
    /// when the step diverged, for the side-by-side view of the HTML report.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_body: Option<Value>,
}

/// How a scenario ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Every step as expected.
    Passed,
    /// A step diverged or failed.
    Failed,
    /// Not run, with a reason.
    Ignored,
}

impl Outcome {
    /// Its name in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::Ignored => "ignored",
        }
    }
}

impl PartialEq<&str> for Outcome {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// The outcome of one scenario.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioResult {
    /// `<area>::<stem>`.
    pub name: String,
    /// Its area.
    pub area: String,
    /// Its tags.
    pub tags: Vec<String>,
    /// `passed`, `failed` or `ignored`.
    pub outcome: Outcome,
    /// Why it was ignored.
    pub reason: Option<String>,
    /// Every step that ran.
    pub steps: Vec<StepResult>,
    /// The `{{run_id}}` of this run (masked by `diff`).
    pub run_id: String,
}

impl ScenarioResult {
    /// A readable account of the failures (redacted), for the trial's message.
    pub fn failure_text(&self, expected_actual: &[(String, String)]) -> String {
        let mut text = String::new();
        for step in self
            .steps
            .iter()
            .filter(|s| !s.divergences.is_empty() || s.error.is_some())
        {
            text.push_str(&format!(
                "{}[{}] {} -> {}\n",
                step.section, step.index, step.request, step.status
            ));
            if let Some(error) = &step.error {
                text.push_str(&format!("  error: {error}\n"));
            }
            for divergence in &step.divergences {
                text.push_str(&format!(
                    "  at {}: expected {}, got {}\n",
                    divergence.path, divergence.expected, divergence.actual
                ));
            }
        }
        for (expected, actual) in expected_actual {
            text.push_str(&format!(
                "\n{}\n",
                pretty_assertions::StrComparison::new(expected, actual)
            ));
        }
        text
    }
}

/// Runs a scenario; answers its result and, for failed body checks, (expected, actual) pretty
/// JSON pairs for a diff.
pub fn run(
    target: &Target,
    loaded: &LoadedScenario,
    options: &Options,
) -> (ScenarioResult, Vec<(String, String)>) {
    let scenario = &loaded.scenario;
    let mut result = ScenarioResult {
        name: loaded.name.clone(),
        area: loaded.area.clone(),
        tags: scenario.tags.clone(),
        outcome: Outcome::Passed,
        reason: None,
        steps: Vec::new(),
        run_id: run_id(),
    };
    let ignore = |mut result: ScenarioResult, reason: String| {
        result.outcome = Outcome::Ignored;
        result.reason = Some(reason);
        (result, Vec::new())
    };
    if let Some(reason) = target.missing_capability(scenario) {
        return ignore(result, reason);
    }
    if target.production && scenario.irreversible && !options.allow_irreversible {
        return ignore(
            result,
            "irreversible on a production domain (use --allow-irreversible)".into(),
        );
    }
    if target.production && scenario.writes && !options.allow_writes {
        return ignore(
            result,
            "writes on a production domain (use --allow-writes)".into(),
        );
    }
    let session = match target.session(scenario) {
        Ok(session) => session,
        Err(error) => {
            result.outcome = Outcome::Failed;
            result.steps.push(StepResult {
                section: Section::Setup,
                index: 0,
                name: "create an org".into(),
                request: "POST /__mock/orgs".into(),
                request_body: None,
                status: 0,
                divergences: Vec::new(),
                error: Some(error),
                body: None,
                expected_body: None,
            });
            return (result, Vec::new());
        }
    };
    let mut vars = Vars::default();
    vars.set("run_id", Value::String(result.run_id.clone()));
    if let Some(token) = &session.token {
        vars.set_secret("token", token);
    }
    if let Some(org_id) = &session.org_id {
        vars.set("org_id", Value::String(org_id.clone()));
    }
    let mut diffs = Vec::new();
    let mut failed = false;
    for (section, steps) in [
        (Section::Setup, &scenario.setup),
        (Section::Steps, &scenario.steps),
    ] {
        for (index, step) in steps.iter().enumerate() {
            let step_result = run_step(
                target, &session, step, section, index, &mut vars, options, &mut diffs,
            );
            let bad = !step_result.divergences.is_empty() || step_result.error.is_some();
            result.steps.push(step_result);
            if bad {
                failed = true;
                break;
            }
        }
        if failed {
            break;
        }
    }
    for (index, step) in scenario.cleanup.iter().enumerate() {
        let step_result = run_step(
            target,
            &session,
            step,
            Section::Cleanup,
            index,
            &mut vars,
            options,
            &mut diffs,
        );
        failed |= !step_result.divergences.is_empty() || step_result.error.is_some();
        result.steps.push(step_result);
    }
    if failed {
        result.outcome = Outcome::Failed;
    }
    let secrets = vars.secrets().to_vec();
    let diffs = diffs
        .into_iter()
        .map(|(e, a)| (redact(&e, &secrets), redact(&a, &secrets)))
        .collect();
    (redact_result(result, &secrets), diffs)
}

fn redact_result(mut result: ScenarioResult, secrets: &[String]) -> ScenarioResult {
    let redact_value = |value: Option<Value>| {
        value.and_then(|v| serde_json::from_str(&redact(&render(&v), secrets)).ok())
    };
    for step in &mut result.steps {
        step.body = redact_value(step.body.take());
        step.expected_body = redact_value(step.expected_body.take());
        step.request = redact(&step.request, secrets);
        step.request_body = step.request_body.as_deref().map(|b| redact(b, secrets));
        step.error = step.error.as_deref().map(|e| redact(e, secrets));
        for divergence in &mut step.divergences {
            divergence.expected = redact(&divergence.expected, secrets);
            divergence.actual = redact(&divergence.actual, secrets);
        }
    }
    result
}

/// A run id: letters and digits only, so it fits portal and user-type names.
fn run_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    format!("r{:010x}", hasher.finish() & 0xff_ffff_ffff)
}

#[allow(clippy::too_many_arguments)]
fn run_step(
    target: &Target,
    session: &Session,
    step: &Step,
    section: Section,
    index: usize,
    vars: &mut Vars,
    options: &Options,
    diffs: &mut Vec<(String, String)>,
) -> StepResult {
    let request = &step.request;
    vars.note_env_secrets(&request.path);
    for value in request.query.values().chain(request.headers.values()) {
        vars.note_env_secrets(value);
    }
    let path = vars.interpolate(&request.path);
    let query: BTreeMap<String, String> = request
        .query
        .iter()
        .map(|(k, v)| (k.clone(), vars.interpolate(v)))
        .collect();
    let query_text = query
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let url = if query_text.is_empty() {
        format!("{}{}", session.base, path)
    } else {
        format!("{}{}?{}", session.base, path, query_text)
    };
    let shown = format!(
        "{} {}{}",
        request.method,
        path,
        if query_text.is_empty() {
            String::new()
        } else {
            format!("?{query_text}")
        }
    );
    let mut outcome = StepResult {
        section,
        index,
        name: step.name.clone(),
        request: shown,
        request_body: None,
        status: 0,
        divergences: Vec::new(),
        error: None,
        body: None,
        expected_body: None,
    };
    let mut builder = ureq::http::Request::builder()
        .method(request.method.clone())
        .uri(&url);
    let token = match &request.token {
        Token::None => None,
        Token::Given(given) => {
            let token = vars.interpolate(given);
            vars.add_secret(&token);
            Some(token)
        }
        Token::Target => match &session.token {
            Some(token) => Some(token.clone()),
            None => match target.token() {
                Ok(token) => token,
                Err(error) => {
                    outcome.error = Some(error);
                    return outcome;
                }
            },
        },
    };
    if let Some(token) = &token {
        vars.add_secret(token);
    }
    if let Some(token) = token {
        builder = builder.header("Authorization", format!("Zoho-oauthtoken {token}"));
    }
    for (name, value) in &request.headers {
        builder = builder.header(name.as_str(), vars.interpolate(value));
    }
    let body = match &request.body {
        RequestBody::Json(body) => render(&vars.interpolate_value(body)),
        RequestBody::Text { text, repeat } => vars.interpolate(text).repeat(*repeat),
        RequestBody::None => String::new(),
    };
    if !body.is_empty() {
        outcome.request_body = Some(body.clone());
    }
    let sent = builder
        .body(body)
        .map_err(|e| e.to_string())
        .and_then(|req| target.agent().run(req).map_err(|e| e.to_string()));
    let mut response = match sent {
        Ok(response) => response,
        Err(error) => {
            outcome.error = Some(format!("request failed: {error}"));
            return outcome;
        }
    };
    outcome.status = response.status().as_u16();
    let headers: BTreeMap<String, String> = response
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_ascii_lowercase(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let text = response.body_mut().read_to_string().unwrap_or_default();
    let actual_body: Option<Value> = if text.is_empty() {
        None
    } else {
        serde_json::from_str(&text).ok()
    };
    outcome.body = actual_body.clone();
    let expect = &step.expect;
    if !options.check {
        capture(step, actual_body.as_ref(), vars, &mut outcome);
        return outcome;
    }
    if let Some(status) = expect.status
        && status != outcome.status
    {
        outcome.divergences.push(Divergence {
            path: "status".into(),
            expected: status.to_string(),
            actual: outcome.status.to_string(),
        });
    }
    for (name, expected) in &expect.headers {
        let actual = headers
            .get(&name.to_ascii_lowercase())
            .map(|v| Value::String(v.clone()));
        compare(
            expected,
            actual.as_ref(),
            vars,
            Mode::Strict,
            &format!("headers.{}", name.to_ascii_lowercase()),
            &mut outcome.divergences,
        );
    }
    if expect.empty_body && !text.is_empty() {
        outcome.divergences.push(Divergence {
            path: "body".into(),
            expected: "(no body)".into(),
            actual: text.chars().take(500).collect(),
        });
    }
    if let Some(expected) = &expect.body {
        let before = outcome.divergences.len();
        match &actual_body {
            Some(actual) => compare(
                expected,
                Some(actual),
                vars,
                expect.mode.unwrap_or(options.mode),
                "$",
                &mut outcome.divergences,
            ),
            None => outcome.divergences.push(Divergence {
                path: "$".into(),
                expected: render(&expected.to_value(Some(vars))),
                actual: if text.is_empty() {
                    "(no body)".into()
                } else {
                    format!("(not JSON) {}", text.chars().take(500).collect::<String>())
                },
            }),
        }
        if outcome.divergences.len() > before
            && let Some(actual) = &actual_body
        {
            let expected =
                serde_json::to_string_pretty(&expected.to_value(Some(vars))).unwrap_or_default();
            let actual = serde_json::to_string_pretty(actual).unwrap_or_default();
            diffs.push((expected, actual));
        }
    }
    if !outcome.divergences.is_empty()
        && let Some(expected) = &expect.body
    {
        outcome.expected_body = Some(expected.to_value(Some(vars)));
    }
    capture(step, actual_body.as_ref(), vars, &mut outcome);
    outcome
}

fn capture(step: &Step, body: Option<&Value>, vars: &mut Vars, outcome: &mut StepResult) {
    for (name, json_path) in &step.capture {
        match body.and_then(|body| json_path.extract(body)) {
            Some(value) => vars.set(name, value.clone()),
            None => outcome.error = Some(format!("capture {name}: nothing at {json_path}")),
        }
    }
}

/// Percent-encodes a query component (unreserved characters kept, space as %20).
fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}
