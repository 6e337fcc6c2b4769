//! The HTML report (`--report-html FILE`): one self-contained page (inline CSS, no script, no
//! external resource) with the summary by area and endpoint, and every failed step with its
//! redacted request and a side-by-side view of the expected and actual bodies, the diverging
//! JSON paths highlighted.
//!
//! Everything shown is escaped; secrets are redacted twice: the run's own secrets (tokens given
//! on the command line or to a scenario) are replaced by `***`, and values that are secrets by
//! their name (`access_token`, `client_secret`, …) or their shape (`1000.<hex>.<hex>`) by
//! `<redacted>`.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde_json::Value;

use crate::matching::{Divergence, render};
use crate::report::{escape, tally};
use crate::runner::{Outcome, ScenarioResult, StepResult};
use crate::vars::redact;

/// What is shown instead of a secret found by its name or shape.
const REDACTED: &str = "<redacted>";

/// JSON keys, form fields and query parameters whose values are secrets.
const SECRET_NAMES: [&str; 7] = [
    "access_token",
    "refresh_token",
    "id_token",
    "client_secret",
    "password",
    "code",
    "token",
];

/// JSON keys whose values are secrets (a subset: `code` and `token` are ordinary keys of Zoho
/// answers, e.g. `"code": "INVALID_TOKEN"`).
const SECRET_KEYS: [&str; 5] = [
    "access_token",
    "refresh_token",
    "id_token",
    "client_secret",
    "password",
];

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
            let _ = writeln!(
                page,
                "<tr{class}><th scope=\"row\">{}</th><td>{passed}</td><td>{failed}</td><td>{ignored}</td></tr>",
                escape(name)
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
        let _ = write!(
            page,
            "<article class=\"scenario\" id=\"failure-{number}\">\n<h3>{}</h3>\n<p class=\"meta\">area <code>{}</code>",
            escape(&result.name),
            escape(&result.area)
        );
        if !result.tags.is_empty() {
            let tags: Vec<String> = result.tags.iter().map(|t| escape(t)).collect();
            let _ = write!(page, " · tags <code>{}</code>", tags.join("</code> <code>"));
        }
        page.push_str("</p>\n");
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

/// `a=1&b=x%20y` as decoded pairs, secrets by name masked.
fn form_pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = percent_decode(name);
            let value = if SECRET_NAMES.contains(&name.to_ascii_lowercase().as_str()) {
                REDACTED.to_owned()
            } else {
                mask_text(&percent_decode(value))
            };
            (name, value)
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escaped = match bytes.get(index + 1..index + 3) {
            Some(hex) if bytes[index] == b'%' && hex.iter().all(u8::is_ascii_hexdigit) => {
                u8::from_str_radix(&text[index + 1..index + 3], 16).ok()
            }
            _ => None,
        };
        match (escaped, bytes[index]) {
            (Some(byte), _) => {
                out.push(byte);
                index += 3;
            }
            (None, b'+') => {
                out.push(b' ');
                index += 1;
            }
            (None, byte) => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Masks every token-shaped word of a text.
fn mask_text(text: &str) -> String {
    crate::vars::mask_tokens(text, REDACTED)
}

/// Masks secrets in a JSON value: by key name, and by shape.
fn mask_value(value: &Value) -> Value {
    match value {
        Value::String(text) => Value::String(mask_text(text)),
        Value::Array(items) => Value::Array(items.iter().map(mask_value).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, member)| {
                    let secret = SECRET_KEYS.contains(&key.to_ascii_lowercase().as_str())
                        && member.is_string();
                    let shown = if secret {
                        Value::String(REDACTED.into())
                    } else {
                        mask_value(member)
                    };
                    (key.clone(), shown)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// One line of pretty-printed JSON and the path of the value it opens (or closes).
#[derive(Debug, Clone, PartialEq)]
struct Line {
    path: String,
    closing: bool,
    text: String,
}

/// Pretty JSON, one [`Line`] per line; matchers (`{"$type": "string"}`) and empty containers
/// stay on one line.
fn json_lines(value: &Value) -> Vec<Line> {
    let mut out = Vec::new();
    emit(None, value, "$", 0, false, &mut out);
    out
}

fn emit(
    key: Option<&str>,
    value: &Value,
    path: &str,
    depth: usize,
    comma: bool,
    out: &mut Vec<Line>,
) {
    let indent = "  ".repeat(depth);
    let prefix = key.map_or_else(String::new, |k| {
        format!("{}: ", render(&Value::String(k.into())))
    });
    let comma = if comma { "," } else { "" };
    let is_matcher = |map: &serde_json::Map<String, Value>| {
        map.len() == 1 && map.keys().all(|k| k.starts_with('$'))
    };
    match value {
        Value::Object(map) if !map.is_empty() && !is_matcher(map) => {
            out.push(Line {
                path: path.into(),
                closing: false,
                text: format!("{indent}{prefix}{{"),
            });
            let last = map.len() - 1;
            for (index, (k, v)) in map.iter().enumerate() {
                emit(
                    Some(k),
                    v,
                    &format!("{path}.{k}"),
                    depth + 1,
                    index < last,
                    out,
                );
            }
            out.push(Line {
                path: path.into(),
                closing: true,
                text: format!("{indent}}}{comma}"),
            });
        }
        Value::Array(items) if !items.is_empty() => {
            out.push(Line {
                path: path.into(),
                closing: false,
                text: format!("{indent}{prefix}["),
            });
            let last = items.len() - 1;
            for (index, item) in items.iter().enumerate() {
                emit(
                    None,
                    item,
                    &format!("{path}[{index}]"),
                    depth + 1,
                    index < last,
                    out,
                );
            }
            out.push(Line {
                path: path.into(),
                closing: true,
                text: format!("{indent}]{comma}"),
            });
        }
        other => out.push(Line {
            path: path.into(),
            closing: false,
            text: format!("{indent}{prefix}{}{comma}", render(other)),
        }),
    }
}

/// Pairs the lines of two sides by path (a longest common subsequence); `None` where a side has
/// no line for the other's path.
fn align(left: &[Line], right: &[Line]) -> Vec<(Option<usize>, Option<usize>)> {
    let same = |a: &Line, b: &Line| a.path == b.path && a.closing == b.closing;
    let (n, m) = (left.len(), right.len());
    if n.saturating_mul(m) > 4_000_000 {
        // Too large to align: show the two sides line by line.
        return (0..n.max(m))
            .map(|i| ((i < n).then_some(i), (i < m).then_some(i)))
            .collect();
    }
    // lengths[i][j]: the longest common subsequence of left[i..] and right[j..].
    let mut lengths = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lengths[at(i, j)] = if same(&left[i], &right[j]) {
                lengths[at(i + 1, j + 1)] + 1
            } else {
                lengths[at(i + 1, j)].max(lengths[at(i, j + 1)])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut rows = Vec::with_capacity(n.max(m));
    while i < n || j < m {
        if i < n && j < m && same(&left[i], &right[j]) {
            rows.push((Some(i), Some(j)));
            i += 1;
            j += 1;
        } else if j >= m || (i < n && lengths[at(i + 1, j)] >= lengths[at(i, j + 1)]) {
            rows.push((Some(i), None));
            i += 1;
        } else {
            rows.push((None, Some(j)));
            j += 1;
        }
    }
    rows
}

/// Which body lines a step's divergences point at.
struct Marks<'a> {
    /// Paths whose whole subtree diverged.
    subtrees: Vec<(&'a str, &'a Divergence)>,
    /// Arrays whose length diverged: their own lines, and their items present on one side only.
    lengths: BTreeSet<&'a str>,
}

impl<'a> Marks<'a> {
    fn new(divergences: &'a [Divergence]) -> Marks<'a> {
        let mut marks = Marks {
            subtrees: Vec::new(),
            lengths: BTreeSet::new(),
        };
        for d in divergences.iter().filter(|d| d.path.starts_with('$')) {
            match d.path.strip_suffix(".length") {
                Some(array) => {
                    marks.lengths.insert(array);
                }
                None => marks.subtrees.push((&d.path, d)),
            }
        }
        marks
    }

    /// The divergence a line belongs to, if any; `paired`: the other side has the line too.
    fn find(&self, line: &Line, paired: bool) -> Option<String> {
        let under = |root: &str| {
            line.path == root
                || line
                    .path
                    .strip_prefix(root)
                    .is_some_and(|rest| rest.starts_with(['.', '[']))
        };
        if let Some((path, d)) = self.subtrees.iter().find(|(path, _)| under(path)) {
            return Some(format!(
                "{path}: expected {}, got {}",
                mask_text(&d.expected),
                mask_text(&d.actual)
            ));
        }
        self.lengths
            .iter()
            .find(|array| line.path == **array || (!paired && under(array)))
            .map(|array| format!("{array}: the array's length differs"))
    }
}

fn side_by_side(page: &mut String, step: &StepResult, context: &Context<'_>) {
    let clean = |text: &str| escape(&redact(text, context.secrets));
    let left = step
        .expected_body
        .as_ref()
        .map(|v| json_lines(&mask_value(v)))
        .unwrap_or_default();
    let right = step
        .body
        .as_ref()
        .map(|v| json_lines(&mask_value(v)))
        .unwrap_or_default();
    let marks = Marks::new(&step.divergences);
    page.push_str(
        "<table class=\"diff\">\n<colgroup><col class=\"ln\"><col class=\"code\"><col class=\"ln\">\
         <col class=\"code\"></colgroup>\n<thead><tr><th colspan=\"2\">expected</th>\
         <th colspan=\"2\">actual</th></tr></thead>\n<tbody>\n",
    );
    let cell = |page: &mut String,
                side: &[Line],
                index: Option<usize>,
                paired: bool,
                class: &str| {
        match index {
            Some(i) => {
                let line = &side[i];
                match marks.find(line, paired) {
                    Some(title) => {
                        let _ = write!(
                            page,
                            "<td class=\"ln {class}\">≠ {}</td><td class=\"{class}\" title=\"{}\"><code>{}</code></td>",
                            i + 1,
                            clean(&title),
                            clean(&line.text)
                        );
                    }
                    None if !paired => {
                        let _ = write!(
                            page,
                            "<td class=\"ln\">{}</td><td class=\"alone\"><code>{}</code></td>",
                            i + 1,
                            clean(&line.text)
                        );
                    }
                    None => {
                        let _ = write!(
                            page,
                            "<td class=\"ln\">{}</td><td><code>{}</code></td>",
                            i + 1,
                            clean(&line.text)
                        );
                    }
                }
            }
            None => page.push_str("<td class=\"ln\"></td><td class=\"gap\"></td>"),
        }
    };
    // A side without a body says so on its first row only.
    let missing = |page: &mut String, row: usize, label: &str| {
        let label = if row == 0 { label } else { "" };
        let _ = write!(
            page,
            "<td class=\"ln\"></td><td class=\"gap\"><code>{label}</code></td>"
        );
    };
    for (row, (l, r)) in align(&left, &right).into_iter().enumerate() {
        let paired = l.is_some() && r.is_some();
        page.push_str("<tr>");
        if left.is_empty() {
            missing(page, row, "(no body expected)");
        } else {
            cell(page, &left, l, paired, "expected");
        }
        if right.is_empty() {
            missing(page, row, "(no JSON body)");
        } else {
            cell(page, &right, r, paired, "actual");
        }
        page.push_str("</tr>\n");
    }
    page.push_str("</tbody>\n</table>\n");
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
        page.push_str("</li>\n");
    }
    page.push_str("</ul>\n</details>\n</section>\n");
}

const STYLE: &str = "
:root { color-scheme: light; --fail: #b42318; --pass: #067647; --skip: #6b7280; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #1f2328; background: #f6f8fa; }
header { padding: 18px 28px; background: #fff; border-bottom: 4px solid var(--pass); }
header.failed { border-bottom-color: var(--fail); }
h1 { margin: 0 0 6px; font-size: 22px; }
h2 { font-size: 18px; margin: 0 0 10px; display: inline-block; }
h3 { font-size: 16px; margin: 0 0 4px; font-family: ui-monospace, 'DejaVu Sans Mono', Menlo, monospace; word-break: break-all; }
h4 { font-size: 14px; margin: 14px 0 8px; }
main { padding: 18px 28px; max-width: 1500px; }
section { margin-bottom: 26px; }
code, pre { font: 13px/1.4 ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace; }
pre { margin: 0; white-space: pre-wrap; word-break: break-all; }
.totals span { display: inline-block; margin-right: 14px; font-weight: 600; }
.totals .passed { color: var(--pass); } .totals .failed { color: var(--fail); } .totals .ignored { color: var(--skip); }
.meta { color: #57606a; margin: 4px 0; }
.tables { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
table { border-collapse: collapse; background: #fff; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border: 1px solid #d0d7de; padding: 3px 10px; text-align: left; vertical-align: top; }
table.summary td { text-align: right; font-variant-numeric: tabular-nums; }
table.summary tr.has-failed th, table.summary tr.has-failed td:nth-child(3) { color: var(--fail); font-weight: 600; }
ol.index { columns: 2; margin: 0 0 12px; }
article.scenario { background: #fff; border: 1px solid #d0d7de; border-left: 4px solid var(--fail); border-radius: 6px; padding: 14px 18px; margin-bottom: 18px; }
.status { font-weight: 400; color: #57606a; margin-left: 8px; }
.status.bad { color: var(--fail); font-weight: 600; }
dl.request { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; margin: 0 0 10px; }
dl.request dt { color: #57606a; }
dl.request dd { margin: 0; }
dl.request pre { background: #f6f8fa; padding: 6px 8px; border-radius: 4px; }
.method { font-weight: 700; }
table.query th, table.query td { padding: 1px 8px; }
.error { color: var(--fail); font-weight: 600; }
table.divergences { margin: 6px 0 12px; width: 100%; }
table.divergences td:first-child { white-space: nowrap; }
table.divergences td code { word-break: break-all; }
table.diff { width: 100%; table-layout: fixed; }
table.diff col.ln { width: 4.2em; }
table.diff td { border-width: 0 1px; padding: 0 6px; }
table.diff td code { white-space: pre-wrap; word-break: break-all; }
table.diff td.ln { color: #8c959f; text-align: right; font: 12px/1.4 ui-monospace, monospace; user-select: none; }
table.diff td.expected { background: #dafbe1; }
table.diff td.actual { background: #ffebe9; }
table.diff td.ln.expected, table.diff td.ln.actual { color: var(--fail); font-weight: 700; }
table.diff td.alone { color: #57606a; background: #f6f8fa; }
table.diff td.gap { background: repeating-linear-gradient(135deg, #fff, #fff 4px, #f3f4f6 4px, #f3f4f6 8px); color: #8c959f; }
details summary { cursor: pointer; }
.legend { color: #57606a; }
.legend span { padding: 0 4px; border-radius: 3px; color: #1f2328; }
.legend .expected { background: #dafbe1; } .legend .actual { background: #ffebe9; }
details ul { columns: 2; }
";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Section;
    use serde_json::json;

    fn step(expected: Value, actual: Value, divergences: Vec<Divergence>) -> StepResult {
        StepResult {
            section: Section::Steps,
            index: 0,
            name: "get portals".into(),
            request:
                "POST /crm/v4/settings/portals?filters=%7B%22a%22%3A1%7D&token=1000.zylker.refresh"
                    .into(),
            request_body: Some(r#"{"portals":[{"name":"<script>alert(1)</script>"}]}"#.into()),
            status: 200,
            divergences,
            error: None,
            body: Some(actual),
            expected_body: Some(expected),
        }
    }

    fn failed(name: &str, steps: Vec<StepResult>) -> ScenarioResult {
        ScenarioResult {
            name: name.into(),
            area: "portals".into(),
            tags: vec!["Get Portals".into()],
            outcome: Outcome::Failed,
            reason: None,
            steps,
            run_id: "r1".into(),
        }
    }

    fn context(secrets: &[String]) -> Context<'_> {
        Context {
            target: "mock",
            generated: "2026-11-22T20:00:00Z",
            secrets,
        }
    }

    #[test]
    fn everything_shown_is_escaped_and_the_page_has_no_script_or_external_resource() {
        let divergence = Divergence {
            path: "$.portals[0].name".into(),
            expected: "\"<b>bold</b>\"".into(),
            actual: "\"</td><script>alert(2)</script>\"".into(),
        };
        let result = failed(
            "portals::<script>alert(3)</script>",
            vec![step(
                json!({"portals":[{"name":"<b>bold</b>"}]}),
                json!({"portals":[{"name":"</td><script>alert(2)</script>"}]}),
                vec![divergence],
            )],
        );
        let page = html(&context(&[]), &[result]);
        assert!(!page.to_ascii_lowercase().contains("<script"), "{page}");
        assert!(!page.contains("<b>"), "{page}");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(page.contains("&lt;script&gt;alert(2)&lt;/script&gt;"));
        assert!(page.contains("portals::&lt;script&gt;alert(3)&lt;/script&gt;"));
        for external in ["http://", "https://", "src=", "@import", "url("] {
            assert!(!page.contains(external), "{external} in the page");
        }
    }

    #[test]
    fn the_diverging_lines_are_highlighted_on_both_sides_and_missing_keys_leave_a_gap() {
        let divergences = vec![
            Divergence {
                path: "$.portals[0].name".into(),
                expected: "\"NotZylker\"".into(),
                actual: "\"ZylkerAutos\"".into(),
            },
            Divergence {
                path: "$.portals[0].login_url".into(),
                expected: "$type \"string\"".into(),
                actual: "(absent)".into(),
            },
        ];
        let result = failed(
            "portals::wrong",
            vec![step(
                json!({"portals":[{"name":"NotZylker","login_url":{"$type":"string"}}]}),
                json!({"portals":[{"name":"ZylkerAutos","zaid":"1"}]}),
                divergences,
            )],
        );
        let page = html(&context(&[]), &[result]);
        let row = page
            .lines()
            .find(|line| line.contains("NotZylker") && line.starts_with("<tr><td class=\"ln"))
            .unwrap();
        assert!(row.contains("class=\"expected\""), "{row}");
        assert!(row.contains("class=\"actual\""), "{row}");
        assert!(
            row.contains("ZylkerAutos"),
            "the two names share a row: {row}"
        );
        let missing = page
            .lines()
            .find(|line| {
                line.contains("&quot;$type&quot;") && line.starts_with("<tr><td class=\"ln")
            })
            .unwrap();
        assert!(missing.contains("class=\"gap\""), "{missing}");
        let extra = page
            .lines()
            .find(|line| {
                line.contains("&quot;zaid&quot;") && line.starts_with("<tr><td class=\"ln")
            })
            .unwrap();
        assert!(
            extra.contains("class=\"alone\""),
            "not a divergence: {extra}"
        );
        assert!(page.contains("<td><code>$.portals[0].name</code></td>"));
    }

    #[test]
    fn secrets_never_appear_by_value_name_or_shape() {
        let token = "1000.0123456789abcdef0123456789abcdef.0123456789abcdef0123456789abcdef";
        let mut s = step(
            json!({"access_token":{"$type":"string"}}),
            json!({"access_token": token, "refresh_token":"1000.zylker.refresh", "note": format!("issued {token}.")}),
            vec![Divergence {
                path: "$.note".into(),
                expected: "(absent)".into(),
                actual: format!("\"issued {token}.\""),
            }],
        );
        s.request_body = Some("grant_type=refresh_token&client_secret=mocksecret&refresh_token=1000.zylker.refresh&scope=a%20b".into());
        s.error = Some("sent with 1000.given.secret".into());
        let result = failed("oauth::refresh", vec![s]);
        let secrets = vec!["1000.given.secret".to_owned()];
        let page = html(&context(&secrets), &[result]);
        for secret in [
            token,
            "1000.zylker.refresh",
            "mocksecret",
            "1000.given.secret",
        ] {
            assert!(!page.contains(secret), "{secret} leaked");
        }
        assert!(
            page.contains("grant_type=refresh_token\nclient_secret=&lt;redacted&gt;\n"),
            "{page}"
        );
        assert!(page.contains("\nscope=a b</pre>"), "{page}");
        assert!(page.contains("&lt;redacted&gt;"));
    }

    #[test]
    fn the_summary_counts_by_area_and_endpoint() {
        let mut passed = failed("users::a", Vec::new());
        passed.area = "users".into();
        passed.outcome = Outcome::Passed;
        let ignored = ScenarioResult {
            outcome: Outcome::Ignored,
            reason: Some("needs the control plane".into()),
            ..failed("portals::b", Vec::new())
        };
        let page = html(
            &context(&[]),
            &[failed("portals::c", Vec::new()), passed, ignored],
        );
        assert!(page.contains(
            "<tr class=\"has-failed\"><th scope=\"row\">portals</th><td>0</td><td>1</td><td>1</td></tr>"
        ));
        assert!(
            page.contains("<tr><th scope=\"row\">users</th><td>1</td><td>0</td><td>0</td></tr>")
        );
        assert!(page.contains("<tr class=\"has-failed\"><th scope=\"row\">Get Portals</th><td>1</td><td>1</td><td>1</td></tr>"));
        assert!(page.contains("<code>portals::b</code>: needs the control plane"));
        assert!(page.contains("<title>portals-conformance: 1 failed, 1 passed, 1 ignored</title>"));
    }

    #[test]
    fn a_step_without_an_expected_body_shows_the_answer_alone_labelled_once() {
        let mut s = step(
            json!(null),
            json!({"code":"INVALID_DATA","details":{}}),
            Vec::new(),
        );
        s.expected_body = None;
        s.error = Some("capture id: nothing at $.id".into());
        let page = html(&context(&[]), &[failed("portals::capture", vec![s])]);
        assert_eq!(page.matches("(no body expected)").count(), 1, "{page}");
        assert!(page.contains("<p class=\"error\">capture id: nothing at $.id</p>"));
        assert!(page.contains("&quot;code&quot;: &quot;INVALID_DATA&quot;,"));
    }

    #[test]
    fn lines_align_by_path() {
        let left = json_lines(&json!({"a":1,"b":[1,2],"c":{"$id":true}}));
        let right = json_lines(&json!({"a":2,"b":[1],"d":3}));
        let rows = align(&left, &right);
        let shown: Vec<(Option<&str>, Option<&str>)> = rows
            .iter()
            .map(|(l, r)| {
                (
                    l.map(|i| left[i].text.trim()),
                    r.map(|j| right[j].text.trim()),
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                (Some("{"), Some("{")),
                (Some("\"a\": 1,"), Some("\"a\": 2,")),
                (Some("\"b\": ["), Some("\"b\": [")),
                (Some("1,"), Some("1")),
                (Some("2"), None),
                (Some("],"), Some("],")),
                (Some("\"c\": {\"$id\":true}"), None),
                (None, Some("\"d\": 3")),
                (Some("}"), Some("}")),
            ]
        );
    }

    #[test]
    fn percent_decoding_and_token_shapes() {
        assert_eq!(percent_decode("a%20b+c%7B%ZZ%"), "a b c{%ZZ%");
        assert_eq!(
            mask_text("x 1000.0123456789abcdef.0123456789abcdef, 1000.zylker.admin"),
            "x <redacted>, 1000.zylker.admin"
        );
    }
}
