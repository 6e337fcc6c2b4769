//! `diff` and `record`: run the scenarios without expectations and compare two targets'
//! normalised answers, or save one target's answers (redacted) for updating fixtures.

use std::path::Path;

use serde_json::{Value, json};

use crate::expected::Expected;
use crate::matching::{Divergence, compare, is_datetime};
use crate::runner::{self, Options, Outcome, ScenarioResult};
use crate::scenario::{LoadedScenario, Mode};
use crate::target::Target;
use crate::vars::Vars;

const SEND_ONLY: Options = Options {
    mode: Mode::Strict,
    allow_writes: false,
    allow_irreversible: false,
    check: false,
    keep_orgs: false,
    vars: Vec::new(),
};

/// Keys whose numbers count seconds from the moment of the answer (a rate limit's wait): two
/// runs a second apart answer them one apart.
const SECONDS_FROM_NOW: [&str; 1] = ["retry_after"];

/// Masks what legitimately differs between two targets: 19-digit ids, timestamps, the run id,
/// OAuth tokens, seconds counted from now, and the target's own address (`api_domain`).
pub fn normalise(value: &Value, run_id: &str, base: &str) -> Value {
    match value {
        Value::String(text) if portals_mock::redact::is_token(text) => {
            Value::String("<token>".into())
        }
        Value::String(text) if !base.is_empty() && text.starts_with(base) => {
            Value::String(text.replacen(base, "<base>", 1))
        }
        Value::String(text) if text.len() == 19 && text.bytes().all(|b| b.is_ascii_digit()) => {
            Value::String("<id>".into())
        }
        Value::String(text) if is_datetime(text) => Value::String("<datetime>".into()),
        Value::String(text) if !run_id.is_empty() && text.contains(run_id) => {
            Value::String(text.replace(run_id, "<run_id>"))
        }
        Value::Number(number) if number.to_string().len() == 19 => Value::String("<id>".into()),
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| normalise(v, run_id, base)).collect())
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| match v {
                    Value::Number(_) if SECONDS_FROM_NOW.contains(&k.as_str()) => {
                        (k.clone(), Value::String("<seconds>".into()))
                    }
                    _ => (k.clone(), normalise(v, run_id, base)),
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Where two targets' answers to one scenario differ, step by step.
pub fn differences(
    a: &ScenarioResult,
    b: &ScenarioResult,
    bases: (&str, &str),
) -> Vec<(String, Divergence)> {
    let mut found = Vec::new();
    for (step_a, step_b) in a.steps.iter().zip(&b.steps) {
        let at = format!(
            "{}[{}] {}",
            step_a.section,
            step_a.index,
            step_a.request.replace(&a.run_id, "<run_id>")
        );
        if step_a.status != step_b.status {
            found.push((
                at.clone(),
                Divergence {
                    path: "status".into(),
                    expected: step_a.status.to_string(),
                    actual: step_b.status.to_string(),
                },
            ));
        }
        let left = step_a
            .body
            .as_ref()
            .map(|body| normalise(body, &a.run_id, bases.0));
        let right = step_b
            .body
            .as_ref()
            .map(|body| normalise(body, &b.run_id, bases.1));
        let mut divergences = Vec::new();
        match (&left, &right) {
            (Some(left), right) => compare(
                &Expected::literal(left),
                right.as_ref(),
                &Vars::default(),
                Mode::Strict,
                "$",
                &mut divergences,
            ),
            (None, Some(right)) => divergences.push(Divergence {
                path: "$".into(),
                expected: "(no body)".into(),
                actual: crate::matching::render(right),
            }),
            (None, None) => {}
        }
        found.extend(divergences.into_iter().map(|d| (at.clone(), d)));
    }
    if a.steps.len() != b.steps.len() {
        found.push((
            "steps".into(),
            Divergence {
                path: "steps".into(),
                expected: a.steps.len().to_string(),
                actual: b.steps.len().to_string(),
            },
        ));
    }
    found
}

/// Runs every scenario on both targets and prints where they differ; answers whether all agreed.
pub fn diff(a: &Target, b: &Target, scenarios: &[LoadedScenario], options: &Options) -> bool {
    let send = Options {
        allow_writes: options.allow_writes,
        allow_irreversible: options.allow_irreversible,
        ..SEND_ONLY
    };
    let mut agreed = 0;
    let mut differed = 0;
    let mut skipped = 0;
    for loaded in scenarios {
        let (left, _) = runner::run(a, loaded, &send);
        let (right, _) = runner::run(b, loaded, &send);
        if left.outcome == Outcome::Ignored || right.outcome == Outcome::Ignored {
            skipped += 1;
            println!(
                "skip    {}: {}",
                loaded.name,
                left.reason.or(right.reason).unwrap_or_default()
            );
            continue;
        }
        let found = differences(&left, &right, (&a.base, &b.base));
        if found.is_empty() {
            agreed += 1;
            println!("same    {}", loaded.name);
        } else {
            differed += 1;
            println!("differs {}", loaded.name);
            for (step, divergence) in found {
                println!(
                    "  {step}: at {}: a ({}) has {}, b ({}) has {}",
                    divergence.path, a.label, divergence.expected, b.label, divergence.actual
                );
            }
        }
    }
    println!("\n{agreed} same, {differed} differ, {skipped} skipped");
    differed == 0
}

/// Runs every scenario on a target and writes each step's request and answer (redacted) to
/// `<out>/<area>/<stem>.json`.
pub fn record(
    target: &Target,
    scenarios: &[LoadedScenario],
    options: &Options,
    out: &Path,
) -> Result<usize, String> {
    let send = Options {
        allow_writes: options.allow_writes,
        allow_irreversible: options.allow_irreversible,
        ..SEND_ONLY
    };
    let mut written = 0;
    for loaded in scenarios {
        let (result, _) = runner::run(target, loaded, &send);
        if result.outcome == Outcome::Ignored {
            continue;
        }
        let steps: Vec<Value> = result
            .steps
            .iter()
            .map(|step| json!({ "section": step.section, "index": step.index, "name": step.name, "request": step.request, "status": step.status, "body": step.body, "error": step.error }))
            .collect();
        let file = out.join(result.area.replace("::", "/")).join(format!(
            "{}.json",
            result.name.rsplit("::").next().unwrap_or(&result.name)
        ));
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        let text = serde_json::to_string_pretty(
            &json!({ "scenario": result.name, "target": target.label, "steps": steps }),
        )
        .unwrap_or_default();
        std::fs::write(&file, text).map_err(|e| format!("{}: {e}", file.display()))?;
        written += 1;
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_timestamps_and_run_ids_are_masked() {
        let value = json!({"id":"1306462000001856005","t":"2023-02-07T20:13:20+05:30","name":"Zylkerr1a2b","n":5,
            "access_token":"1000.0123456789abcdef0123456789abcdef.0123456789abcdef0123456789abcdef",
            "api_domain":"http://127.0.0.1:1","details":{"retry_after":86419},"expires_in":3600});
        assert_eq!(
            normalise(&value, "r1a2b", "http://127.0.0.1:1"),
            json!({"id":"<id>","t":"<datetime>","name":"Zylker<run_id>","n":5,"access_token":"<token>","api_domain":"<base>",
                "details":{"retry_after":"<seconds>"},"expires_in":3600})
        );
    }
}
