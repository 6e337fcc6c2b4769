//! The HTML report (`--report-html FILE`): one self-contained page (inline CSS, no script, no
//! external resource) with the summary by area and endpoint (each endpoint named by its method
//! and path), every failed scenario with its description and source and every failed step with
//! its redacted request and a side-by-side view of the expected and actual bodies, the diverging
//! JSON paths highlighted; then the ignored and passed scenarios with their descriptions.
//!
//! * `diff`: the side-by-side view of expected and actual bodies;
//! * `mask`: secrets by name and shape, masked;
//! * `html.css`: the stylesheet, inlined.
//!
//! Everything shown is escaped; secrets are redacted twice: the run's own secrets (tokens given
//! on the command line or to a scenario) are replaced by `[REDACTED]`, and values that are secrets by
//! their name (`access_token`, `client_secret`, …) or their shape (`1000.<hex>.<hex>`) by
//! `[REDACTED]` too ([`portals_mock::redact`]).

use std::fmt::Write as _;

use serde_json::Value;

use crate::coverage::endpoint_request;
use crate::report::{escape, tally};
use crate::runner::{Outcome, ScenarioResult, StepResult};
use crate::vars::redact;

mod diff;
mod mask;

use diff::side_by_side;
use mask::{form_pairs, mask_text, mask_value};

/// Where the page came from: shown in its header.
pub struct Context<'a> {
    /// The target's label (`mock` or its URL).
    pub target: &'a str,
    /// When the run ended (RFC 3339).
    pub generated: &'a str,
    /// Values never to show (tokens of the run).
    pub secrets: &'a [String],
}

/// The page.
pub fn html(context: &Context<'_>, results: &[ScenarioResult]) -> String {
    let clean = |text: &str| escape(&redact(text, context.secrets));
    let count = |outcome: Outcome| results.iter().filter(|r| r.outcome == outcome).count();
    let (passed, failed, ignored) = (
        count(Outcome::Passed),
        count(Outcome::Failed),
        count(Outcome::Ignored),
    );
    let verdict = if failed == 0 { "passed" } else { "failed" };
    let mut page = String::with_capacity(64 * 1024);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>portals-conformance: {failed} failed, {passed} passed, {ignored} ignored</title>\n\
         <style>{STYLE}</style>\n</head>\n<body>\n\
         <header class=\"{verdict}\">\n<h1>Conformance report</h1>\n\
         <p class=\"totals\"><span class=\"passed\">{passed} passed</span> \
         <span class=\"failed\">{failed} failed</span> \
         <span class=\"ignored\">{ignored} ignored</span></p>\n\
         <p class=\"meta\">target <code>{}</code> · {}</p>\n</header>\n<main>\n",
        clean(context.target),
        clean(context.generated),
    );
    summary_tables(&mut page, results);
    failures(&mut page, results, context);
    plain_list(
        &mut page,
        "ignored",
        "Ignored",
        results.iter().filter(|r| r.outcome == Outcome::Ignored),
        context,
    );
    plain_list(
        &mut page,
        "passed",
        "Passed",
        results.iter().filter(|r| r.outcome == Outcome::Passed),
        context,
    );
    page.push_str("</main>\n</body>\n</html>\n");
    page
}

fn summary_tables(page: &mut String, results: &[ScenarioResult]) {
    let (areas, tags) = tally(results);
    page.push_str("<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"tables\">\n");
    for (title, rows) in [("area", &areas), ("endpoint", &tags)] {
        let _ = write!(
            page,
            "<table class=\"summary\">\n<caption>By {title}</caption>\n<thead><tr><th>{title}</th>\
             <th>passed</th><th>failed</th><th>ignored</th></tr></thead>\n<tbody>\n"
        );
        for (name, [passed, failed, ignored]) in rows {
            let class = if *failed > 0 {
                " class=\"has-failed\""
            } else {
                ""
            };
            let named = match endpoint_request(name).filter(|_| title == "endpoint") {
                Some(request) => format!(
                    "{} <code class=\"endpoint\">{}</code>",
                    escape(name),
                    escape(&request)
                ),
                None => escape(name),
            };
            let _ = writeln!(
                page,
                "<tr{class}><th scope=\"row\">{named}</th><td>{passed}</td><td>{failed}</td><td>{ignored}</td></tr>"
            );
        }
        if rows.is_empty() {
            page.push_str("<tr><td colspan=\"4\">none</td></tr>\n");
        }
        page.push_str("</tbody>\n</table>\n");
    }
    page.push_str("</div>\n</section>\n");
}

fn failures(page: &mut String, results: &[ScenarioResult], context: &Context<'_>) {
    let failed: Vec<&ScenarioResult> = results
        .iter()
        .filter(|r| r.outcome == Outcome::Failed)
        .collect();
    let _ = writeln!(
        page,
        "<section id=\"failures\">\n<h2>Failures ({})</h2>",
        failed.len()
    );
    if failed.is_empty() {
        page.push_str("<p>No scenario diverged.</p>\n</section>\n");
        return;
    }
    page.push_str(
        "<p class=\"legend\">In each side-by-side view, the lines marked ≠ are at the diverging \
         JSON paths: <span class=\"expected\">what the scenario expected</span>, \
         <span class=\"actual\">what the target answered</span>. Grey lines are on one side only \
         and are not divergences (extra keys in lenient mode).</p>\n<ol class=\"index\">\n",
    );
    for (number, result) in failed.iter().enumerate() {
        let _ = writeln!(
            page,
            "<li><a href=\"#failure-{number}\">{}</a></li>",
            escape(&result.name)
        );
    }
    page.push_str("</ol>\n");
    for (number, result) in failed.iter().enumerate() {
        let _ = writeln!(
            page,
            "<article class=\"scenario\" id=\"failure-{number}\">\n<h3>{}</h3>",
            escape(&result.name)
        );
        about(page, result, context);
        for step in result
            .steps
            .iter()
            .filter(|s| !s.divergences.is_empty() || s.error.is_some())
        {
            failed_step(page, step, context);
        }
        page.push_str("</article>\n");
    }
    page.push_str("</section>\n");
}

/// A scenario's description, source, area, endpoints (each by its method and path) and file.
fn about(page: &mut String, result: &ScenarioResult, context: &Context<'_>) {
    let clean = |text: &str| escape(&redact(text, context.secrets));
    let _ = writeln!(
        page,
        "<p class=\"description\">{}</p>\n<p class=\"source\">source: {}</p>",
        clean(&result.description),
        clean(&result.source)
    );
    let _ = write!(
        page,
        "<p class=\"meta\">area <code>{}</code>",
        escape(&result.area)
    );
    if !result.tags.is_empty() {
        let tags: Vec<String> = result
            .tags
            .iter()
            .map(|tag| match endpoint_request(tag) {
                Some(request) => format!(
                    "<code>{}</code> <code class=\"endpoint\">{}</code>",
                    escape(tag),
                    escape(&request)
                ),
                None => format!("<code>{}</code>", escape(tag)),
            })
            .collect();
        let _ = write!(page, " · tags {}", tags.join(", "));
    }
    if !result.file.is_empty() {
        let _ = write!(page, " · file <code>{}</code>", clean(&result.file));
    }
    page.push_str("</p>\n");
}

fn failed_step(page: &mut String, step: &StepResult, context: &Context<'_>) {
    let clean = |text: &str| escape(&redact(text, context.secrets));
    let status = step.divergences.iter().find(|d| d.path == "status");
    let _ = write!(
        page,
        "<div class=\"step\">\n<h4>{}[{}] {}",
        step.section,
        step.index,
        clean(&step.name)
    );
    match status {
        Some(d) => {
            let _ = write!(
                page,
                " <span class=\"status bad\">status {}, expected {}</span>",
                clean(&d.actual),
                clean(&d.expected)
            );
        }
        None if step.status > 0 => {
            let _ = write!(
                page,
                " <span class=\"status\">status {}</span>",
                step.status
            );
        }
        None => page.push_str(" <span class=\"status bad\">no answer</span>"),
    }
    page.push_str("</h4>\n");
    request(page, step, context);
    if let Some(error) = &step.error {
        let _ = writeln!(page, "<p class=\"error\">{}</p>", clean(error));
    }
    if !step.divergences.is_empty() {
        page.push_str(
            "<table class=\"divergences\">\n<thead><tr><th>where</th><th>expected</th>\
             <th>actual</th></tr></thead>\n<tbody>\n",
        );
        for d in &step.divergences {
            let _ = writeln!(
                page,
                "<tr><td><code>{}</code></td><td><code>{}</code></td><td><code>{}</code></td></tr>",
                clean(&d.path),
                clean(&mask_text(&d.expected)),
                clean(&mask_text(&d.actual))
            );
        }
        page.push_str("</tbody>\n</table>\n");
    }
    if step.expected_body.is_some() || step.body.is_some() {
        side_by_side(page, step, context);
    }
    page.push_str("</div>\n");
}

/// The request: method, path, each query parameter, and the body.
fn request(page: &mut String, step: &StepResult, context: &Context<'_>) {
    let clean = |text: &str| escape(&redact(text, context.secrets));
    let (method, target) = step.request.split_once(' ').unwrap_or(("", &step.request));
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let _ = write!(
        page,
        "<dl class=\"request\">\n<dt>request</dt><dd><code class=\"method\">{}</code> <code>{}</code></dd>\n",
        clean(method),
        clean(path)
    );
    if !query.is_empty() {
        page.push_str("<dt>query</dt><dd><table class=\"query\"><tbody>\n");
        for (name, value) in form_pairs(query) {
            let _ = writeln!(
                page,
                "<tr><th scope=\"row\"><code>{}</code></th><td><code>{}</code></td></tr>",
                clean(&name),
                clean(&value)
            );
        }
        page.push_str("</tbody></table></dd>\n");
    }
    if let Some(body) = &step.request_body {
        let shown = match serde_json::from_str::<Value>(body) {
            Ok(json) => serde_json::to_string_pretty(&mask_value(&json)).unwrap_or_default(),
            Err(_) if body.contains('=') && !body.trim_start().starts_with(['{', '[']) => {
                form_pairs(body)
                    .into_iter()
                    .map(|(name, value)| format!("{name}={value}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            }
            Err(_) => body.clone(),
        };
        let _ = writeln!(page, "<dt>body</dt><dd><pre>{}</pre></dd>", clean(&shown));
    }
    page.push_str("</dl>\n");
}

fn plain_list<'a>(
    page: &mut String,
    id: &str,
    title: &str,
    results: impl Iterator<Item = &'a ScenarioResult>,
    context: &Context<'_>,
) {
    let items: Vec<&ScenarioResult> = results.collect();
    let _ = write!(
        page,
        "<section id=\"{id}\">\n<details>\n<summary><h2>{title} ({})</h2></summary>\n<ul>\n",
        items.len()
    );
    for result in items {
        let _ = write!(page, "<li><code>{}</code>", escape(&result.name));
        if let Some(reason) = &result.reason {
            let _ = write!(page, ": {}", escape(&redact(reason, context.secrets)));
        }
        let _ = write!(
            page,
            "<br><span class=\"description\">{}</span> <span class=\"source\">source: {}</span>",
            escape(&redact(&result.description, context.secrets)),
            escape(&redact(&result.source, context.secrets))
        );
        page.push_str("</li>\n");
    }
    page.push_str("</ul>\n</details>\n</section>\n");
}

/// The page's stylesheet, inlined into its `<style>`.
const STYLE: &str = include_str!("html.css");

#[cfg(test)]
mod tests;
