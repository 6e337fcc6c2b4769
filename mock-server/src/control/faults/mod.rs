//! Injected faults: make the mock misbehave on purpose, per org (or server-wide) and route.
//!
//! ```json
//! {"method": "GET", "url_path_pattern": "^/crm/v[0-9]+/settings/portals$",
//!  "latency_ms": [100, 300],
//!  "error": {"code": "INTERNAL_ERROR"},
//!  "rate": 0.25, "seed": 7, "times": 10}
//! ```
//! - `latency_ms`: a fixed delay or a `[min, max]` range before the answer;
//! - `error`: answer a documented Zoho error instead of handling the request (nothing is applied):
//!   `{"code": …}` with the code's documented status and body, optionally `"status"`; or
//!   `{"status": N, "body": {…}}` for any body;
//! - `reset_connection: true`: close the connection without answering;
//! - `rate` (default 1): the share of matching requests the fault hits, drawn from a generator
//!   seeded with `seed` (default 0), so a run repeats;
//! - `times`: the fault is removed after hitting this many requests.
//!
//! The first fault that matches and fires wins; org faults are tried before server-wide ones.

pub(super) mod routes;

use std::sync::Mutex;
use std::time::Duration;

use regex_lite::Regex;
use serde_json::{Value, json};

use crate::api::error::{ApiError, message, permission};
use crate::http::ApiResponse;

/// What a fault does to one request.
#[derive(Debug, Clone, PartialEq)]
pub enum FaultAction {
    /// Handle the request normally (after the delay).
    Handle,
    /// Answer this instead; the request is not applied.
    Respond(ApiResponse),
    /// Close the connection without an answer.
    Reset,
}

/// A fault that fired: how long to wait, then what to do.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultHit {
    /// Added latency.
    pub delay: Duration,
    pub action: FaultAction,
}

#[derive(Debug)]
struct Fault {
    id: String,
    org_id: Option<String>,
    spec: Value,
    method: Option<String>,
    path: Option<Regex>,
    latency_ms: (u64, u64),
    action: FaultAction,
    rate: f64,
    rng: fastrand::Rng,
    remaining: Option<u64>,
}

/// Every fault of the server.
#[derive(Debug, Default)]
pub struct Faults {
    inner: Mutex<Registry>,
}

#[derive(Debug, Default)]
struct Registry {
    faults: Vec<Fault>,
    next_id: u64,
}

impl Faults {
    /// Adds a fault for an org (or every org with `None`); answers its id, or what is wrong.
    pub fn add(&self, org_id: Option<&str>, spec: &Value) -> Result<String, String> {
        let object = spec.as_object().ok_or("a fault is a JSON object")?;
        let known = [
            "method",
            "url_path_pattern",
            "latency_ms",
            "error",
            "reset_connection",
            "rate",
            "seed",
            "times",
        ];
        if let Some(unknown) = object.keys().find(|key| !known.contains(&key.as_str())) {
            return Err(format!(
                "unknown key {unknown:?} in the fault (known: {})",
                known.join(", ")
            ));
        }
        let method = match object.get("method") {
            None | Some(Value::Null) => None,
            Some(Value::String(m)) => Some(m.to_ascii_uppercase()),
            Some(_) => return Err("\"method\" must be a string".into()),
        };
        let path = match object.get("url_path_pattern") {
            None | Some(Value::Null) => None,
            Some(Value::String(p)) => {
                Some(Regex::new(p).map_err(|e| format!("{p:?} is not a regular expression: {e}"))?)
            }
            Some(_) => return Err("\"url_path_pattern\" must be a string".into()),
        };
        let latency_ms = match object.get("latency_ms") {
            None | Some(Value::Null) => (0, 0),
            Some(Value::Number(n)) => {
                let ms = n.as_u64().ok_or("\"latency_ms\" is whole milliseconds")?;
                (ms, ms)
            }
            Some(Value::Array(range)) => match range.as_slice() {
                [Value::Number(a), Value::Number(b)] => {
                    let (a, b) = (
                        a.as_u64().ok_or("\"latency_ms\" is whole milliseconds")?,
                        b.as_u64().ok_or("\"latency_ms\" is whole milliseconds")?,
                    );
                    if a > b {
                        return Err("\"latency_ms\": [min, max] with min <= max".into());
                    }
                    (a, b)
                }
                _ => return Err("\"latency_ms\": a number or [min, max]".into()),
            },
            Some(_) => return Err("\"latency_ms\": a number or [min, max]".into()),
        };
        if latency_ms.1 > 60_000 {
            return Err("\"latency_ms\" is at most 60000".into());
        }
        let reset = matches!(object.get("reset_connection"), Some(Value::Bool(true)));
        let action = match (object.get("error"), reset) {
            (Some(_), true) => {
                return Err("give \"error\" or \"reset_connection\", not both".into());
            }
            (Some(error), false) => FaultAction::Respond(error_response(error)?),
            (None, true) => FaultAction::Reset,
            (None, false) if latency_ms.1 == 0 => {
                return Err(
                    "a fault needs \"latency_ms\", \"error\" or \"reset_connection\"".into(),
                );
            }
            (None, false) => FaultAction::Handle,
        };
        let rate = match object.get("rate") {
            None | Some(Value::Null) => 1.0,
            Some(value) => value
                .as_f64()
                .filter(|r| (0.0..=1.0).contains(r))
                .ok_or("\"rate\" is a number from 0 to 1")?,
        };
        let seed = match object.get("seed") {
            None | Some(Value::Null) => 0,
            Some(value) => value.as_u64().ok_or("\"seed\" is a whole number")?,
        };
        let remaining = match object.get("times") {
            None | Some(Value::Null) => None,
            Some(value) => Some(
                value
                    .as_u64()
                    .filter(|n| *n > 0)
                    .ok_or("\"times\" is a whole number above 0")?,
            ),
        };
        let mut registry = self.lock();
        registry.next_id += 1;
        let id = format!("fault-{}", registry.next_id);
        registry.faults.push(Fault {
            id: id.clone(),
            org_id: org_id.map(str::to_owned),
            spec: spec.clone(),
            method,
            path,
            latency_ms,
            action,
            rate,
            rng: fastrand::Rng::with_seed(seed),
            remaining,
        });
        Ok(id)
    }

    /// The faults of an org (or the server-wide ones with `None`), as they were given.
    pub fn list(&self, org_id: Option<&str>) -> Vec<Value> {
        self.lock()
            .faults
            .iter()
            .filter(|fault| fault.org_id.as_deref() == org_id)
            .map(|fault| {
                json!({
                    "fault_id": fault.id,
                    "org_id": fault.org_id,
                    "fault": fault.spec,
                    "remaining": fault.remaining,
                })
            })
            .collect()
    }

    /// Removes one fault of an org (or a server-wide one); `false` if there is none.
    pub fn remove(&self, org_id: Option<&str>, fault_id: &str) -> bool {
        let mut registry = self.lock();
        let before = registry.faults.len();
        registry
            .faults
            .retain(|f| !(f.id == fault_id && f.org_id.as_deref() == org_id));
        registry.faults.len() < before
    }

    /// Removes every fault of an org (or every server-wide one); answers how many.
    pub fn clear(&self, org_id: Option<&str>) -> usize {
        let mut registry = self.lock();
        let before = registry.faults.len();
        registry.faults.retain(|f| f.org_id.as_deref() != org_id);
        before - registry.faults.len()
    }

    /// The fault that hits this request, if any: org faults first, then server-wide ones.
    pub fn hit(&self, org_id: Option<&str>, method: &str, path: &str) -> Option<FaultHit> {
        let mut registry = self.lock();
        let order: Vec<usize> = (0..registry.faults.len())
            .filter(|&i| registry.faults[i].org_id.is_some())
            .chain((0..registry.faults.len()).filter(|&i| registry.faults[i].org_id.is_none()))
            .collect();
        for index in order {
            let fault = &mut registry.faults[index];
            let for_request = match &fault.org_id {
                Some(org) => org_id == Some(org.as_str()),
                None => true,
            };
            if !for_request
                || fault.method.as_deref().is_some_and(|m| m != method)
                || fault.path.as_ref().is_some_and(|p| !p.is_match(path))
            {
                continue;
            }
            if fault.rate < 1.0 && fault.rng.f64() >= fault.rate {
                continue;
            }
            let (low, high) = fault.latency_ms;
            let delay = Duration::from_millis(if high > low {
                fault.rng.u64(low..=high)
            } else {
                low
            });
            let hit = FaultHit {
                delay,
                action: fault.action.clone(),
            };
            if let Some(remaining) = &mut fault.remaining {
                *remaining -= 1;
                if *remaining == 0 {
                    registry.faults.remove(index);
                }
            }
            return Some(hit);
        }
        None
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Registry> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The answer of an `error` fault: a documented code, or any status and body.
fn error_response(error: &Value) -> Result<ApiResponse, String> {
    let object = error
        .as_object()
        .ok_or("\"error\" is {\"code\": …} or {\"status\": N, \"body\": {…}}")?;
    let status = match object.get("status") {
        None | Some(Value::Null) => None,
        Some(value) => Some(
            value
                .as_u64()
                .and_then(|s| u16::try_from(s).ok())
                .filter(|s| (200..=599).contains(s))
                .ok_or("\"status\" is an HTTP status from 200 to 599")?,
        ),
    };
    if let Some(body) = object.get("body") {
        let status = status.ok_or("an \"error\" with a \"body\" needs a \"status\"")?;
        return Ok(ApiResponse::json(status, body));
    }
    let code = object
        .get("code")
        .and_then(Value::as_str)
        .ok_or("\"error\" needs a \"code\" (or a \"status\" and a \"body\")")?;
    let error = documented_error(code).ok_or_else(|| {
        format!(
            "{code:?} is not a code a fault can answer; use one of {} or give a status and body",
            FAULT_CODES.join(", ")
        )
    })?;
    let mut response = ApiResponse::from(error);
    if let Some(status) = status {
        response.status = status;
    }
    Ok(response)
}

/// The codes an `error` fault can name, each answered with its documented body.
pub const FAULT_CODES: [&str; 9] = [
    "INTERNAL_ERROR",
    "INVALID_TOKEN",
    "AUTHENTICATION_FAILURE",
    "OAUTH_SCOPE_MISMATCH",
    "INVALID_URL_PATTERN",
    "INVALID_REQUEST_METHOD",
    "NO_PERMISSION",
    "API_NOT_SUPPORTED",
    "TOO_MANY_REQUESTS",
];

fn documented_error(code: &str) -> Option<ApiError> {
    Some(match code {
        "INTERNAL_ERROR" => ApiError::InternalError,
        "INVALID_TOKEN" => ApiError::InvalidToken,
        "AUTHENTICATION_FAILURE" => ApiError::AuthenticationFailure,
        "OAUTH_SCOPE_MISMATCH" => ApiError::OauthScopeMismatch,
        "INVALID_URL_PATTERN" => ApiError::InvalidUrlPattern,
        "INVALID_REQUEST_METHOD" => ApiError::InvalidRequestMethod,
        "NO_PERMISSION" => ApiError::NoPermission {
            permissions: vec![permission::MANAGE_PORTAL],
            message: message::PERMISSION_IS_INVALID,
        },
        "API_NOT_SUPPORTED" => ApiError::SandboxNotSupported,
        "TOO_MANY_REQUESTS" => ApiError::TooManyRequests {
            message: message::CREDITS_EXHAUSTED,
            retry_after: 60,
            limit: 100,
            window: 60,
        },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_hits_its_org_and_route_only() {
        let faults = Faults::default();
        let id = faults
            .add(
                Some("a"),
                &json!({"method":"get","url_path_pattern":"/portals$","error":{"code":"INTERNAL_ERROR"}}),
            )
            .unwrap();
        assert!(
            faults
                .hit(Some("b"), "GET", "/crm/v8/settings/portals")
                .is_none()
        );
        assert!(
            faults
                .hit(Some("a"), "POST", "/crm/v8/settings/portals")
                .is_none()
        );
        let hit = faults
            .hit(Some("a"), "GET", "/crm/v8/settings/portals")
            .unwrap();
        match hit.action {
            FaultAction::Respond(response) => {
                assert_eq!(response.status, 500);
                assert_eq!(
                    response.json_body().unwrap(),
                    json!({"code":"INTERNAL_ERROR","details":{},"message":"Internal Server Error","status":"error"})
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(faults.remove(Some("a"), &id));
        assert!(
            faults
                .hit(Some("a"), "GET", "/crm/v8/settings/portals")
                .is_none()
        );
    }

    #[test]
    fn a_seeded_rate_repeats_and_times_removes_the_fault() {
        let pattern = |faults: &Faults| -> Vec<bool> {
            (0..200)
                .map(|_| faults.hit(None, "GET", "/x").is_some())
                .collect()
        };
        let spec = json!({"rate": 0.3, "seed": 9, "latency_ms": [1, 5]});
        let (first, second) = (Faults::default(), Faults::default());
        first.add(None, &spec).unwrap();
        second.add(None, &spec).unwrap();
        let hits = pattern(&first);
        assert_eq!(hits, pattern(&second));
        let share = hits.iter().filter(|h| **h).count();
        assert!((30..=90).contains(&share), "{share} of 200");
        let limited = Faults::default();
        limited
            .add(None, &json!({"reset_connection": true, "times": 2}))
            .unwrap();
        assert_eq!(
            limited.hit(None, "GET", "/x").unwrap().action,
            FaultAction::Reset
        );
        assert!(limited.hit(None, "GET", "/x").is_some());
        assert!(limited.hit(None, "GET", "/x").is_none());
        assert!(limited.list(None).is_empty());
    }

    #[test]
    fn bad_faults_name_the_problem() {
        let faults = Faults::default();
        for (spec, says) in [
            (json!({}), "needs"),
            (json!({"error": {"code": "NOPE"}}), "not a code"),
            (
                json!({"error": {"code": "INTERNAL_ERROR"}, "reset_connection": true}),
                "not both",
            ),
            (json!({"latency_ms": [5, 1]}), "min <= max"),
            (json!({"latency_ms": 10, "rate": 2}), "from 0 to 1"),
            (json!({"latency_ms": 10, "colour": 1}), "unknown key"),
            (json!({"error": {"body": {}}}), "needs a \"status\""),
        ] {
            let error = faults.add(None, &spec).unwrap_err();
            assert!(error.contains(says), "{spec}: {error}");
        }
        let custom = faults
            .add(
                None,
                &json!({"error": {"status": 503, "body": {"oops": true}}}),
            )
            .unwrap();
        assert!(custom.starts_with("fault-"));
    }
}
