//! The side-by-side view of a failed step's expected and actual bodies: both pretty-printed,
//! their lines paired by JSON path, the lines its divergences point at highlighted.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde_json::Value;

use super::Context;
use super::mask::{mask_text, mask_value};
use crate::matching::{Divergence, render};
use crate::report::escape;
use crate::runner::StepResult;
use crate::vars::redact;

/// One line of pretty-printed JSON and the path of the value it opens (or closes).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Line {
    path: String,
    closing: bool,
    pub(super) text: String,
}

/// Pretty JSON, one [`Line`] per line; matchers (`{"$type": "string"}`) and empty containers
/// stay on one line.
pub(super) fn json_lines(value: &Value) -> Vec<Line> {
    let mut out = Vec::new();
    emit(None, value, "$", 0, false, &mut out);
    out
}

/// A member of an object or array: its key (objects), its value and its JSON path.
type Child<'a> = (Option<&'a str>, &'a Value, String);

pub(super) fn emit(
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
    // An object or array opens a line, emits its children one level deeper, and closes a line.
    let children: Option<(char, char, Vec<Child<'_>>)> = match value {
        Value::Object(map) if !map.is_empty() && !is_matcher(map) => Some((
            '{',
            '}',
            map.iter()
                .map(|(k, v)| (Some(k.as_str()), v, format!("{path}.{k}")))
                .collect(),
        )),
        Value::Array(items) if !items.is_empty() => Some((
            '[',
            ']',
            items
                .iter()
                .enumerate()
                .map(|(index, item)| (None, item, format!("{path}[{index}]")))
                .collect(),
        )),
        _ => None,
    };
    match (children, value) {
        (Some((open, close, children)), _) => {
            out.push(Line {
                path: path.into(),
                closing: false,
                text: format!("{indent}{prefix}{open}"),
            });
            let last = children.len() - 1;
            for (index, (key, child, child_path)) in children.into_iter().enumerate() {
                emit(key, child, &child_path, depth + 1, index < last, out);
            }
            out.push(Line {
                path: path.into(),
                closing: true,
                text: format!("{indent}{close}{comma}"),
            });
        }
        (None, other) => out.push(Line {
            path: path.into(),
            closing: false,
            text: format!("{indent}{prefix}{}{comma}", render(other)),
        }),
    }
}

/// Pairs the lines of two sides by path (a longest common subsequence); `None` where a side has
/// no line for the other's path.
pub(super) fn align(left: &[Line], right: &[Line]) -> Vec<(Option<usize>, Option<usize>)> {
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
pub(super) struct Marks<'a> {
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

pub(super) fn side_by_side(page: &mut String, step: &StepResult, context: &Context<'_>) {
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
