//! Verification against the journal, in the spirit of WireMock's: a request pattern, how many
//! journaled requests match it, and when none does, the closest ones with what differed
//! ("near misses").
//!
//! ```json
//! {"method": "POST", "url_path": "/crm/v8/settings/portals",
//!  "query": {"type": "AllUsers", "page": {"matches": "^[0-9]+$"}},
//!  "body_contains": "ZylkerAutos"}
//! ```
//! `url_path_pattern` (a regex on the path) may stand instead of `url_path`; `body_contains` may
//! be a list (all must occur). Every key is optional: `{}` matches every request.

use regex_lite::Regex;
use serde_json::{Value, json};

use crate::control::journal::Entry;

/// How many near misses are shown when nothing matched.
pub const NEAR_MISSES: usize = 3;

/// A parsed request pattern.
#[derive(Debug)]
pub struct RequestPattern {
    method: Option<String>,
    path: Option<PathMatch>,
    query: Vec<(String, ValueMatch)>,
    body_contains: Vec<String>,
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
    Absent,
}

impl RequestPattern {
    /// Parses a pattern; the error says which key is wrong and why.
    pub fn parse(value: &Value) -> Result<RequestPattern, String> {
        let object = value
            .as_object()
            .ok_or("a request pattern is a JSON object")?;
        let known = [
            "method",
            "url_path",
            "url_path_pattern",
            "query",
            "body_contains",
        ];
        if let Some(unknown) = object.keys().find(|key| !known.contains(&key.as_str())) {
            return Err(format!(
                "unknown key {unknown:?} in the request pattern (known: {})",
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
        let mut query = Vec::new();
        match object.get("query") {
            None | Some(Value::Null) => {}
            Some(Value::Object(pairs)) => {
                for (name, wanted) in pairs {
                    query.push((name.clone(), value_match(name, wanted)?));
                }
            }
            Some(_) => return Err("\"query\" must be an object of parameter patterns".to_owned()),
        }
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
        Ok(RequestPattern {
            method: text("method")?.map(|m| m.to_ascii_uppercase()),
            path,
            query,
            body_contains,
        })
    }

    /// What differs between the pattern and an entry; empty when it matches.
    pub fn differences(&self, entry: &Entry) -> Vec<String> {
        let mut differences = Vec::new();
        if let Some(method) = &self.method
            && method != &entry.method
        {
            differences.push(format!("method: expected {method}, was {}", entry.method));
        }
        match &self.path {
            Some(PathMatch::Exact(path)) if path != &entry.path => {
                differences.push(format!("url_path: expected {path}, was {}", entry.path));
            }
            Some(PathMatch::Pattern(pattern)) if !pattern.is_match(&entry.path) => {
                differences.push(format!(
                    "url_path_pattern: {} does not match {}",
                    pattern.as_str(),
                    entry.path
                ));
            }
            _ => {}
        }
        for (name, wanted) in &self.query {
            let actual = entry.query_param(name);
            let actual = actual.as_deref();
            let problem = match (wanted, actual) {
                (ValueMatch::Absent, Some(actual)) => Some(format!("was {actual:?}")),
                (ValueMatch::Absent, None) => None,
                (_, None) => Some("was absent".to_owned()),
                (ValueMatch::Equal(expected), Some(actual)) if expected != actual => {
                    Some(format!("expected {expected:?}, was {actual:?}"))
                }
                (ValueMatch::Matches(pattern), Some(actual)) if !pattern.is_match(actual) => {
                    Some(format!("{actual:?} does not match {}", pattern.as_str()))
                }
                _ => None,
            };
            if let Some(problem) = problem {
                differences.push(format!("query {name}: {problem}"));
            }
        }
        let body = entry.body_text();
        for wanted in &self.body_contains {
            if !body.contains(wanted.as_str()) {
                differences.push(format!("body does not contain {wanted:?}"));
            }
        }
        differences
    }

    /// The verification answer: `{"count": N}`, plus `near_misses` when nothing matched.
    pub fn verify(&self, entries: &[Entry]) -> Value {
        let mut scored: Vec<(Vec<String>, &Entry)> = entries
            .iter()
            .map(|entry| (self.differences(entry), entry))
            .collect();
        let count = scored.iter().filter(|(diff, _)| diff.is_empty()).count();
        if count > 0 {
            return json!({ "count": count });
        }
        scored.sort_by_key(|(diff, entry)| (diff.len(), std::cmp::Reverse(entry.seq)));
        let near: Vec<Value> = scored
            .into_iter()
            .take(NEAR_MISSES)
            .map(|(differences, entry)| {
                json!({
                    "request": {
                        "seq": entry.seq,
                        "method": entry.method,
                        "path": entry.path,
                        "query": entry.to_json()["query"],
                        "status": entry.status,
                    },
                    "differences": differences,
                })
            })
            .collect();
        json!({ "count": 0, "near_misses": near })
    }
}

fn regex(pattern: &str) -> Result<Regex, String> {
    Regex::new(pattern).map_err(|e| format!("{pattern:?} is not a regular expression: {e}"))
}

fn value_match(name: &str, wanted: &Value) -> Result<ValueMatch, String> {
    match wanted {
        Value::String(text) => Ok(ValueMatch::Equal(text.clone())),
        Value::Object(object) => match (
            object.get("equal_to"),
            object.get("matches"),
            object.get("absent"),
        ) {
            (Some(Value::String(text)), None, None) => Ok(ValueMatch::Equal(text.clone())),
            (None, Some(Value::String(pattern)), None) => Ok(ValueMatch::Matches(regex(pattern)?)),
            (None, None, Some(Value::Bool(true))) => Ok(ValueMatch::Absent),
            _ => Err(format!(
                "query {name:?}: use a string, {{\"equal_to\": …}}, {{\"matches\": regex}} or {{\"absent\": true}}"
            )),
        },
        _ => Err(format!("query {name:?}: use a string or a matcher object")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{ApiRequest, Method};
    use bytes::Bytes;

    fn entry(method: Method, path: &str, body: &str, seq: u64) -> Entry {
        let request = ApiRequest::new(
            method,
            path,
            Bytes::from(body.to_owned()),
            "127.0.0.1:1".parse().unwrap(),
        );
        let mut entry = Entry::new(request, Some("o".into()), 200, None, 0);
        entry.seq = seq;
        entry
    }

    #[test]
    fn a_matching_request_is_counted() {
        let entries = [
            entry(
                Method::Post,
                "/crm/v8/settings/portals",
                r#"{"portals":[{"name":"ZylkerAutos"}]}"#,
                1,
            ),
            entry(Method::Get, "/crm/v8/settings/portals", "", 2),
        ];
        let pattern = RequestPattern::parse(&json!({
            "method": "post", "url_path_pattern": "^/crm/v[0-9]+/settings/portals$",
            "body_contains": "ZylkerAutos"
        }))
        .unwrap();
        assert_eq!(pattern.verify(&entries), json!({"count": 1}));
        assert_eq!(
            RequestPattern::parse(&json!({})).unwrap().verify(&entries),
            json!({"count": 2})
        );
    }

    #[test]
    fn without_a_match_the_closest_requests_say_what_differed() {
        let entries = [
            entry(Method::Get, "/crm/v8/settings/portals?type=AllUsers", "", 1),
            entry(Method::Post, "/crm/v8/settings/portals", "{}", 2),
        ];
        let pattern = RequestPattern::parse(&json!({
            "method": "POST", "url_path": "/crm/v8/settings/portals",
            "body_contains": "ZylkerAutos", "query": {"type": "AllUsers"}
        }))
        .unwrap();
        let answer = pattern.verify(&entries);
        assert_eq!(answer["count"], 0);
        let near = answer["near_misses"].as_array().unwrap();
        // Equally close: the newest first.
        assert_eq!(near[0]["request"]["seq"], 2);
        assert_eq!(
            near[0]["differences"],
            json!([
                "query type: was absent",
                "body does not contain \"ZylkerAutos\""
            ])
        );
        assert_eq!(
            near[1]["differences"],
            json!([
                "method: expected POST, was GET",
                "body does not contain \"ZylkerAutos\""
            ])
        );
    }

    #[test]
    fn bad_patterns_name_the_problem() {
        for (pattern, says) in [
            (json!({"verb": "GET"}), "unknown key \"verb\""),
            (
                json!({"url_path": "/a", "url_path_pattern": "a"}),
                "not both",
            ),
            (json!({"url_path_pattern": "("}), "not a regular expression"),
            (json!({"query": {"a": 1}}), "query \"a\""),
            (json!([]), "JSON object"),
        ] {
            let error = RequestPattern::parse(&pattern).unwrap_err();
            assert!(error.contains(says), "{error}");
        }
    }
}
