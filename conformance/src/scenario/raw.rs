//! The scenario file as written: serde types that refuse unknown keys. [`super::parse`] turns
//! them into the typed [`super::Scenario`].

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::{Environment, Mode};

/// One scenario file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Scenario {
    pub description: String,
    pub source: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub requires: Vec<String>,
    #[serde(default)]
    pub writes: bool,
    #[serde(default)]
    pub irreversible: bool,
    #[serde(default)]
    pub environment: Environment,
    #[serde(default)]
    pub setup: Vec<Step>,
    pub steps: Vec<Step>,
    #[serde(default)]
    pub cleanup: Vec<Step>,
}

/// One step.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Step {
    #[serde(default)]
    pub name: String,
    pub request: Request,
    #[serde(default)]
    pub expect: Expect,
    #[serde(default)]
    pub capture: BTreeMap<String, String>,
    /// Send again until the expectation holds.
    pub retry: Option<Retry>,
}

/// `"retry": {"count": 10, "interval_ms": 1000}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Retry {
    pub count: u32,
    #[serde(default)]
    pub interval_ms: u64,
}

/// A request.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Request {
    pub method: String,
    pub path: String,
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub body: Option<Value>,
    #[serde(default)]
    pub body_text: Option<String>,
    #[serde(default)]
    pub body_text_repeat: Option<usize>,
    #[serde(default)]
    pub token: Option<String>,
}

/// The expectations.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Expect {
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub headers: BTreeMap<String, Value>,
    #[serde(default)]
    pub body: Option<Value>,
    #[serde(default)]
    pub body_bytes: Option<String>,
    #[serde(default)]
    pub empty_body: bool,
    #[serde(default)]
    pub mode: Option<Mode>,
}
