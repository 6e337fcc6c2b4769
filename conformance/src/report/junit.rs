//! JUnit XML, as CI systems show it (written with quick-xml, which escapes every text and
//! attribute): one `<testsuite>` per area, one `<testcase>` per scenario with its time and its
//! area as the class name; a failure's message names the first failed step, its JSON path and
//! the expected and actual values, its text every failed step; an ignored scenario is
//! `<skipped>` with the reason.

use std::collections::BTreeMap;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use super::shorten;
use crate::runner::{Outcome, ScenarioResult, StepResult};

/// Longest value a failure shows, in characters (a body can be long).
const VALUE: usize = 300;

/// The JUnit XML of a run.
pub fn junit(results: &[ScenarioResult]) -> String {
    let mut by_area: BTreeMap<&str, Vec<&ScenarioResult>> = BTreeMap::new();
    for result in results {
        by_area.entry(&result.area).or_default().push(result);
    }
    let all: Vec<&ScenarioResult> = results.iter().collect();
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    let mut write = |event: Event<'_>| {
        // Writing to a Vec cannot fail.
        let _ = writer.write_event(event);
    };
    write(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    write(Event::Start(element(
        "testsuites",
        &totals("portals-conformance", &all),
    )));
    for (area, items) in &by_area {
        write(Event::Start(element("testsuite", &totals(area, items))));
        for result in items {
            testcase(&mut write, result);
        }
        write(Event::End(BytesEnd::new("testsuite")));
    }
    write(Event::End(BytesEnd::new("testsuites")));
    let mut xml = String::from_utf8(writer.into_inner()).unwrap_or_default();
    xml.push('\n');
    xml
}

/// A start tag with its attributes (escaped by quick-xml).
fn element(name: &'static str, attributes: &[(&str, String)]) -> BytesStart<'static> {
    let mut start = BytesStart::new(name);
    for (key, value) in attributes {
        start.push_attribute((*key, value.as_str()));
    }
    start
}

/// `name`, `tests`, `failures`, `skipped` and `time` of a suite.
fn totals(name: &str, items: &[&ScenarioResult]) -> Vec<(&'static str, String)> {
    let count = |outcome: Outcome| items.iter().filter(|r| r.outcome == outcome).count();
    let time: f64 = items.iter().map(|r| r.seconds).sum();
    vec![
        ("name", clean(name)),
        ("tests", items.len().to_string()),
        ("failures", count(Outcome::Failed).to_string()),
        ("errors", "0".into()),
        ("skipped", count(Outcome::Ignored).to_string()),
        ("time", format!("{time:.3}")),
    ]
}

fn testcase(write: &mut impl FnMut(Event<'_>), result: &ScenarioResult) {
    let stem = result.name.rsplit("::").next().unwrap_or(&result.name);
    let case = element(
        "testcase",
        &[
            ("classname", clean(&result.area)),
            ("name", clean(stem)),
            ("file", clean(&result.file)),
            ("time", format!("{:.3}", result.seconds)),
        ],
    );
    let (name, message, text) = match result.outcome {
        Outcome::Passed => {
            write(Event::Empty(case));
            return;
        }
        Outcome::Failed => ("failure", failure_message(result), failure_text(result)),
        Outcome::Ignored => (
            "skipped",
            result.reason.clone().unwrap_or_default(),
            String::new(),
        ),
    };
    write(Event::Start(case));
    let inner = element(name, &[("message", clean(&message))]);
    if text.is_empty() {
        write(Event::Empty(inner));
    } else {
        write(Event::Start(inner));
        write(Event::Text(BytesText::new(&clean(&text))));
        write(Event::End(BytesEnd::new(name)));
    }
    write(Event::End(BytesEnd::new("testcase")));
}

/// The first failed step: `steps[1] GET /path: at $.a: expected 1, got 2`.
fn failure_message(result: &ScenarioResult) -> String {
    let Some(step) = result.steps.iter().find(|s| s.failed()) else {
        return "diverged".into();
    };
    let at = format!("{}[{}] {}", step.section, step.index, step.request);
    match (step.divergences.first(), &step.error) {
        (Some(d), _) => format!(
            "{at}: at {}: expected {}, got {}",
            d.path,
            shorten(&d.expected, VALUE),
            shorten(&d.actual, VALUE)
        ),
        (None, Some(error)) => format!("{at}: {}", shorten(error, VALUE)),
        (None, None) => at,
    }
}

/// Every failed step with its divergences, values shortened.
fn failure_text(result: &ScenarioResult) -> String {
    let mut text = format!(
        "{}\n{}\nsource: {}\n",
        result.name, result.description, result.source
    );
    for step in result.steps.iter().filter(|s| s.failed()) {
        text.push_str(&step_text(step));
    }
    text
}

fn step_text(step: &StepResult) -> String {
    let mut text = format!(
        "\n{}[{}] {:?}: {} -> {}\n",
        step.section, step.index, step.name, step.request, step.status
    );
    if let Some(error) = &step.error {
        text.push_str(&format!("  error: {}\n", shorten(error, VALUE)));
    }
    for d in &step.divergences {
        text.push_str(&format!(
            "  at {}: expected {}, got {}\n",
            d.path,
            shorten(&d.expected, VALUE),
            shorten(&d.actual, VALUE)
        ));
    }
    text
}

/// Without the control characters XML 1.0 cannot carry, even escaped.
fn clean(text: &str) -> String {
    text.chars()
        .filter(|&c| (c as u32) >= 0x20 || matches!(c, '\n' | '\t' | '\r'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::Divergence;
    use crate::scenario::Section;
    use quick_xml::Reader;

    fn result(name: &str, area: &str, outcome: Outcome, seconds: f64) -> ScenarioResult {
        ScenarioResult {
            name: format!("{area}::{name}"),
            area: area.into(),
            description: "what it shows".into(),
            source: "docs/api.md §3 P1".into(),
            file: format!("fixtures/scenarios/{area}/{name}.json"),
            tags: vec!["P1".into()],
            outcome,
            reason: None,
            steps: Vec::new(),
            run_id: "r1".into(),
            org_id: None,
            seconds,
        }
    }

    /// Each element as (name, attributes, text inside), in document order.
    fn parse(xml: &str) -> Vec<(String, BTreeMap<String, String>, String)> {
        let mut reader = Reader::from_str(xml);
        let mut elements: Vec<(String, BTreeMap<String, String>, String)> = Vec::new();
        let mut open: Vec<usize> = Vec::new();
        loop {
            let event = reader.read_event().expect("well-formed XML");
            match &event {
                Event::Start(start) | Event::Empty(start) => {
                    let attributes = start
                        .attributes()
                        .map(|a| {
                            let a = a.unwrap();
                            let key = String::from_utf8(a.key.as_ref().to_vec()).unwrap();
                            (key, a.unescape_value().unwrap().into_owned())
                        })
                        .collect();
                    let name = String::from_utf8(start.name().as_ref().to_vec()).unwrap();
                    elements.push((name, attributes, String::new()));
                    // An empty element closes at once; only a start tag stays open.
                    if matches!(event, Event::Start(_)) {
                        open.push(elements.len() - 1);
                    }
                }
                Event::Text(text) => {
                    if let Some(&at) = open.last() {
                        elements[at].2.push_str(&text.decode().unwrap());
                    }
                }
                Event::GeneralRef(reference) => {
                    let entity = reference.decode().unwrap();
                    let c = quick_xml::escape::resolve_predefined_entity(&entity).unwrap();
                    if let Some(&at) = open.last() {
                        elements[at].2.push_str(c);
                    }
                }
                Event::End(_) => {
                    open.pop();
                }
                Event::Eof => break,
                _ => {}
            }
        }
        assert!(open.is_empty(), "unclosed elements");
        elements
    }

    #[test]
    fn each_scenario_is_a_test_case_with_its_time_area_failure_and_skip_reason() {
        let passed = result("get_portals", "portals", Outcome::Passed, 0.5);
        let mut failed = result("rename", "portals", Outcome::Failed, 1.25);
        let mut step = StepResult::new(Section::Steps, 1, "rename it");
        step.request = "PUT /crm/v8/settings/portals/Zylker".into();
        step.status = 500;
        let long = format!("\"{}<&>\"", "x".repeat(1000));
        step.divergences = vec![
            Divergence {
                path: "$.portals[0].name".into(),
                expected: "\"A\"".into(),
                actual: long,
            },
            Divergence {
                path: "status".into(),
                expected: "200".into(),
                actual: "500".into(),
            },
        ];
        failed.steps = vec![StepResult::new(Section::Setup, 0, "fine"), step];
        let mut ignored = result("live_only", "users", Outcome::Ignored, 0.0);
        ignored.reason = Some("requires control-plane, which <x> does not offer".into());

        let xml = junit(&[passed, failed, ignored]);
        let elements = parse(&xml);

        let named = |name: &'static str| elements.iter().filter(move |e| e.0 == name);
        let cases: Vec<_> = named("testcase").collect();
        assert_eq!(cases.len(), 3, "{xml}");
        let attribute = |e: &(String, BTreeMap<String, String>, String), key: &str| {
            e.1.get(key).cloned().unwrap_or_default()
        };
        let row: Vec<(String, String, String)> = cases
            .iter()
            .map(|c| {
                (
                    attribute(c, "classname"),
                    attribute(c, "name"),
                    attribute(c, "time"),
                )
            })
            .collect();
        assert_eq!(
            row,
            [
                ("portals".into(), "get_portals".into(), "0.500".into()),
                ("portals".into(), "rename".into(), "1.250".into()),
                ("users".into(), "live_only".into(), "0.000".into()),
            ]
        );
        assert_eq!(
            attribute(cases[1], "file"),
            "fixtures/scenarios/portals/rename.json"
        );

        let failure = named("failure").next().expect("a failure");
        let message = attribute(failure, "message");
        assert!(
            message.starts_with(
                "steps[1] PUT /crm/v8/settings/portals/Zylker: at $.portals[0].name: expected \"A\", got \"xxx"
            ),
            "{message}"
        );
        assert!(message.ends_with("… (1005 characters)"), "{message}");
        assert!(message.chars().count() < 450, "{message}");
        let text = &failure.2;
        assert!(
            text.contains("portals::rename\nwhat it shows\nsource: docs/api.md §3 P1"),
            "{text}"
        );
        assert!(
            text.contains("  at status: expected 200, got 500"),
            "{text}"
        );
        assert!(!text.contains("fine"), "only failed steps: {text}");

        let skipped = named("skipped").next().expect("a skipped");
        assert_eq!(
            attribute(skipped, "message"),
            "requires control-plane, which <x> does not offer"
        );
        let suites: Vec<(String, String, String, String)> = named("testsuite")
            .map(|s| {
                (
                    attribute(s, "name"),
                    attribute(s, "tests"),
                    attribute(s, "failures"),
                    attribute(s, "skipped"),
                )
            })
            .collect();
        assert_eq!(
            suites,
            [
                ("portals".into(), "2".into(), "1".into(), "0".into()),
                ("users".into(), "1".into(), "0".into(), "1".into()),
            ]
        );
        let root = named("testsuites").next().unwrap();
        assert_eq!(attribute(root, "time"), "1.750");
    }
}
