//! The request journal: every `/crm/` and `/oauth/` request the server answered, with its org,
//! redacted headers, body, status and answer, so tests can see what their code sent.
//!
//! Bounded: at most `capacity` entries are kept (the oldest are dropped first), and each body is
//! kept up to [`MAX_BODY_BYTES`], so a long soak cannot exhaust memory. Secrets never leave it:
//! secret headers (`Authorization`, `Cookie`, …), OAuth parameters (`client_secret`,
//! `refresh_token`, `code`, `token`) and tokens in bodies and answers (`access_token`,
//! `refresh_token`) are replaced whenever an entry is shown or matched, by [`crate::redact`], as
//! the conformance reports do. Headers and bodies are kept as they were sent and redacted or
//! parsed only when read, so recording costs a request almost nothing.

pub(super) mod routes;
pub mod verify;

use std::collections::VecDeque;
use std::sync::Mutex;

use bytes::Bytes;
use serde_json::{Map, Value, json};

use crate::http::{ApiRequest, ApiResponse, Headers, Method};
use crate::pipeline::Plane;
use crate::redact;

/// Bodies longer than this (in bytes) are cut, with a note, in the journal.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Headers whose values are secrets.
const SECRET_HEADERS: [&str; 4] = [
    "authorization",
    "cookie",
    "proxy-authorization",
    "x-mock-admin-token",
];

/// One journaled exchange.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Position in the journal (1, 2, …), unique for the server's life.
    pub seq: u64,
    /// When it was answered (Unix seconds, the server's clock).
    pub time: i64,
    /// The org the request belonged to, when it could be told (its token).
    pub org_id: Option<String>,
    /// The method (`GET`, …).
    pub method: &'static str,
    /// The path as sent.
    pub path: String,
    /// The decoded query pairs, secrets redacted.
    pub query: Vec<(String, String)>,
    /// The headers as sent, names lower-case (secrets are redacted as they are read:
    /// [`Entry::headers`]).
    raw_headers: Headers,
    /// The body as sent (at most [`MAX_BODY_BYTES`]); see [`Entry::body`].
    raw_body: Bytes,
    /// Whether the body is a form (its `Content-Type` says so, or it went to the token endpoint).
    form: bool,
    /// The status answered (0 when the connection was reset on purpose).
    pub status: u16,
    /// The answer's body as sent, when it is at most [`MAX_BODY_BYTES`]; see [`Entry::response`].
    raw_response: Option<Bytes>,
    /// The answer's size in bytes (kept when the body itself is too large to keep).
    response_len: usize,
}

/// A header's value as the journal shows it: a secret one redacted.
fn redacted_header(name: &str, value: &str) -> String {
    if SECRET_HEADERS.contains(&name) {
        redact::credentials(value)
    } else {
        value.to_owned()
    }
}

impl Entry {
    /// Builds an entry from a request (taken, not copied) and its answer.
    pub fn new(
        request: ApiRequest,
        org_id: Option<String>,
        status: u16,
        response: Option<&ApiResponse>,
        time: i64,
    ) -> Entry {
        let form = request
            .content_type
            .as_deref()
            .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"))
            || Plane::of(&request) == Plane::Oauth;
        let raw_headers = request.headers;
        // A longer body is copied down to what is kept: truncating the `Bytes` would keep the
        // whole buffer (a 1 MiB bulk invite) alive as long as the entry.
        let raw_body = if request.body.len() > MAX_BODY_BYTES {
            bytes::Bytes::copy_from_slice(&request.body[..MAX_BODY_BYTES])
        } else {
            request.body
        };
        Entry {
            seq: 0,
            time,
            org_id,
            method: method_name(request.method),
            path: request.path,
            query: request.query,
            raw_headers,
            raw_body,
            form,
            status,
            raw_response: response
                .and_then(|r| r.body.clone())
                .filter(|body| body.len() <= MAX_BODY_BYTES),
            response_len: response.and_then(|r| r.body.as_ref()).map_or(0, Bytes::len),
        }
    }

    /// The body: JSON as sent, a form as an object, other text as a string; `null` when empty;
    /// secrets redacted.
    pub fn body(&self) -> Value {
        body_value(&self.raw_body, self.form)
    }

    /// The answer's JSON body, secrets redacted; `null` for none; a note for one too large to
    /// keep (a long soak of users pages cannot fill memory).
    pub fn response(&self) -> Value {
        match &self.raw_response {
            Some(body) => serde_json::from_slice(body)
                .map(|value| redact::json(&value))
                .unwrap_or(Value::Null),
            None if self.response_len > 0 => Value::String(format!(
                "[an answer of {} bytes, over the {MAX_BODY_BYTES} the journal keeps]",
                self.response_len
            )),
            None => Value::Null,
        }
    }

    /// The headers, names lower-case, secrets redacted.
    pub fn headers(&self) -> Vec<(String, String)> {
        self.raw_headers
            .iter()
            .map(|(name, value)| (name.to_owned(), redacted_header(name, value)))
            .collect()
    }

    /// One header's value (name case-insensitive), secrets redacted.
    pub fn header(&self, name: &str) -> Option<String> {
        self.raw_headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(key, value)| redacted_header(key, value))
    }

    /// The query pairs, secrets redacted.
    pub fn redacted_query(&self) -> Vec<(String, String)> {
        self.query
            .iter()
            .map(|(key, value)| (key.clone(), redact::param(key, value)))
            .collect()
    }

    /// The entry as the control plane shows it.
    pub fn to_json(&self) -> Value {
        let pairs = |pairs: &[(String, String)]| {
            let mut object = Map::new();
            for (key, value) in pairs {
                object
                    .entry(key.clone())
                    .or_insert_with(|| Value::String(value.clone()));
            }
            Value::Object(object)
        };
        json!({
            "seq": self.seq,
            "time": crate::clock::format_timestamp(self.time, time::UtcOffset::UTC),
            "org_id": self.org_id,
            "method": self.method,
            "path": self.path,
            "query": pairs(&self.redacted_query()),
            "headers": pairs(&self.headers()),
            "body": self.body(),
            "status": self.status,
            "response": self.response(),
        })
    }

    /// The first value of a query parameter (secrets redacted).
    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(key, value)| redact::param(key, value))
    }

    /// The body as text (JSON re-serialised, secrets redacted), for `body_contains`.
    pub fn body_text(&self) -> String {
        match self.body() {
            Value::Null => String::new(),
            Value::String(text) => text,
            other => other.to_string(),
        }
    }
}

/// The journal: a bounded queue of entries, newest last.
#[derive(Debug)]
pub struct Journal {
    capacity: usize,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    entries: VecDeque<Entry>,
    next_seq: u64,
    dropped: u64,
}

impl Journal {
    /// A journal keeping at most `capacity` entries (0 keeps none).
    pub fn new(capacity: usize) -> Journal {
        Journal {
            capacity,
            inner: Mutex::new(Inner {
                next_seq: 1,
                ..Inner::default()
            }),
        }
    }

    /// How many entries it keeps at most.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Adds an entry, dropping the oldest when full.
    pub fn record(&self, mut entry: Entry) {
        if self.capacity == 0 {
            return;
        }
        let mut inner = self.lock();
        entry.seq = inner.next_seq;
        inner.next_seq += 1;
        while inner.entries.len() >= self.capacity {
            inner.entries.pop_front();
            inner.dropped += 1;
        }
        inner.entries.push_back(entry);
    }

    /// The entries (of one org, or all) that pass `keep`, oldest first.
    pub fn select(&self, org_id: Option<&str>, keep: impl Fn(&Entry) -> bool) -> Vec<Entry> {
        self.lock()
            .entries
            .iter()
            .filter(|entry| org_id.is_none_or(|org| entry.org_id.as_deref() == Some(org)))
            .filter(|entry| keep(entry))
            .cloned()
            .collect()
    }

    /// Removes the entries of one org (or all); answers how many went.
    pub fn clear(&self, org_id: Option<&str>) -> usize {
        let mut inner = self.lock();
        let before = inner.entries.len();
        inner
            .entries
            .retain(|entry| org_id.is_some_and(|org| entry.org_id.as_deref() != Some(org)));
        before - inner.entries.len()
    }

    /// How many entries were dropped because the journal was full.
    pub fn dropped(&self) -> u64 {
        self.lock().dropped
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The method's name as sent.
pub fn method_name(method: Method) -> &'static str {
    match method {
        Method::Get => "GET",
        Method::Post => "POST",
        Method::Put => "PUT",
        Method::Patch => "PATCH",
        Method::Delete => "DELETE",
        Method::Head => "HEAD",
        Method::Options => "OPTIONS",
        Method::Other => "OTHER",
    }
}

pub(crate) fn body_value(body: &[u8], form: bool) -> Value {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Value::Null;
    }
    if let Ok(value) = serde_json::from_slice::<Value>(body) {
        return redact::json(&value);
    }
    if form {
        let mut object = Map::new();
        for (key, value) in form_urlencoded::parse(body) {
            object.insert(key.to_string(), Value::String(redact::param(&key, &value)));
        }
        return Value::Object(object);
    }
    let text = String::from_utf8_lossy(body).into_owned();
    if body.len() >= MAX_BODY_BYTES {
        Value::String(format!("{text}… [cut at {MAX_BODY_BYTES} bytes]"))
    } else {
        Value::String(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn request(method: Method, path: &str, body: &str) -> ApiRequest {
        let mut request = ApiRequest::new(
            method,
            path,
            Bytes::from(body.to_owned()),
            "127.0.0.1:1".parse().unwrap(),
        );
        request.headers = [
            ("Authorization", "Zoho-oauthtoken 1000.secret.token"),
            ("User-Agent", "test"),
        ]
        .into_iter()
        .collect();
        request
    }

    #[test]
    fn secrets_never_enter_an_entry() {
        let oauth = request(
            Method::Post,
            "/oauth/v2/token?client_secret=s3cret",
            "grant_type=refresh_token&refresh_token=1000.r&client_id=c",
        );
        let answer = ApiResponse::json(200, &json!({"access_token":"1000.new","expires_in":3600}));
        let entry = Entry::new(oauth, None, 200, Some(&answer), 0);
        let text = entry.to_json().to_string();
        for secret in ["1000.secret.token", "s3cret", "1000.r", "1000.new"] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
        }
        assert_eq!(
            entry.to_json()["headers"]["authorization"],
            "Zoho-oauthtoken [REDACTED]"
        );
        assert_eq!(entry.to_json()["body"]["client_id"], "c");
        assert_eq!(entry.to_json()["response"]["expires_in"], 3600);
    }

    #[test]
    fn the_journal_keeps_the_newest_entries_up_to_its_capacity() {
        let journal = Journal::new(2);
        for org in ["a", "b", "a"] {
            let entry = Entry::new(
                request(Method::Get, "/crm/v8/settings/portals", ""),
                Some(org.to_owned()),
                200,
                None,
                0,
            );
            journal.record(entry);
        }
        let all = journal.select(None, |_| true);
        assert_eq!(all.iter().map(|e| e.seq).collect::<Vec<_>>(), [2, 3]);
        assert_eq!(journal.dropped(), 1);
        assert_eq!(journal.select(Some("a"), |_| true).len(), 1);
        assert_eq!(journal.clear(Some("b")), 1);
        assert_eq!(journal.select(None, |_| true).len(), 1);
        assert_eq!(journal.clear(None), 1);
    }

    #[test]
    fn large_bodies_are_cut_and_large_answers_noted_not_kept() {
        let big = "x".repeat(MAX_BODY_BYTES + 10);
        let answer = ApiResponse::json(200, &json!({ "big": big }));
        let entry = Entry::new(
            request(Method::Post, "/crm/v8/Contacts", &big),
            None,
            200,
            Some(&answer),
            0,
        );
        let body = entry.body();
        assert!(
            body.as_str()
                .unwrap()
                .ends_with(&format!("[cut at {MAX_BODY_BYTES} bytes]"))
        );
        assert!(
            entry
                .response()
                .as_str()
                .unwrap()
                .contains("over the 65536 the journal keeps"),
            "{}",
            entry.response()
        );
    }
}
