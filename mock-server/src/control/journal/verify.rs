//! Verification against the journal, in the spirit of WireMock's: a request pattern (the
//! control plane's one pattern language, [`crate::control::pattern`], `status` included), how
//! many journaled requests match it, and when none does, the closest ones with what differed
//! ("near misses").

use serde_json::{Value, json};

use crate::control::journal::Entry;
pub use crate::control::pattern::RequestPattern;
use crate::control::pattern::Subject;

/// How many near misses are shown when nothing matched.
pub const NEAR_MISSES: usize = 3;

impl Subject for Entry {
    fn method(&self) -> &str {
        self.method
    }
    fn path(&self) -> &str {
        &self.path
    }
    fn query_param(&self, name: &str) -> Option<String> {
        Entry::query_param(self, name)
    }
    fn header(&self, name: &str) -> Option<String> {
        Entry::header(self, name)
    }
    fn body_text(&self) -> String {
        Entry::body_text(self)
    }
    fn body_json(&self) -> Value {
        self.body()
    }
    fn status(&self) -> Option<u16> {
        Some(self.status)
    }
}

/// The verification answer: `{"count": N}`, plus `near_misses` when nothing matched.
pub fn verify(pattern: &RequestPattern, entries: &[Entry]) -> Value {
    let mut scored: Vec<(Vec<String>, &Entry)> = entries
        .iter()
        .map(|entry| (pattern.differences(entry), entry))
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
        assert_eq!(verify(&pattern, &entries), json!({"count": 1}));
        assert_eq!(
            verify(&RequestPattern::parse(&json!({})).unwrap(), &entries),
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
        let answer = verify(&pattern, &entries);
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
}
