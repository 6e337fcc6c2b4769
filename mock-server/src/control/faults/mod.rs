//! Injected faults and stubs: make the mock misbehave, or answer anything, on purpose, per org
//! (or server-wide) and request pattern, as WireMock's stubs do.
//!
//! ```json
//! {"method": "GET", "url_path_pattern": "^/crm/v[0-9]+/settings/portals$",
//!  "headers": {"x-test": "slow"}, "body_json": {"$.portals[0].name": "X"},
//!  "latency_ms": [100, 300],
//!  "error": {"code": "INTERNAL_ERROR"},
//!  "rate": 0.25, "seed": 7, "times": 10, "priority": 1}
//! ```
//! - the request pattern: the keys of [`crate::control::pattern`] (`method`, `url_path` or
//!   `url_path_pattern`, `query`, `headers`, `body_contains`, `body_json`), all optional;
//! - `latency_ms`: a fixed delay or a `[min, max]` range before the answer;
//! - then at most one of: `error`, a documented Zoho error instead of handling the request
//!   (nothing is applied): `{"code": …}` with the code's documented status and body (and for
//!   `TOO_MANY_REQUESTS` the limits' headers: `Retry-After`, `X-RATELIMIT-*`), optionally
//!   `"status"`; or `{"status": N, "body": {…}}`; `response`, a stub:
//!   `{"status": N, "headers": {…}, "body": …}` (a string body is sent as it is, any other JSON
//!   as JSON); `reset_connection: true`: close the connection without answering;
//! - `rate` (default 1): the share of matching requests the fault hits, drawn from a generator
//!   seeded with `seed` (default 0), so a run repeats;
//! - `times`: the fault is removed after hitting this many requests;
//! - `priority` (default 5; 1 is tried first); `description`: for people.
//!
//! Faults are tried by priority, then an org's before the server-wide ones, then in the order
//! they were added; the first that matches and fires wins.

pub(super) mod routes;
pub mod spec;

use std::sync::Mutex;
use std::time::Duration;

use serde_json::{Value, json};

use crate::control::pattern::{RequestPattern, Subject};
use crate::http::{ApiRequest, ApiResponse};
use crate::pipeline::Plane;

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
    pattern: RequestPattern,
    latency_ms: (u64, u64),
    action: FaultAction,
    rate: f64,
    rng: fastrand::Rng,
    remaining: Option<u64>,
    priority: u32,
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
        let parsed = spec::parse(spec)?;
        let mut registry = self.lock();
        registry.next_id += 1;
        let id = format!("fault-{}", registry.next_id);
        registry.faults.push(Fault {
            id: id.clone(),
            org_id: org_id.map(str::to_owned),
            spec: spec.clone(),
            pattern: parsed.pattern,
            latency_ms: parsed.latency_ms,
            action: parsed.action,
            rate: parsed.rate,
            rng: fastrand::Rng::with_seed(parsed.seed),
            remaining: parsed.times,
            priority: parsed.priority,
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
                    "priority": fault.priority,
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

    /// Removes every fault, of every org and server-wide (a whole-server reset).
    pub fn clear_all(&self) -> usize {
        let mut registry = self.lock();
        let removed = registry.faults.len();
        registry.faults.clear();
        removed
    }

    /// The fault that hits this request, if any: by priority, then org faults before
    /// server-wide ones, then in the order they were added.
    pub fn hit(&self, org_id: Option<&str>, request: &ApiRequest) -> Option<FaultHit> {
        let mut registry = self.lock();
        if registry.faults.is_empty() {
            return None;
        }
        let subject = Incoming(request);
        let mut order: Vec<usize> = (0..registry.faults.len()).collect();
        // A stable sort keeps the order they were added within a rank.
        order.sort_by_key(|&i| {
            let fault = &registry.faults[i];
            (fault.priority, fault.org_id.is_none())
        });
        for index in order {
            let fault = &mut registry.faults[index];
            let for_request = match &fault.org_id {
                Some(org) => org_id == Some(org.as_str()),
                None => true,
            };
            if !for_request || !fault.pattern.matches(&subject) {
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

/// A request on its way in, as a pattern sees it (no status yet).
struct Incoming<'r>(&'r ApiRequest);

impl Subject for Incoming<'_> {
    fn method(&self) -> &str {
        crate::control::journal::method_name(self.0.method)
    }
    fn path(&self) -> &str {
        &self.0.path
    }
    fn query_param(&self, name: &str) -> Option<String> {
        self.0.query_param(name).map(str::to_owned)
    }
    fn header(&self, name: &str) -> Option<String> {
        self.0.headers.get(name).map(str::to_owned)
    }
    fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.0.body).into_owned()
    }
    fn body_json(&self) -> Value {
        let form = self
            .0
            .content_type
            .as_deref()
            .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"))
            || Plane::of(self.0) == Plane::Oauth;
        crate::control::journal::body_value(&self.0.body, form)
    }
    fn status(&self) -> Option<u16> {
        None
    }
}

#[cfg(test)]
mod tests;
