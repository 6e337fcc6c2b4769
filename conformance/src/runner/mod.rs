//! Runs one scenario against a target: setup, steps, then cleanup (always), and records every
//! divergence of every step.
//!
//! * [`step`]: one step: build the request, send it, check the answer, capture;
//! * [`result`]: what a run produced, step by step.

use serde_json::Value;

use crate::matching::render;
use crate::scenario::{Environment, LoadedScenario, Mode, Section};
use crate::target::Target;
use crate::vars::{Vars, redact};

mod result;
mod step;

pub use result::{Outcome, ScenarioResult, StepResult};
pub use step::StepRunner;

/// How a run treats scenarios.
#[derive(Debug, Clone)]
pub struct Options {
    /// Extra keys in bodies: reported (`Strict`) or ignored (`Lenient`).
    pub mode: Mode,
    /// Scenarios that write may run on a production domain.
    pub allow_writes: bool,
    /// Irreversible scenarios may run on a production domain.
    pub allow_irreversible: bool,
    /// Check expectations (`false`: only send, capture and record, for `diff` and `record`).
    pub check: bool,
    /// Leave the orgs made for scenarios on the target (`--keep-orgs`) instead of deleting them.
    pub keep_orgs: bool,
    /// `--var NAME=VALUE`: variables every scenario starts with.
    pub vars: Vec<(String, String)>,
}

impl Options {
    /// Why a scenario is not run on `target` with these options, if it is not: a capability
    /// the target lacks, or a write (or what cannot be undone) on a production domain without
    /// the flag that allows it. Decided before the run, so it is reported as ignored.
    pub fn skip_reason(
        &self,
        target: &Target,
        scenario: &crate::scenario::Scenario,
    ) -> Option<String> {
        if let Some(reason) = target.missing_capability(scenario) {
            return Some(reason);
        }
        match (target.sandbox, scenario.environment) {
            (true, Environment::Production) => {
                return Some("not served in a Zoho sandbox".into());
            }
            (false, Environment::Sandbox) => {
                return Some("checks a Zoho sandbox's answers; the target is not one".into());
            }
            _ => {}
        }
        if target.production && scenario.irreversible && !self.allow_irreversible {
            return Some(
                "irreversible, and the target is a live org (use --allow-irreversible)".into(),
            );
        }
        if target.production && scenario.writes && !self.allow_writes {
            return Some("writes, and the target is a live org (use --allow-writes)".into());
        }
        None
    }
}

/// Runs a scenario; answers its result and, for failed body checks, (expected, actual) pretty
/// JSON pairs for a diff.
pub fn run(
    target: &Target,
    loaded: &LoadedScenario,
    options: &Options,
) -> (ScenarioResult, Vec<(String, String)>) {
    let started = std::time::Instant::now();
    let (mut result, diffs) = run_timed(target, loaded, options);
    result.seconds = started.elapsed().as_secs_f64();
    (result, diffs)
}

fn run_timed(
    target: &Target,
    loaded: &LoadedScenario,
    options: &Options,
) -> (ScenarioResult, Vec<(String, String)>) {
    let scenario = &loaded.scenario;
    let mut result = ScenarioResult::new(loaded, run_id());
    let ignore = |mut result: ScenarioResult, reason: String| {
        result.outcome = Outcome::Ignored;
        result.reason = Some(reason);
        (result, Vec::new())
    };
    if let Some(reason) = options.skip_reason(target, scenario) {
        return ignore(result, reason);
    }
    let session = match target.session(scenario) {
        Ok(session) => session,
        Err(error) => {
            result.outcome = Outcome::Failed;
            let mut step = StepResult::new(Section::Setup, 0, "create an org");
            step.request = "POST /__mock/orgs".into();
            step.error = Some(error);
            result.steps.push(step);
            return (result, Vec::new());
        }
    };
    result.org_id = session.org_id.clone();
    let mut vars = Vars::default();
    for (name, value) in &options.vars {
        vars.set(name, Value::String(value.clone()));
    }
    vars.set("run_id", Value::String(result.run_id.clone()));
    if let Some(token) = &session.token {
        vars.set_secret("token", token);
    }
    if let Some(org_id) = &session.org_id {
        vars.set("org_id", Value::String(org_id.clone()));
    }
    for (name, value) in &session.credentials {
        if crate::target::is_secret_credential(name) {
            vars.set_secret(name, value);
        } else {
            vars.set(name, Value::String(value.clone()));
        }
    }
    let mut diffs = Vec::new();
    let mut steps = StepRunner {
        target,
        session: &session,
        options,
        vars: &mut vars,
        diffs: &mut diffs,
    };
    // Setup then steps, up to the first failure; cleanup always, to the end.
    let mut failed = false;
    let ordered = (scenario
        .setup
        .iter()
        .enumerate()
        .map(|(i, s)| (Section::Setup, i, s)))
    .chain(
        scenario
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| (Section::Steps, i, s)),
    );
    for (section, index, step) in ordered {
        let step_result = steps.run(step, section, index);
        failed = step_result.failed();
        result.steps.push(step_result);
        if failed {
            break;
        }
    }
    for (index, step) in scenario.cleanup.iter().enumerate() {
        let step_result = steps.run(step, Section::Cleanup, index);
        failed |= step_result.failed();
        result.steps.push(step_result);
    }
    // On the embedded mock, whatever the scenario did must leave the org's state sound.
    if let Some(broken) = target.broken_invariants(&session) {
        failed = true;
        let mut step = StepResult::new(
            Section::Cleanup,
            scenario.cleanup.len(),
            "the org's invariants hold",
        );
        step.request = format!(
            "GET /__mock/orgs/{}/check",
            session.org_id.clone().unwrap_or_default()
        );
        step.status = 409;
        step.error = Some(broken);
        result.steps.push(step);
    }
    if !options.keep_orgs {
        // A failed scenario's org is deleted even on the embedded mock: a step that timed out
        // may still change it.
        if let Err(problem) = target.end_session(&session, !failed) {
            failed = true;
            let mut step = StepResult::new(
                Section::Cleanup,
                result.steps.len(),
                "delete the org made for the scenario",
            );
            step.request = format!(
                "DELETE /__mock/orgs/{}",
                session.org_id.clone().unwrap_or_default()
            );
            step.error = Some(problem);
            result.steps.push(step);
        }
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
    // A body is read back only when its text changed (it held a secret or a token).
    let redact_value = |value: Option<Value>| {
        value.and_then(|v| {
            let text = render(&v);
            let redacted = redact(&text, secrets);
            if redacted == text {
                Some(v)
            } else {
                serde_json::from_str(&redacted).ok()
            }
        })
    };
    for step in &mut result.steps {
        step.body = redact_value(step.body.take());
        step.expected_body = redact_value(step.expected_body.take());
        step.request = redact(&step.request, secrets);
        step.request_body = step.request_body.as_deref().map(|b| redact(b, secrets));
        step.body_text = step.body_text.as_deref().map(|b| redact(b, secrets));
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
