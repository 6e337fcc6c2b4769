//! `diff`: each scenario run on two targets without its expectations, the answers normalised
//! (what legitimately differs between two targets masked) and compared step by step. Each
//! difference names the scenario, the step, the JSON path and both values.

use std::fmt;

use serde_json::Value;

use super::mask::{self, MaskPath};
use crate::expected::Expected;
use crate::matching::{Divergence, compare, is_datetime, render};
use crate::report::shorten;
use crate::runner::{self, Options, Outcome, ScenarioResult, StepResult};
use crate::scenario::{LoadedScenario, Mode};
use crate::target::Target;
use crate::vars::Vars;

/// Keys whose numbers count seconds from the moment of the answer (a rate limit's wait): two
/// runs a second apart answer them one apart.
const SECONDS_FROM_NOW: [&str; 1] = ["retry_after"];

/// Longest value shown in a difference, in characters.
const SHOWN: usize = 200;

/// What one side's answers are normalised with: its own run id, org id and address, and the
/// `--mask` paths.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    /// The run id of the scenario's run on this side.
    pub run_id: &'a str,
    /// The org made for it, if any.
    pub org_id: Option<&'a str>,
    /// The target's base URL.
    pub base: &'a str,
    /// JSON paths masked in every answer.
    pub masks: &'a [MaskPath],
}

impl<'a> Side<'a> {
    /// The side of one scenario's result on a target.
    pub fn of(result: &'a ScenarioResult, base: &'a str, masks: &'a [MaskPath]) -> Side<'a> {
        Side {
            run_id: &result.run_id,
            org_id: result.org_id.as_deref(),
            base,
            masks,
        }
    }
}

/// One place where two targets answered differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// The scenario (`<area>::<stem>`).
    pub scenario: String,
    /// The step: `section[index] "name" METHOD path` (run and org ids masked).
    pub step: String,
    /// The JSON path (`$.portals[0].name`), `status`, or `steps` (how many ran).
    pub path: String,
    /// The first target's value (normalised, truncated).
    pub a: String,
    /// The second target's value (normalised, truncated).
    pub b: String,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: at {}: a has {}, b has {}",
            self.scenario, self.step, self.path, self.a, self.b
        )
    }
}

/// Masks what legitimately differs between two targets: 19-digit ids and every value of a key
/// named `id`, `*_id` or `zaid`, timestamps, the run id, the org id, OAuth tokens and every
/// value of a key named `*_token` (paging tokens carry their expiry), seconds
/// counted from now, the target's own address (`api_domain`), and the `--mask` paths.
pub fn normalise(value: &Value, side: &Side<'_>) -> Value {
    normalise_value(&mask::apply(value, side.masks), side)
}

/// A key whose value is a token: `access_token`, `next_page_token`, …
pub(crate) fn is_token_key(key: &str) -> bool {
    key.ends_with("_token")
}

fn normalise_value(value: &Value, side: &Side<'_>) -> Value {
    match value {
        Value::String(text) if portals_mock::redact::is_token(text) => {
            Value::String("<token>".into())
        }
        Value::String(text) if !side.base.is_empty() && text.starts_with(side.base) => {
            Value::String(text.replacen(side.base, "<base>", 1))
        }
        Value::String(text) if is_id(text) => Value::String("<id>".into()),
        Value::String(text) if is_datetime(text) => Value::String("<datetime>".into()),
        Value::String(text) => Value::String(mask_run_and_org(text, side)),
        Value::Number(number) if is_id(&number.to_string()) => Value::String("<id>".into()),
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| normalise_value(v, side)).collect())
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, member)| {
                    let masked = match member {
                        Value::Number(_) if SECONDS_FROM_NOW.contains(&key.as_str()) => {
                            Value::String("<seconds>".into())
                        }
                        Value::String(_) | Value::Number(_)
                            if is_id_key(key) && member.as_str() != Some(mask::MASKED) =>
                        {
                            Value::String("<id>".into())
                        }
                        // Paging tokens (`next_page_token`) carry their expiry time.
                        Value::String(_) if is_token_key(key) => Value::String("<token>".into()),
                        _ => normalise_value(member, side),
                    };
                    (key.clone(), masked)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A 19-digit id.
pub(super) fn is_id(text: &str) -> bool {
    text.len() == 19 && text.bytes().all(|b| b.is_ascii_digit())
}

/// A key whose value is an id whatever its shape: `id`, `*_id`, `zaid`.
fn is_id_key(key: &str) -> bool {
    key == "id" || key.ends_with("_id") || key == "zaid"
}

/// The text with the run id and the org id (where no letter or digit continues it) masked.
fn mask_run_and_org(text: &str, side: &Side<'_>) -> String {
    let mut text = if side.run_id.is_empty() {
        text.to_owned()
    } else {
        text.replace(side.run_id, "<run_id>")
    };
    if let Some(org_id) = side.org_id.filter(|o| !o.is_empty()) {
        text = replace_word(&text, org_id, "<org_id>");
    }
    text
}

/// Replaces `word` where it is not part of a longer word (`zylker-1` but not in `zylker-12`).
pub(super) fn replace_word(text: &str, word: &str, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut before: Option<char> = None;
    while let Some(at) = rest.find(word) {
        let prior = rest[..at].chars().last().or(before);
        let after = rest[at + word.len()..].chars().next();
        let boundary = |c: Option<char>| !c.is_some_and(|c| c.is_ascii_alphanumeric());
        out.push_str(&rest[..at]);
        if boundary(prior) && boundary(after) {
            out.push_str(with);
        } else {
            out.push_str(word);
        }
        before = word.chars().last();
        rest = &rest[at + word.len()..];
    }
    out.push_str(rest);
    out
}

/// Where two targets' answers to one scenario differ, step by step.
pub fn differences(
    a: &ScenarioResult,
    b: &ScenarioResult,
    sides: (&Side<'_>, &Side<'_>),
) -> Vec<Difference> {
    let mut found = Vec::new();
    let mut push = |step: String, divergence: Divergence| {
        found.push(Difference {
            scenario: a.name.clone(),
            step,
            path: divergence.path,
            a: shorten(&divergence.expected, SHOWN),
            b: shorten(&divergence.actual, SHOWN),
        });
    };
    for (step_a, step_b) in a.steps.iter().zip(&b.steps) {
        let at = step_label(step_a, sides.0);
        if step_a.status != step_b.status {
            push(
                at.clone(),
                Divergence {
                    path: "status".into(),
                    expected: step_a.status.to_string(),
                    actual: step_b.status.to_string(),
                },
            );
        }
        let left = step_a.body.as_ref().map(|body| normalise(body, sides.0));
        let right = step_b.body.as_ref().map(|body| normalise(body, sides.1));
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
                actual: render(right),
            }),
            (None, None) => {}
        }
        // A masked path is ignored, also where one side has it and the other not.
        let masked = render(&Value::String(mask::MASKED.into()));
        for divergence in divergences {
            if divergence.expected != masked && divergence.actual != masked {
                push(at.clone(), divergence);
            }
        }
    }
    if a.steps.len() != b.steps.len() {
        push(
            "(the steps that ran)".into(),
            Divergence {
                path: "steps".into(),
                expected: format!("{} steps", a.steps.len()),
                actual: format!("{} steps", b.steps.len()),
            },
        );
    }
    found
}

/// `steps[0] "get portals" GET /crm/v8/settings/portals` (no name when it has none), run and
/// org ids masked.
fn step_label(step: &StepResult, side: &Side<'_>) -> String {
    let name = if step.name.is_empty() {
        String::new()
    } else {
        format!(" {:?}", step.name)
    };
    format!(
        "{}[{}]{name} {}",
        step.section,
        step.index,
        mask_run_and_org(&step.request, side)
    )
}

/// How a `diff` ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiffSummary {
    /// Scenarios both targets answered alike.
    pub same: usize,
    /// Scenarios they answered differently.
    pub differed: usize,
    /// Scenarios one of them could not run.
    pub skipped: usize,
    /// Every difference.
    pub differences: Vec<Difference>,
}

/// Runs every scenario on both targets (sending only: `options.check` is ignored) and prints
/// where they differ, one line per difference.
pub fn diff(
    a: &Target,
    b: &Target,
    scenarios: &[LoadedScenario],
    options: &Options,
    masks: &[MaskPath],
) -> DiffSummary {
    let send = Options {
        check: false,
        ..options.clone()
    };
    let mut summary = DiffSummary::default();
    for loaded in scenarios {
        let (left, _) = runner::run(a, loaded, &send);
        let (right, _) = runner::run(b, loaded, &send);
        if left.outcome == Outcome::Ignored || right.outcome == Outcome::Ignored {
            summary.skipped += 1;
            println!(
                "skip    {}: {}",
                loaded.name,
                left.reason.or(right.reason).unwrap_or_default()
            );
            continue;
        }
        let sides = (
            Side::of(&left, &a.base, masks),
            Side::of(&right, &b.base, masks),
        );
        let found = differences(&left, &right, (&sides.0, &sides.1));
        if found.is_empty() {
            summary.same += 1;
            println!("same    {}", loaded.name);
            continue;
        }
        summary.differed += 1;
        println!("differs {}", loaded.name);
        for difference in &found {
            println!("  {difference}");
        }
        summary.differences.extend(found);
    }
    println!(
        "\na is {}, b is {}: {} same, {} differ, {} skipped",
        a.label, b.label, summary.same, summary.differed, summary.skipped
    );
    summary
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn side<'a>(masks: &'a [MaskPath]) -> Side<'a> {
        Side {
            run_id: "r1a2b",
            org_id: Some("zylker-1"),
            base: "http://127.0.0.1:1",
            masks,
        }
    }

    #[test]
    fn ids_timestamps_run_and_org_ids_tokens_and_masked_paths_are_masked() {
        let value = json!({"id":"1306462000001856005","t":"2023-02-07T20:13:20+05:30","name":"Zylkerr1a2b","n":5,
            "access_token":"1000.0123456789abcdef0123456789abcdef.0123456789abcdef0123456789abcdef",
            "api_domain":"http://127.0.0.1:1","details":{"retry_after":86419},"expires_in":3600,
            "zaid":"org60012","job_id":42,"note":"org zylker-1 (not zylker-12)","portal":{"name":"Zylker"}});
        let masks = [MaskPath::parse("$.portal.name").unwrap()];
        assert_eq!(
            normalise(&value, &side(&masks)),
            json!({"id":"<id>","t":"<datetime>","name":"Zylker<run_id>","n":5,"access_token":"<token>","api_domain":"<base>",
                "details":{"retry_after":"<seconds>"},"expires_in":3600,"zaid":"<id>","job_id":"<id>",
                "note":"org <org_id> (not zylker-12)","portal":{"name":"<masked>"}})
        );
    }

    #[test]
    fn each_difference_names_the_scenario_the_step_the_path_and_both_values() {
        let result = |name: &str, status: u16, body: Value, run_id: &str| {
            let mut step = StepResult::new(crate::scenario::Section::Steps, 0, "get portals");
            step.request = format!("GET /crm/v8/settings/portals?x={run_id}");
            step.status = status;
            step.body = Some(body);
            ScenarioResult {
                name: "portals::get".into(),
                area: "portals".into(),
                description: String::new(),
                source: String::new(),
                file: String::new(),
                tags: Vec::new(),
                outcome: Outcome::Passed,
                reason: None,
                steps: vec![step],
                run_id: run_id.into(),
                org_id: Some(format!("{name}-1")),
                seconds: 0.0,
            }
        };
        let a = result(
            "zylker",
            200,
            json!({"portals":[{"name":"A","id":"1"}]}),
            "r1",
        );
        let b = result(
            "blank",
            201,
            json!({"portals":[{"name":"B","id":"2"}]}),
            "r2",
        );
        let masks = [];
        let found = differences(
            &a,
            &b,
            (
                &Side::of(&a, "http://a", &masks),
                &Side::of(&b, "http://b", &masks),
            ),
        );
        let lines: Vec<String> = found.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "portals::get steps[0] \"get portals\" GET /crm/v8/settings/portals?x=<run_id>: at status: a has 200, b has 201",
                "portals::get steps[0] \"get portals\" GET /crm/v8/settings/portals?x=<run_id>: at $.portals[0].name: a has \"A\", b has \"B\"",
            ]
        );
        let long = "x".repeat(500);
        assert!(shorten(&long, SHOWN).ends_with("… (500 characters)"));
        assert_eq!(
            shorten(&long, SHOWN).chars().count(),
            SHOWN + "… (500 characters)".chars().count()
        );
    }
}
