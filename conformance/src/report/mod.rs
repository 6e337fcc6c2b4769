//! Reports: a JSON report of every scenario, step and divergence; JUnit XML for CI systems
//! ([`junit`]); and a closing summary by area, h2spec-style (the HTML report is in [`html`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::runner::{Outcome, ScenarioResult};

pub mod html;
mod junit;

pub use junit::junit;

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
