//! What the embedding API takes and gives: [`MockOrg`] (a fresh org and how to call it),
//! [`ReceivedRequest`] (one journaled exchange), [`Fault`] (a misbehaviour to inject).

use std::time::Duration;

use serde_json::{Map, Value, json};

use crate::control::journal::Entry;

/// A fresh, isolated org made from a fixture: its id, where to send requests, and its
/// credentials (a full-scope admin token; an OAuth client and refresh token for SDKs).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MockOrg {
    /// The org's id (`zylker-1`, …): the control plane's `{id}`.
    pub id: String,
    /// The mock's address, `http://127.0.0.1:PORT`: the API domain and the accounts URL alike.
    pub base_url: String,
    /// An access token of the org's admin, with every scope; send it as
    /// `Authorization: Zoho-oauthtoken <token>` ([`MockOrg::authorization`]).
    pub access_token: String,
    /// The OAuth client (`1000.MOCKCLIENT` with the built-in fixtures), when the fixtures have one.
    pub client_id: Option<String>,
    /// The client's secret.
    pub client_secret: Option<String>,
    /// A refresh token of the org's admin for that client (what Zoho's SDKs start from).
    pub refresh_token: Option<String>,
    /// The client's redirect URI.
    pub redirect_uri: Option<String>,
}

impl MockOrg {
    /// The `Authorization` header's value: `Zoho-oauthtoken <access_token>`.
    pub fn authorization(&self) -> String {
        format!("Zoho-oauthtoken {}", self.access_token)
    }

    /// Reads the control plane's answer to `POST /__mock/orgs`.
    pub(super) fn from_answer(answer: &Value, base_url: &str) -> MockOrg {
        let text = |key: &str| answer.get(key).and_then(Value::as_str).map(str::to_owned);
        MockOrg {
            id: text("org_id").expect("the org answer names the org"),
            base_url: base_url.to_owned(),
            access_token: text("access_token").expect("the org answer has a token"),
            client_id: text("client_id"),
            client_secret: text("client_secret"),
            refresh_token: text("refresh_token"),
            redirect_uri: text("redirect_uri"),
        }
    }
}

/// One request the mock received for an org, with its answer, as the journal keeps it (secrets
/// redacted: the `Authorization` header, OAuth parameters, tokens in bodies).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ReceivedRequest {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path as sent, without the query.
    pub path: String,
    /// The decoded query pairs, in order.
    pub query: Vec<(String, String)>,
    /// The headers, names lower-case.
    pub headers: Vec<(String, String)>,
    /// The body: JSON as sent, a form as an object, other text as a string, `null` when empty.
    pub body: Value,
    /// The status answered (0: the connection was reset by a fault).
    pub status: u16,
    /// The answer's JSON body (`null` for none).
    pub response: Value,
}

impl ReceivedRequest {
    /// A header's value (name case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find(&self.headers, |key| key.eq_ignore_ascii_case(name))
    }

    /// A query parameter's first value.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        find(&self.query, |key| key == name)
    }
}

fn find(pairs: &[(String, String)], mut matches: impl FnMut(&str) -> bool) -> Option<&str> {
    pairs
        .iter()
        .find(|(key, _)| matches(key))
        .map(|(_, value)| value.as_str())
}

impl From<&Entry> for ReceivedRequest {
    fn from(entry: &Entry) -> ReceivedRequest {
        ReceivedRequest {
            method: entry.method.to_owned(),
            path: entry.path.clone(),
            query: entry.redacted_query(),
            headers: entry.headers(),
            body: entry.body(),
            status: entry.status,
            response: entry.response(),
        }
    }
}

/// A fault to inject into an org's requests (the control plane's fault format, built in Rust):
/// what it does ([`Fault::error`], [`Fault::answer`], [`Fault::reset_connection`],
/// [`Fault::delay`]), then which requests it hits and how often.
///
/// ```
/// # use portals_mock::Fault;
/// # use std::time::Duration;
/// let fault = Fault::error("INTERNAL_ERROR")
///     .method("GET")
///     .path_pattern("/settings/portals$")
///     .delayed(Duration::from_millis(50))
///     .rate(0.5, 7)
///     .times(3);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fault {
    spec: Map<String, Value>,
}

impl Fault {
    /// Answer a documented Zoho error instead (`INTERNAL_ERROR`, `INVALID_TOKEN`,
    /// `TOO_MANY_REQUESTS`, …: the README's list), with its documented status and body.
    pub fn error(code: &str) -> Fault {
        Fault::with("error", json!({ "code": code }))
    }

    /// Answer this status and JSON body instead.
    pub fn answer(status: u16, body: Value) -> Fault {
        Fault::with("error", json!({ "status": status, "body": body }))
    }

    /// Close the connection without an answer.
    pub fn reset_connection() -> Fault {
        Fault::with("reset_connection", Value::Bool(true))
    }

    /// Answer normally, this much later.
    pub fn delay(by: Duration) -> Fault {
        Fault::default().delayed(by)
    }

    /// Any fault the control plane takes, as its JSON (`{"latency_ms":[100,500],…}`).
    pub fn from_json(spec: Map<String, Value>) -> Fault {
        Fault { spec }
    }

    /// Only requests with this method.
    pub fn method(self, method: &str) -> Fault {
        self.set("method", json!(method))
    }

    /// Only requests whose path this regex finds.
    pub fn path_pattern(self, regex: &str) -> Fault {
        self.set("url_path_pattern", json!(regex))
    }

    /// Wait this long before doing it.
    pub fn delayed(self, by: Duration) -> Fault {
        let ms = u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
        self.set("latency_ms", json!(ms))
    }

    /// Hit only this share of the matching requests (0 to 1), drawn from a generator seeded with
    /// `seed` so a run repeats.
    pub fn rate(self, rate: f64, seed: u64) -> Fault {
        self.set("rate", json!(rate)).set("seed", json!(seed))
    }

    /// Remove the fault after it hit this many requests.
    pub fn times(self, times: u64) -> Fault {
        self.set("times", json!(times))
    }

    /// The fault as the control plane's JSON body.
    pub fn to_json(&self) -> Value {
        Value::Object(self.spec.clone())
    }

    fn with(key: &str, value: Value) -> Fault {
        Fault::default().set(key, value)
    }

    fn set(mut self, key: &str, value: Value) -> Fault {
        self.spec.insert(key.to_owned(), value);
        self
    }
}
