//! Reports: a JSON report of every scenario, step and divergence; JUnit XML for CI systems
//! (`junit`); and a closing summary by area, h2spec-style (the HTML report is in [`html`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::coverage::endpoint_request;
use crate::runner::{Outcome, ScenarioResult};

pub mod html;
mod junit;

pub use junit::junit;

/// The JSON report: totals, the tally by endpoint (each named by its method and path), and every
/// scenario with its description, source, file, endpoints, time, steps and divergences.
pub fn json_report(target: &str, results: &[ScenarioResult]) -> String {
    let (_, tags) = tally(results);
    let endpoints: serde_json::Map<String, Value> = tags
        .iter()
        .map(|(tag, [passed, failed, ignored])| {
            let counts = json!({
                "request": endpoint_request(tag),
                "passed": passed,
                "failed": failed,
                "ignored": ignored,
            });
            ((*tag).to_owned(), counts)
        })
        .collect();
    let scenarios: Vec<Value> = results
        .iter()
        .map(|result| {
            let mut value = serde_json::to_value(result).unwrap_or_default();
            if let Value::Object(fields) = &mut value {
                let named: Vec<Value> = result
                    .tags
                    .iter()
                    .filter_map(|tag| {
                        endpoint_request(tag).map(|request| json!({"id": tag, "request": request}))
                    })
                    .collect();
                fields.insert("endpoints".into(), Value::Array(named));
            }
            value
        })
        .collect();
    let report = json!({
        "target": target,
        "passed": results.iter().filter(|r| r.outcome == Outcome::Passed).count(),
        "failed": results.iter().filter(|r| r.outcome == Outcome::Failed).count(),
        "ignored": results.iter().filter(|r| r.outcome == Outcome::Ignored).count(),
        "endpoints": endpoints,
        "scenarios": scenarios,
    });
    serde_json::to_string_pretty(&report).unwrap_or_default()
}

/// Passed / failed / ignored counts per area and per tag (endpoint), in name order.
pub type Tally<'a> = BTreeMap<&'a str, [usize; 3]>;

/// Counts each result by area and by tag (endpoint).
pub fn tally(results: &[ScenarioResult]) -> (Tally<'_>, Tally<'_>) {
    let mut areas: Tally<'_> = BTreeMap::new();
    let mut tags: Tally<'_> = BTreeMap::new();
    for result in results {
        let column = match result.outcome {
            Outcome::Passed => 0,
            Outcome::Failed => 1,
            Outcome::Ignored => 2,
        };
        areas.entry(&result.area).or_default()[column] += 1;
        for tag in &result.tags {
            tags.entry(tag).or_default()[column] += 1;
        }
    }
    (areas, tags)
}

/// The closing summary: passed / failed / ignored per area, then per tag (endpoint).
pub fn summary(results: &[ScenarioResult]) -> String {
    let (areas, tags) = tally(results);
    let mut text = String::from("\nconformance summary              passed failed ignored\n");
    for (title, rows) in [("by area", &areas), ("by endpoint", &tags)] {
        let _ = writeln!(text, "  {title}");
        for (name, [passed, failed, ignored]) in rows {
            let _ = writeln!(text, "    {name:<28} {passed:>6} {failed:>6} {ignored:>7}");
        }
    }
    // Ignored is never passed: say why each was not run.
    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    for result in results.iter().filter(|r| r.outcome == Outcome::Ignored) {
        *reasons
            .entry(result.reason.as_deref().unwrap_or("no reason given"))
            .or_default() += 1;
    }
    if !reasons.is_empty() {
        let _ = writeln!(text, "  ignored, by reason");
        for (reason, count) in reasons {
            let _ = writeln!(text, "    {count:>4}  {reason}");
        }
    }
    text
}

/// A value cut to `max` characters, saying how long it was.
pub fn shorten(text: &str, max: usize) -> String {
    let count = text.chars().count();
    if count <= max {
        return text.to_owned();
    }
    let start: String = text.chars().take(max).collect();
    format!("{start}… ({count} characters)")
}

/// Escapes text for XML and HTML (content and quoted attributes); drops control characters.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' && c != '\r' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{self, Section};

    #[test]
    fn the_json_report_names_each_scenarios_description_source_and_endpoints() {
        let loaded = scenario::load_dir(std::path::Path::new(crate::BUILT_IN_SCENARIOS))
            .unwrap()
            .into_iter()
            .find(|s| s.name == "portals::get_portals_reproduces_the_kaizen_72_sample")
            .unwrap();
        let mut result = ScenarioResult::new(&loaded, "r1".into());
        result
            .steps
            .push(crate::runner::StepResult::new(Section::Steps, 0, "get"));
        let report: Value = serde_json::from_str(&json_report("mock", &[result])).unwrap();
        let scenario = &report["scenarios"][0];
        assert_eq!(
            scenario["description"],
            loaded.scenario.description.as_str()
        );
        assert_eq!(scenario["source"], loaded.scenario.source.as_str());
        assert!(scenario["file"].as_str().unwrap().ends_with(".json"));
        let p1 = json!({"id": "P1", "request": "GET /crm/{version}/settings/portals"});
        assert!(
            scenario["endpoints"].as_array().unwrap().contains(&p1),
            "{scenario}"
        );
        assert_eq!(
            report["endpoints"]["P1"],
            json!({"request": "GET /crm/{version}/settings/portals", "passed": 1, "failed": 0, "ignored": 0})
        );
    }
}
