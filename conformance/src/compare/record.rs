//! `record`: each scenario run on a target without its expectations, then written again as a
//! scenario file that replays: the same requests (method, path, query, headers, body, token:
//! variables as the scenario wrote them, never a literal secret) and captures, expecting the
//! status and body the target answered, made replayable by [`Recorder`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use super::expectation::Recorder;
use crate::runner::{self, Options, Outcome, ScenarioResult, StepResult};
use crate::scenario::{Environment, LoadedScenario, Request, RequestBody, Section, Step, Token};
use crate::target::Target;

/// What `record` did.
#[derive(Debug, Clone, Default)]
pub struct RecordReport {
    /// Scenario files written.
    pub written: usize,
    /// Scenarios the target could not run: name, reason.
    pub ignored: Vec<(String, String)>,
    /// Scenarios that ran but could not be written (a request not sent, a capture not found):
    /// name, reason.
    pub unwritten: Vec<(String, String)>,
}

/// Runs every scenario on the target (sending only) and writes each as
/// `<out>/<area>/<stem>.json`, expecting what the target answered.
pub fn record(
    target: &Target,
    scenarios: &[LoadedScenario],
    options: &Options,
    out: &Path,
) -> Result<RecordReport, String> {
    let send = Options {
        check: false,
        ..options.clone()
    };
    let mut report = RecordReport::default();
    for loaded in scenarios {
        let (result, _) = runner::run(target, loaded, &send);
        if result.outcome == Outcome::Ignored {
            let reason = result.reason.unwrap_or_default();
            report.ignored.push((loaded.name.clone(), reason));
            continue;
        }
        let recorded = match recorded_scenario(loaded, &result, &target.base, &target.label) {
            Ok(recorded) => recorded,
            Err(reason) => {
                report.unwritten.push((loaded.name.clone(), reason));
                continue;
            }
        };
        let file = file_of(out, loaded);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        let text = serde_json::to_string_pretty(&recorded).unwrap_or_default() + "\n";
        std::fs::write(&file, text).map_err(|e| format!("{}: {e}", file.display()))?;
        report.written += 1;
    }
    Ok(report)
}

/// `<out>/<area>/<stem>.json`, so the replay names it as the scenario was named.
fn file_of(out: &Path, loaded: &LoadedScenario) -> PathBuf {
    let stem = loaded.name.rsplit("::").next().unwrap_or(&loaded.name);
    out.join(loaded.area.replace("::", "/"))
        .join(format!("{stem}.json"))
}

/// The scenario file for one run: its requests and captures, expecting its answers. Fails when
/// a step did not run through (its error is the reason).
pub fn recorded_scenario(
    loaded: &LoadedScenario,
    result: &ScenarioResult,
    base: &str,
    label: &str,
) -> Result<Value, String> {
    if let Some(step) = result
        .steps
        .iter()
        .find(|s| s.error.is_some() || s.skipped.is_some())
    {
        return Err(format!(
            "{}[{}] {}: {}",
            step.section,
            step.index,
            step.request,
            step.error
                .as_deref()
                .or(step.skipped.as_deref())
                .unwrap_or_default()
        ));
    }
    let scenario = &loaded.scenario;
    let sections = [
        (Section::Setup, &scenario.setup),
        (Section::Steps, &scenario.steps),
        (Section::Cleanup, &scenario.cleanup),
    ];
    let taken: BTreeSet<String> = sections
        .iter()
        .flat_map(|(_, steps)| steps.iter().flat_map(|s| s.capture.keys().cloned()))
        .collect();
    let mut recorder = Recorder::new(&result.run_id, result.org_id.as_deref(), base, taken);
    let mut written: Vec<(Section, Map<String, Value>)> = Vec::new();
    for (section, steps) in sections {
        for (index, step) in steps.iter().enumerate() {
            let answered = result
                .steps
                .iter()
                .find(|s| s.section == section && s.index == index)
                .ok_or_else(|| format!("{section}[{index}] did not run"))?;
            let position = written.len();
            written.push((
                section,
                recorded_step(step, answered, position, &mut recorder),
            ));
        }
    }
    let mut added = recorder.added_captures().clone();
    let mut by_section: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for (position, (section, mut step)) in written.into_iter().enumerate() {
        if let Some(captures) = added.remove(&position) {
            let capture = step
                .entry("capture")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(capture) = capture {
                capture.extend(captures.into_iter().map(|(k, v)| (k, Value::String(v))));
            }
        }
        by_section
            .entry(section.as_str())
            .or_default()
            .push(Value::Object(step));
    }
    let mut file = Map::new();
    file.insert("description".into(), json!(scenario.description));
    file.insert(
        "source".into(),
        json!(format!(
            "recorded from {label} by portals-conformance record, from {}: {}",
            result.file, scenario.source
        )),
    );
    let lists = [("tags", &scenario.tags), ("requires", &scenario.requires)];
    for (key, list) in lists {
        if !list.is_empty() {
            file.insert(key.into(), json!(list));
        }
    }
    for (key, flag) in [
        ("writes", scenario.writes),
        ("irreversible", scenario.irreversible),
    ] {
        if flag {
            file.insert(key.into(), Value::Bool(true));
        }
    }
    if scenario.environment != Environment::Production {
        file.insert("environment".into(), json!(scenario.environment));
    }
    for section in ["setup", "steps", "cleanup"] {
        if let Some(steps) = by_section.remove(section) {
            file.insert(section.into(), Value::Array(steps));
        }
    }
    Ok(Value::Object(file))
}

/// One step: its request and captures as written, expecting what was answered.
fn recorded_step(
    step: &Step,
    answered: &StepResult,
    position: usize,
    recorder: &mut Recorder,
) -> Map<String, Value> {
    let mut expect = Map::new();
    expect.insert("status".into(), json!(answered.status));
    match (&answered.body, &answered.body_text) {
        (Some(body), _) => {
            expect.insert("body".into(), recorder.expect_body(position, body));
        }
        (None, Some(text)) => {
            if let Some(bytes) = recorder.expect_text(text) {
                expect.insert("body_bytes".into(), json!(bytes));
            }
        }
        (None, None) => {
            expect.insert("empty_body".into(), Value::Bool(true));
        }
    }
    let mut written = Map::new();
    if !step.name.is_empty() {
        written.insert("name".into(), json!(step.name));
    }
    written.insert("request".into(), request(&step.request));
    written.insert("expect".into(), Value::Object(expect));
    if let Some(retry) = &step.retry {
        let interval_ms = u64::try_from(retry.interval.as_millis()).unwrap_or(u64::MAX);
        written.insert(
            "retry".into(),
            json!({"count": retry.count, "interval_ms": interval_ms}),
        );
    }
    if !step.capture.is_empty() {
        let capture: Map<String, Value> = step
            .capture
            .iter()
            .map(|(name, path)| (name.clone(), json!(path.to_string())))
            .collect();
        written.insert("capture".into(), Value::Object(capture));
    }
    // What this step captured, later steps know by name.
    for (name, path) in &step.capture {
        if let Some(value) = answered.body.as_ref().and_then(|body| path.extract(body)) {
            recorder.captured(name, value);
        }
    }
    written
}

/// The request as the scenario wrote it (variables kept, the method in capitals).
fn request(request: &Request) -> Value {
    let mut written = Map::new();
    written.insert(
        "method".into(),
        json!(request.method.as_str().to_ascii_uppercase()),
    );
    written.insert("path".into(), json!(request.path));
    if !request.query.is_empty() {
        written.insert("query".into(), json!(request.query));
    }
    if !request.headers.is_empty() {
        written.insert("headers".into(), json!(request.headers));
    }
    match &request.body {
        RequestBody::None => {}
        RequestBody::Json(body) => {
            written.insert("body".into(), body.clone());
        }
        RequestBody::Text { text, repeat } => {
            written.insert("body_text".into(), json!(text));
            if *repeat != 1 {
                written.insert("body_text_repeat".into(), json!(repeat));
            }
        }
    }
    match &request.token {
        Token::Target => {}
        Token::None => {
            written.insert("token".into(), json!("none"));
        }
        Token::Given(token) => {
            written.insert("token".into(), json!(token));
        }
    }
    Value::Object(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse;

    #[test]
    fn a_run_is_written_with_its_requests_and_captures_expecting_its_answers() {
        let text = r#"{"description":"d","source":"s","tags":["UT3"],"writes":true,"environment":"any",
          "steps":[
            {"name":"create","request":{"method":"POST","path":"/crm/v8/settings/portals/{{portal}}/user_type",
              "headers":{"X-Trace":"{{run_id}}"},"body":{"user_type":[{"name":"T{{run_id}}"}]},"token":"{{env.TOKEN}}"}},
            {"request":{"method":"GET","path":"/health","token":"none"},"retry":{"count":3,"interval_ms":250}},
            {"request":{"method":"POST","path":"/x","body_text":"a=1","body_text_repeat":2}}],
          "cleanup":[{"request":{"method":"DELETE","path":"/crm/v8/settings/portals/P/user_type/1306462000000000001"},
              "capture":{"gone":"$.user_type[0].code"}}]}"#;
        let loaded = LoadedScenario {
            name: "user_types::t".into(),
            area: "user_types".into(),
            path: "user_types/t.json".into(),
            scenario: parse(Path::new("t.json"), text).unwrap(),
        };
        let mut result = ScenarioResult::new(&loaded, "r9".into());
        let answer = |section, index, status, body: Option<Value>, text: Option<&str>| {
            let mut step = StepResult::new(section, index, "");
            step.status = status;
            step.body = body;
            step.body_text = text.map(str::to_owned);
            step
        };
        result.steps = vec![
            answer(
                Section::Steps,
                0,
                201,
                Some(json!({"user_type":[{"details":{"id":"1306462000000000001"},"name":"Tr9"}]})),
                None,
            ),
            answer(Section::Steps, 1, 200, None, Some("ok r9")),
            answer(Section::Steps, 2, 204, None, None),
            answer(
                Section::Cleanup,
                0,
                200,
                Some(
                    json!({"user_type":[{"code":"SUCCESS","details":{"id":"1306462000000000001"}}]}),
                ),
                None,
            ),
        ];
        let file = recorded_scenario(&loaded, &result, "http://127.0.0.1:1", "mock").unwrap();
        assert_eq!(
            file,
            json!({
                "description": "d",
                "source": "recorded from mock by portals-conformance record, from user_types/t.json: s",
                "tags": ["UT3"],
                "writes": true,
                "environment": "any",
                "steps": [
                    {"name": "create",
                     "request": {"method": "POST", "path": "/crm/v8/settings/portals/{{portal}}/user_type",
                        "headers": {"X-Trace": "{{run_id}}"}, "body": {"user_type": [{"name": "T{{run_id}}"}]},
                        "token": "{{env.TOKEN}}"},
                     "expect": {"status": 201, "body": {"user_type": [{"details": {"id": {"$id": true}}, "name": "T{{run_id}}"}]}},
                     "capture": {"recorded_id_1": "$.user_type[0].details.id"}},
                    {"request": {"method": "GET", "path": "/health", "token": "none"},
                     "expect": {"status": 200, "body_bytes": "ok {{run_id}}"},
                     "retry": {"count": 3, "interval_ms": 250}},
                    {"request": {"method": "POST", "path": "/x", "body_text": "a=1", "body_text_repeat": 2},
                     "expect": {"status": 204, "empty_body": true}}
                ],
                "cleanup": [
                    {"request": {"method": "DELETE", "path": "/crm/v8/settings/portals/P/user_type/1306462000000000001"},
                     "expect": {"status": 200, "body": {"user_type": [{"code": "SUCCESS", "details": {"id": "{{recorded_id_1}}"}}]}},
                     "capture": {"gone": "$.user_type[0].code"}}
                ]
            })
        );
        // The file it writes loads as a scenario.
        parse(Path::new("r.json"), &file.to_string()).unwrap();
    }

    #[test]
    fn a_run_that_did_not_go_through_is_not_written() {
        let text = r#"{"description":"d","source":"s","steps":[{"request":{"method":"GET","path":"/a"}},
            {"request":{"method":"GET","path":"/b"}}]}"#;
        let loaded = LoadedScenario {
            name: "a::t".into(),
            area: "a".into(),
            path: "a/t.json".into(),
            scenario: parse(Path::new("t.json"), text).unwrap(),
        };
        let mut result = ScenarioResult::new(&loaded, "r1".into());
        let mut failed = StepResult::new(Section::Steps, 0, "");
        failed.request = "GET /a".into();
        failed.error = Some("capture x: nothing at $.x".into());
        result.steps = vec![failed];
        assert_eq!(
            recorded_scenario(&loaded, &result, "", "mock").unwrap_err(),
            "steps[0] GET /a: capture x: nothing at $.x"
        );
        result.steps[0].error = None;
        assert_eq!(
            recorded_scenario(&loaded, &result, "", "mock").unwrap_err(),
            "steps[1] did not run"
        );
    }
}
