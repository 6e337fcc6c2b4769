//! Reports: a JSON report of every scenario, step and divergence; JUnit XML for CI systems; and
//! a closing summary by area, h2spec-style (the HTML report is in [`html`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::runner::{Outcome, ScenarioResult};

pub mod html;

/// The JSON report.
pub fn json_report(target: &str, results: &[ScenarioResult]) -> String {
    let report = serde_json::json!({
        "target": target,
        "passed": results.iter().filter(|r| r.outcome == Outcome::Passed).count(),
        "failed": results.iter().filter(|r| r.outcome == Outcome::Failed).count(),
        "ignored": results.iter().filter(|r| r.outcome == Outcome::Ignored).count(),
        "scenarios": results,
    });
    serde_json::to_string_pretty(&report).unwrap_or_default()
}

/// JUnit XML: one test suite per area, one test case per scenario.
pub fn junit(results: &[ScenarioResult]) -> String {
    let mut by_area: BTreeMap<&str, Vec<&ScenarioResult>> = BTreeMap::new();
    for result in results {
        by_area.entry(&result.area).or_default().push(result);
    }
    let count = |items: &[&ScenarioResult], outcome: Outcome| {
        items.iter().filter(|r| r.outcome == outcome).count()
    };
    let all: Vec<&ScenarioResult> = results.iter().collect();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<testsuites name=\"portals-conformance\" tests=\"{}\" failures=\"{}\" skipped=\"{}\">",
        all.len(),
        count(&all, Outcome::Failed),
        count(&all, Outcome::Ignored)
    );
    for (area, items) in by_area {
        let _ = writeln!(
            xml,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\">",
            escape(area),
            items.len(),
            count(&items, Outcome::Failed),
            count(&items, Outcome::Ignored)
        );
        for result in items {
            let stem = result.name.rsplit("::").next().unwrap_or(&result.name);
            let _ = write!(
                xml,
                "    <testcase classname=\"{}\" name=\"{}\"",
                escape(area),
                escape(stem)
            );
            match result.outcome {
                Outcome::Failed => {
                    let text = result.failure_text(&[]);
                    let first = text.lines().next().unwrap_or("diverged");
                    let _ = writeln!(
                        xml,
                        ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>",
                        escape(first),
                        escape(&text)
                    );
                }
                Outcome::Ignored => {
                    let _ = writeln!(
                        xml,
                        ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                        escape(result.reason.as_deref().unwrap_or(""))
                    );
                }
                Outcome::Passed => {
                    let _ = writeln!(xml, "/>");
                }
            }
        }
        xml.push_str("  </testsuite>\n");
    }
    xml.push_str("</testsuites>\n");
    xml
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
