//! [`PortalsMock`] (async) and [`BlockingPortalsMock`] (the same, without `.await`): a running
//! mock, the orgs it hands out, and the control plane's tools called in process. Both wrap one
//! [`Embedded`], whose methods do the work.

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use serde_json::{Value, json};

use super::control::control_in_process;
use super::running::Running;
use super::types::{Fault, MockOrg, ReceivedRequest};
use crate::clock::Clock;
use crate::config::Config;
use crate::fixtures::FixtureSet;
use crate::state::AppState;
use crate::store::Store;

/// A running mock for async tests: built-in fixtures, in memory, on 127.0.0.1 at a free port.
/// Dropping it stops the server (and waits until it has stopped).
///
/// # Panics
///
/// Its methods are test tools: a mistake (an unknown fixture, a bad timestamp, a fault the
/// control plane refuses) panics with the control plane's message, as a failed assertion would.
pub struct PortalsMock {
    embedded: Embedded,
}

/// A running mock for synchronous tests: [`PortalsMock`]'s methods without `.await`.
pub struct BlockingPortalsMock {
    embedded: Embedded,
}

/// Where a mock listens and its state: the same on the async and the blocking mock.
macro_rules! where_and_state {
    ($mock:ty) => {
        impl $mock {
            /// `http://127.0.0.1:PORT`
            pub fn base_url(&self) -> String {
                self.embedded.base_url()
            }

            /// The address it listens on.
            pub fn addr(&self) -> SocketAddr {
                self.embedded.running.addr()
            }

            /// The server's state, for what these methods do not cover.
            pub fn state(&self) -> &AppState {
                &self.embedded.state
            }
        }
    };
}

where_and_state!(PortalsMock);
where_and_state!(BlockingPortalsMock);

impl PortalsMock {
    /// Starts a mock with the built-in fixtures, in memory, a real clock and default settings.
    pub async fn start() -> PortalsMock {
        PortalsMock::start_with(default_state()).await
    }

    /// Starts a mock on a state of your own (other fixtures, a fixed clock, other settings).
    pub async fn start_with(state: AppState) -> PortalsMock {
        PortalsMock {
            embedded: Embedded::start(state),
        }
    }

    /// Starts a mock for a synchronous test: [`BlockingPortalsMock`].
    pub fn start_blocking() -> BlockingPortalsMock {
        BlockingPortalsMock::start_with(default_state())
    }

    /// A fresh, isolated org made from a fixture (`zylker`, `blank`, `trial`, `crowded` with the
    /// built-in fixtures), with its own admin token and OAuth refresh token.
    pub async fn org(&self, fixture: &str) -> MockOrg {
        self.embedded.org(fixture)
    }

    /// Every `/crm/` and `/oauth/` request the org received, oldest first, with its answer.
    pub async fn received_requests(&self, org: &MockOrg) -> Vec<ReceivedRequest> {
        self.embedded.received_requests(org)
    }

    /// Injects a fault into the org's requests; its id.
    pub async fn fault(&self, org: &MockOrg, fault: Fault) -> String {
        self.embedded.fault(org, &fault)
    }

    /// Removes every fault of the org.
    pub async fn clear_faults(&self, org: &MockOrg) {
        self.embedded.clear_faults(org);
    }

    /// Fixes the org's clock at an RFC 3339 instant (`2023-02-07T20:13:20+05:30`).
    pub async fn set_clock(&self, org: &MockOrg, now: &str) {
        self.embedded.set_clock(org, now);
    }

    /// Moves the org's clock on (token expiry after an hour, invitations after 7 days, …).
    pub async fn advance_clock(&self, org: &MockOrg, by: Duration) {
        self.embedded.advance_clock(org, by);
    }

    /// Runs the org's scheduled jobs (bulk invites, large transfers and deletes) now.
    pub async fn run_jobs(&self, org: &MockOrg) {
        self.embedded.run_jobs(org);
    }
}

impl BlockingPortalsMock {
    /// Starts a mock on a state of your own.
    pub fn start_with(state: AppState) -> BlockingPortalsMock {
        BlockingPortalsMock {
            embedded: Embedded::start(state),
        }
    }

    /// [`PortalsMock::org`]
    pub fn org(&self, fixture: &str) -> MockOrg {
        self.embedded.org(fixture)
    }

    /// [`PortalsMock::received_requests`]
    pub fn received_requests(&self, org: &MockOrg) -> Vec<ReceivedRequest> {
        self.embedded.received_requests(org)
    }

    /// [`PortalsMock::fault`]
    pub fn fault(&self, org: &MockOrg, fault: Fault) -> String {
        self.embedded.fault(org, &fault)
    }

    /// [`PortalsMock::clear_faults`]
    pub fn clear_faults(&self, org: &MockOrg) {
        self.embedded.clear_faults(org);
    }

    /// [`PortalsMock::set_clock`]
    pub fn set_clock(&self, org: &MockOrg, now: &str) {
        self.embedded.set_clock(org, now);
    }

    /// [`PortalsMock::advance_clock`]
    pub fn advance_clock(&self, org: &MockOrg, by: Duration) {
        self.embedded.advance_clock(org, by);
    }

    /// [`PortalsMock::run_jobs`]
    pub fn run_jobs(&self, org: &MockOrg) {
        self.embedded.run_jobs(org);
    }
}

/// The built-in fixtures in memory, a real clock, default settings.
fn default_state() -> AppState {
    let fixtures = FixtureSet::embedded().expect("the built-in fixtures load");
    let store = Store::open_in_memory(fixtures).expect("an in-memory store opens");
    AppState::new(store, Clock::real(), Config::default())
}

/// The server and its state; the control plane's tools, called in process.
struct Embedded {
    state: AppState,
    running: Running,
}

impl Embedded {
    fn start(state: AppState) -> Embedded {
        let running = Running::start(state.clone())
            .unwrap_or_else(|error| panic!("cannot start the embedded portals-mock: {error}"));
        Embedded { state, running }
    }

    fn base_url(&self) -> String {
        format!("http://{}", self.running.addr())
    }

    fn org(&self, fixture: &str) -> MockOrg {
        let answer = self.control("POST", "/__mock/orgs", json!({ "fixture": fixture }));
        MockOrg::from_answer(&answer, &self.base_url())
    }

    fn received_requests(&self, org: &MockOrg) -> Vec<ReceivedRequest> {
        self.state
            .journal
            .select(Some(&org.id), |_| true)
            .iter()
            .map(ReceivedRequest::from)
            .collect()
    }

    fn fault(&self, org: &MockOrg, fault: &Fault) -> String {
        let path = format!("/__mock/orgs/{}/faults", org.id);
        let answer = self.control("POST", &path, fault.to_json());
        answer["fault_id"].as_str().unwrap_or_default().to_owned()
    }

    fn clear_faults(&self, org: &MockOrg) {
        let path = format!("/__mock/orgs/{}/faults", org.id);
        self.control("DELETE", &path, Value::Null);
    }

    fn set_clock(&self, org: &MockOrg, now: &str) {
        let path = format!("/__mock/orgs/{}/clock", org.id);
        self.control("PUT", &path, json!({ "now": now }));
    }

    fn advance_clock(&self, org: &MockOrg, by: Duration) {
        let path = format!("/__mock/orgs/{}/clock/advance", org.id);
        let seconds = i64::try_from(by.as_secs()).unwrap_or(i64::MAX);
        self.control("POST", &path, json!({ "seconds": seconds }));
    }

    fn run_jobs(&self, org: &MockOrg) {
        let path = format!("/__mock/orgs/{}/jobs/run", org.id);
        self.control("POST", &path, Value::Null);
    }

    /// Answers a control-plane request in process ([`control_in_process`]); the JSON answer, or a panic
    /// with the error.
    fn control(&self, method: &str, path: &str, body: Value) -> Value {
        let body = match body {
            Value::Null => Bytes::new(),
            body => Bytes::from(body.to_string()),
        };
        let response = control_in_process(&self.state, method, path, body);
        let answer = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
        assert!(
            (200..300).contains(&response.status),
            "portals-mock: {method} {path} answered {}: {answer}",
            response.status
        );
        answer
    }
}
