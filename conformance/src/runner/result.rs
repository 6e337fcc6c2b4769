//! What running a scenario produced: each step's request, status, divergences and bodies, and
//! the scenario's outcome; serialised as is into the JSON report.

use serde::Serialize;
use serde_json::Value;

use crate::matching::Divergence;
use crate::scenario::{LoadedScenario, Section};

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
    /// Why a cleanup step was not sent (a variable it needs was never captured).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    /// How many times it was sent (more than once with `retry`).
    pub attempts: u32,
    /// The answer's body (redacted), for `diff` and `record`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// The answer's body when it is not JSON (redacted), for `record`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_text: Option<String>,
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
    /// What behaviour it shows (the scenario's `description`).
    pub description: String,
    /// The document and sample it reproduces (the scenario's `source`).
    pub source: String,
    /// The file it was read from.
    pub file: String,
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
    /// The `{{org_id}}` of this run, when the target made an org for it (masked by `diff`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
    /// How long it ran, in seconds (0 when ignored).
    pub seconds: f64,
}

impl ScenarioResult {
    /// A scenario that has not run yet: passed until a step fails.
    pub fn new(loaded: &LoadedScenario, run_id: String) -> ScenarioResult {
        ScenarioResult {
            name: loaded.name.clone(),
            area: loaded.area.clone(),
            description: loaded.scenario.description.clone(),
            source: loaded.scenario.source.clone(),
            file: shown_path(&loaded.path),
            tags: loaded.scenario.tags.clone(),
            outcome: Outcome::Passed,
            reason: None,
            steps: Vec::new(),
            run_id,
            org_id: None,
            seconds: 0.0,
        }
    }

    /// A readable account of the failures (redacted), for the trial's message.
    pub fn failure_text(&self, expected_actual: &[(String, String)]) -> String {
        let mut text = String::new();
        for step in self
            .steps
            .iter()
            .filter(|s| !s.divergences.is_empty() || s.error.is_some())
        {
            let answered = if step.status == 0 {
                "no answer".to_owned()
            } else {
                step.status.to_string()
            };
            text.push_str(&format!(
                "{}[{}] {} -> {answered}\n",
                step.section, step.index, step.request
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
        for step in self.steps.iter().filter(|s| s.skipped.is_some()) {
            text.push_str(&format!(
                "{}[{}] {} skipped: {}\n",
                step.section,
                step.index,
                step.request,
                step.skipped.as_deref().unwrap_or_default()
            ));
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

impl StepResult {
    /// A step that has not run yet.
    pub fn new(section: Section, index: usize, name: &str) -> StepResult {
        StepResult {
            section,
            index,
            name: name.to_owned(),
            request: String::new(),
            request_body: None,
            status: 0,
            divergences: Vec::new(),
            error: None,
            skipped: None,
            attempts: 0,
            body: None,
            body_text: None,
            expected_body: None,
        }
    }

    /// Whether it diverged or failed.
    pub fn failed(&self) -> bool {
        !self.divergences.is_empty() || self.error.is_some()
    }
}

/// A scenario file as reports show it: the built-in suite's as `fixtures/scenarios/…`, others
/// relative to the working directory when under it.
fn shown_path(path: &std::path::Path) -> String {
    if let Ok(rest) = path.strip_prefix(crate::BUILT_IN_SCENARIOS) {
        return std::path::Path::new("fixtures/scenarios")
            .join(rest)
            .display()
            .to_string();
    }
    std::env::current_dir()
        .ok()
        .and_then(|here| path.strip_prefix(here).ok())
        .unwrap_or(path)
        .display()
        .to_string()
}
