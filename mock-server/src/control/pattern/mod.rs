//! The one request-pattern language of the control plane, in the spirit of WireMock's request
//! matching: verification (`requests/count`) and faults (stubs) take the same keys.
//!
//! ```json
//! {"method": "POST", "url_path": "/crm/v8/settings/portals",
//!  "query": {"type": "AllUsers", "page": {"matches": "^[0-9]+$"}},
//!  "headers": {"content-type": {"matches": "json"}, "x-trace": {"absent": true}},
//!  "body_contains": "ZylkerAutos",
//!  "body_json": {"$.portals[0].name": "ZylkerAutos", "$.portals[0].active": {"absent": true}},
//!  "status": 201}
//! ```
//! - `method`: any case; `url_path` (exact) or `url_path_pattern` (a regex on the path);
//! - `query` and `headers` (header names any case): each a string (equal), `{"equal_to": s}`,
//!   `{"matches": regex}`, `{"contains": s}` or `{"absent": true}`;
//! - `body_contains`: a string or a list (all must occur); `body_json`: JSON paths
//!   ([`json_path`]) to a JSON value (equal), `{"equal_to": v}`, `{"matches": regex}` (on a
//!   string, or a number's or boolean's text), `{"contains": s}` or `{"absent": true}`;
//! - `status` (verification only: the answer's status; a fault runs before there is one).
//!
//! Every key is optional: `{}` matches every request.

pub mod json_path;

use regex_lite::Regex;
use serde_json::{Map, Value};

/// What a pattern is matched against: a journaled exchange or a request on its way in.
pub trait Subject {
    /// `GET`, `POST`, …
    fn method(&self) -> &str;
    /// The path, without the query.
    fn path(&self) -> &str;
    /// The first value of a query parameter.
    fn query_param(&self, name: &str) -> Option<String>;
    /// A header's value (name any case).
    fn header(&self, name: &str) -> Option<String>;
    /// The body as text (for `body_contains`).
    fn body_text(&self) -> String;
    /// The body as JSON (a form as an object; `null` when empty), for `body_json`.
    fn body_json(&self) -> Value;
    /// The answer's status, when there is one.
    fn status(&self) -> Option<u16>;
}

/// The keys of a request pattern.
pub const PATTERN_KEYS: [&str; 8] = [
    "method",
    "url_path",
    "url_path_pattern",
    "query",
    "headers",
    "body_contains",
    "body_json",
    "status",
];

/// A parsed request pattern.
#[derive(Debug, Default)]
pub struct RequestPattern {
    method: Option<String>,
    path: Option<PathMatch>,
    query: Vec<(String, ValueMatch)>,
    headers: Vec<(String, ValueMatch)>,
    body_contains: Vec<String>,
    body_json: Vec<(String, Vec<json_path::Step>, JsonMatch)>,
    status: Option<u16>,
}

#[derive(Debug)]
enum PathMatch {
    Exact(String),
    Pattern(Regex),
}

#[derive(Debug)]
enum ValueMatch {
    Equal(String),
    Matches(Regex),
    Contains(String),
    Absent,
}

#[derive(Debug)]
enum JsonMatch {
    Equal(Value),
    Matches(Regex),
    Contains(String),
    Absent,
}

impl RequestPattern {
    /// Parses a verification pattern (every key of [`PATTERN_KEYS`], nothing else).
    pub fn parse(value: &Value) -> Result<RequestPattern, String> {
        let object = value
            .as_object()
            .ok_or("a request pattern is a JSON object")?;
        RequestPattern::parse_object(object, &[], true, "the request pattern")
    }

    /// Parses the pattern keys of `object`, which may also hold `extra` keys (a fault's); with
    /// `status` false, a `status` key is refused (faults match requests, not answers). `what`
    /// names the object in errors.
    pub fn parse_object(
        object: &Map<String, Value>,
        extra: &[&str],
        status: bool,
        what: &str,
    ) -> Result<RequestPattern, String> {
        let known: Vec<&str> = PATTERN_KEYS
            .iter()
            .copied()
            .filter(|key| status || *key != "status")
            .chain(extra.iter().copied())
            .collect();
        if let Some(unknown) = object.keys().find(|key| !known.contains(&key.as_str())) {
            let hint = if unknown == "status" {
                " (\"status\" matches answers: it is for requests/count)"
            } else {
                ""
            };
            return Err(format!(
                "unknown key {unknown:?} in {what}{hint} (known: {})",
                known.join(", ")
            ));
        }
        let text = |key: &str| -> Result<Option<String>, String> {
            match object.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(text)) => Ok(Some(text.clone())),
                Some(_) => Err(format!("{key:?} must be a string")),
            }
        };
        let path = match (text("url_path")?, text("url_path_pattern")?) {
            (Some(_), Some(_)) => {
                return Err("give url_path or url_path_pattern, not both".to_owned());
            }
            (Some(exact), None) => Some(PathMatch::Exact(exact)),
            (None, Some(pattern)) => Some(PathMatch::Pattern(regex(&pattern)?)),
            (None, None) => None,
        };
        let body_contains = match object.get("body_contains") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::String(text)) => vec![text.clone()],
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| {
                    item.as_str()
                        .map(str::to_owned)
                        .ok_or("\"body_contains\" lists strings".to_owned())
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err("\"body_contains\" is a string or a list of strings".to_owned()),
        };
        let mut body_json = Vec::new();
        for (path, wanted) in pairs(object, "body_json")? {
            let steps = json_path::parse(path)?;
            body_json.push((path.clone(), steps, json_match(path, wanted)?));
        }
        let status = match object.get("status") {
            None | Some(Value::Null) => None,
            Some(value) => Some(
                value
                    .as_u64()
                    .and_then(|s| u16::try_from(s).ok())
                    .filter(|s| (100..=599).contains(s))
                    .ok_or("\"status\" is an HTTP status from 100 to 599")?,
            ),
        };
        Ok(RequestPattern {
            method: text("method")?.map(|m| m.to_ascii_uppercase()),
            path,
            query: value_matches(object, "query")?,
            headers: value_matches(object, "headers")?
                .into_iter()
                .map(|(name, wanted)| (name.to_ascii_lowercase(), wanted))
                .collect(),
            body_contains,
            body_json,
            status,
        })
    }

    /// What differs between the pattern and a subject; empty when it matches.
    pub fn differences(&self, subject: &dyn Subject) -> Vec<String> {
        let mut differences = Vec::new();
        if let Some(method) = &self.method
            && method != subject.method()
        {
            differences.push(format!(
                "method: expected {method}, was {}",
                subject.method()
            ));
        }
        let path = subject.path();
        match &self.path {
            Some(PathMatch::Exact(wanted)) if wanted != path => {
                differences.push(format!("url_path: expected {wanted}, was {path}"));
            }
            Some(PathMatch::Pattern(pattern)) if !pattern.is_match(path) => {
                differences.push(format!(
                    "url_path_pattern: {} does not match {path}",
                    pattern.as_str()
                ));
            }
            _ => {}
        }
        for (name, wanted) in &self.query {
            if let Some(problem) = wanted.problem(subject.query_param(name).as_deref()) {
                differences.push(format!("query {name}: {problem}"));
            }
        }
        for (name, wanted) in &self.headers {
            if let Some(problem) = wanted.problem(subject.header(name).as_deref()) {
                differences.push(format!("header {name}: {problem}"));
            }
        }
        if !self.body_contains.is_empty() {
            let body = subject.body_text();
            for wanted in &self.body_contains {
                if !body.contains(wanted.as_str()) {
                    differences.push(format!("body does not contain {wanted:?}"));
                }
            }
        }
        if !self.body_json.is_empty() {
            let body = subject.body_json();
            for (path, steps, wanted) in &self.body_json {
                if let Some(problem) = wanted.problem(json_path::select(&body, steps)) {
                    differences.push(format!("body_json {path}: {problem}"));
                }
            }
        }
        if let Some(status) = self.status {
            match subject.status() {
                Some(actual) if actual == status => {}
                Some(actual) => {
                    differences.push(format!("status: expected {status}, was {actual}"));
                }
                None => differences.push(format!("status: expected {status}, was none")),
            }
        }
        differences
    }

    /// Whether a subject matches.
    pub fn matches(&self, subject: &dyn Subject) -> bool {
        self.differences(subject).is_empty()
    }
}

impl ValueMatch {
    fn problem(&self, actual: Option<&str>) -> Option<String> {
        match (self, actual) {
            (ValueMatch::Absent, Some(actual)) => Some(format!("was {actual:?}")),
            (ValueMatch::Absent, None) => None,
            (_, None) => Some("was absent".to_owned()),
            (ValueMatch::Equal(expected), Some(actual)) if expected != actual => {
                Some(format!("expected {expected:?}, was {actual:?}"))
            }
            (ValueMatch::Matches(pattern), Some(actual)) if !pattern.is_match(actual) => {
                Some(format!("{actual:?} does not match {}", pattern.as_str()))
            }
            (ValueMatch::Contains(part), Some(actual)) if !actual.contains(part.as_str()) => {
                Some(format!("{actual:?} does not contain {part:?}"))
            }
            _ => None,
        }
    }
}

impl JsonMatch {
    fn problem(&self, actual: Option<&Value>) -> Option<String> {
        let text = |value: &Value| match value {
            Value::String(text) => Some(text.clone()),
            Value::Number(_) | Value::Bool(_) => Some(value.to_string()),
            _ => None,
        };
        match (self, actual) {
            (JsonMatch::Absent, Some(actual)) => Some(format!("was {actual}")),
            (JsonMatch::Absent, None) => None,
            (_, None) => Some("was absent".to_owned()),
            (JsonMatch::Equal(expected), Some(actual)) if expected != actual => {
                Some(format!("expected {expected}, was {actual}"))
            }
            (JsonMatch::Matches(pattern), Some(actual)) => match text(actual) {
                Some(text) if pattern.is_match(&text) => None,
                _ => Some(format!("{actual} does not match {}", pattern.as_str())),
            },
            (JsonMatch::Contains(part), Some(actual)) => match text(actual) {
                Some(text) if text.contains(part.as_str()) => None,
                _ => Some(format!("{actual} does not contain {part:?}")),
            },
            _ => None,
        }
    }
}

fn regex(pattern: &str) -> Result<Regex, String> {
    Regex::new(pattern).map_err(|e| format!("{pattern:?} is not a regular expression: {e}"))
}

/// The object under `key` (none: empty), as (name, wanted) pairs.
fn pairs<'o>(
    object: &'o Map<String, Value>,
    key: &str,
) -> Result<Vec<(&'o String, &'o Value)>, String> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Object(pairs)) => Ok(pairs.iter().collect()),
        Some(_) => Err(format!("{key:?} must be an object of {key} patterns")),
    }
}

fn value_matches(
    object: &Map<String, Value>,
    key: &str,
) -> Result<Vec<(String, ValueMatch)>, String> {
    pairs(object, key)?
        .into_iter()
        .map(|(name, wanted)| Ok((name.clone(), value_match(key, name, wanted)?)))
        .collect()
}

/// The operator of a matcher object: exactly one key.
fn operator(object: &Map<String, Value>) -> Option<(&str, &Value)> {
    match object.iter().collect::<Vec<_>>().as_slice() {
        [(key, value)] => Some((key.as_str(), value)),
        _ => None,
    }
}

fn value_match(key: &str, name: &str, wanted: &Value) -> Result<ValueMatch, String> {
    let bad = || {
        format!(
            "{key} {name:?}: use a string, {{\"equal_to\": …}}, {{\"matches\": regex}}, {{\"contains\": …}} or {{\"absent\": true}}"
        )
    };
    match wanted {
        Value::String(text) => Ok(ValueMatch::Equal(text.clone())),
        Value::Object(object) => match operator(object).ok_or_else(bad)? {
            ("equal_to", Value::String(text)) => Ok(ValueMatch::Equal(text.clone())),
            ("matches", Value::String(pattern)) => Ok(ValueMatch::Matches(regex(pattern)?)),
            ("contains", Value::String(part)) => Ok(ValueMatch::Contains(part.clone())),
            ("absent", Value::Bool(true)) => Ok(ValueMatch::Absent),
            _ => Err(bad()),
        },
        _ => Err(bad()),
    }
}

fn json_match(path: &str, wanted: &Value) -> Result<JsonMatch, String> {
    let Value::Object(object) = wanted else {
        return Ok(JsonMatch::Equal(wanted.clone()));
    };
    let bad = || {
        format!(
            "body_json {path:?}: a JSON value, or {{\"equal_to\": v}}, {{\"matches\": regex}}, {{\"contains\": …}} or {{\"absent\": true}}"
        )
    };
    match operator(object).ok_or_else(bad)? {
        ("equal_to", value) => Ok(JsonMatch::Equal(value.clone())),
        ("matches", Value::String(pattern)) => Ok(JsonMatch::Matches(regex(pattern)?)),
        ("contains", Value::String(part)) => Ok(JsonMatch::Contains(part.clone())),
        ("absent", Value::Bool(true)) => Ok(JsonMatch::Absent),
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests;
