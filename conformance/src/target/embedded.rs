//! The embedded target's mock: started in process on 127.0.0.1:0 with the built-in fixtures,
//! on a runtime of its own. The scenarios' steps reach it over HTTP (that is what they test);
//! the runner's own control-plane calls around each scenario (its org made, checked and
//! deleted) are answered in process, without HTTP: the same answers, at a fraction of the cost.
//!
//! An org is not deleted after its scenario when it can be handed to the next one as a new
//! copy of its fixture would be: left as the scenario found it (its image in the store
//! unchanged: no row added, removed or changed, its tokens and jobs included), or put back so
//! (the tables the scenario changed, and those under them, copied anew from the fixture, and
//! the org's rows then compared with those it was handed out with). Its activity (journal,
//! credits, faults) is forgotten and it waits, a spare, for the next scenario on its fixture
//! (only the scenario that gave it back knew its id and tokens; the org of a scenario that
//! failed, which a step that timed out may still change, is deleted). Two thirds of the
//! suite's scenarios change nothing (they read, or are refused) and need neither a copy of
//! their fixture nor a check of the org's invariants; most others change a few rows.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use portals_mock::OrgImage;
use serde_json::Value;
use ureq::http::StatusCode;

/// The in-process mock and the runtime it runs on; stopped when dropped.
pub(super) struct Embedded {
    runtime: tokio::runtime::Runtime,
    server: Option<portals_mock::MockServer>,
    /// The server's state, for control-plane calls in process.
    state: portals_mock::AppState,
    /// The orgs handed out and the spares.
    orgs: Mutex<Orgs>,
}

/// The orgs made for scenarios.
#[derive(Default)]
struct Orgs {
    /// By org id, the orgs a running scenario holds.
    lent: HashMap<String, Lent>,
    /// By fixture, orgs given back as they were handed out, for the next scenario.
    spare: HashMap<String, Vec<Spare>>,
}

/// An org a scenario holds.
struct Lent {
    org: Spare,
    /// Its image once the scenario ended, when asked.
    after: Option<OrgImage>,
}

/// An org as it was handed out.
struct Spare {
    fixture: String,
    org_id: String,
    /// What `POST /__mock/orgs` answered when it was made (its token and credentials).
    answer: String,
    /// Its image when it was handed out (as made, given back or put back).
    image: OrgImage,
}

impl Embedded {
    /// Starts the mock with the built-in fixtures. The background job worker is off: scenarios
    /// run jobs through the control plane.
    pub(super) fn start() -> Result<Embedded, String> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start a runtime: {e}"))?;
        let fixtures = portals_mock::FixtureSet::embedded()?;
        let store = portals_mock::Store::open_in_memory(fixtures).map_err(|e| e.to_string())?;
        let config = portals_mock::Config {
            job_interval: None,
            ..portals_mock::Config::default()
        };
        let state = portals_mock::AppState::new(store, portals_mock::Clock::real(), config);
        let server = runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .map_err(|e| format!("cannot bind 127.0.0.1:0: {e}"))?;
            portals_mock::MockServer::start(listener, state.clone()).map_err(|e| e.to_string())
        })?;
        Ok(Embedded {
            runtime,
            server: Some(server),
            state,
            orgs: Mutex::default(),
        })
    }

    /// `http://127.0.0.1:PORT`
    pub(super) fn base_url(&self) -> String {
        self.server
            .as_ref()
            .map(portals_mock::MockServer::base_url)
            .unwrap_or_default()
    }

    /// A control-plane request answered in process: its status and body text.
    pub(super) fn control(&self, method: &str, path: &str, body: String) -> (StatusCode, String) {
        let answer = portals_mock::control_in_process(&self.state, method, path, body);
        let status =
            StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, String::from_utf8_lossy(&answer.body).into_owned())
    }
}

impl Embedded {
    /// An org of `fixture` for a scenario, and what `POST /__mock/orgs` answered when it was
    /// made: a spare, else a new one (`order`: the creation request's body).
    pub(super) fn lend_org(&self, fixture: &str, order: String) -> (StatusCode, String) {
        let spare = self.lock().spare.get_mut(fixture).and_then(Vec::pop);
        if let Some(spare) = spare {
            return self.lend(spare);
        }
        let (status, answer) = self.control("POST", "/__mock/orgs", order);
        let made: Option<Value> = serde_json::from_str(&answer).ok();
        let org_id = made.as_ref().and_then(|made| made["org_id"].as_str());
        let (true, Some(org_id)) = (status.is_success(), org_id) else {
            return (status, answer);
        };
        match portals_mock::org_image(&self.state, org_id) {
            Ok(image) => self.lend(Spare {
                fixture: fixture.to_owned(),
                org_id: org_id.to_owned(),
                answer,
                image,
            }),
            Err(error) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!(
                    "{{\"error\":{:?}}}",
                    format!("cannot read org {org_id}: {error}")
                ),
            ),
        }
    }

    fn lend(&self, org: Spare) -> (StatusCode, String) {
        let answer = org.answer.clone();
        let lent = Lent { org, after: None };
        self.lock().lent.insert(lent.org.org_id.clone(), lent);
        (StatusCode::CREATED, answer)
    }

    /// Whether the scenario holding org `org_id` left it as it was handed out (and so sound
    /// as a new copy of its fixture is); `false` for an org not lent.
    pub(super) fn unchanged(&self, org_id: &str) -> bool {
        let after = self.image_after(org_id);
        let orgs = self.lock();
        let lent = orgs.lent.get(org_id);
        lent.zip(after)
            .is_some_and(|(lent, after)| after == lent.org.image)
    }

    /// The image of lent org `org_id` now, kept as its image after the scenario.
    fn image_after(&self, org_id: &str) -> Option<OrgImage> {
        let handed_out = {
            let orgs = self.lock();
            let lent = orgs.lent.get(org_id)?;
            if let Some(after) = &lent.after {
                return Some(after.clone());
            }
            lent.org.image.clone()
        };
        // Only the tables written since it was handed out are read again.
        let after = portals_mock::org_image_since(&self.state, org_id, &handed_out).ok()?;
        self.lock().lent.get_mut(org_id)?.after = Some(after.clone());
        Some(after)
    }

    /// Ends a scenario's hold on org `org_id`. When `reusable` (the scenario passed), and
    /// unchanged or put back as it was (only the tables the scenario changed copied anew from
    /// its fixture), it forgets its activity and becomes a spare (`None`); else it is deleted:
    /// the control plane's status.
    pub(super) fn give_back(&self, org_id: &str, reusable: bool) -> Option<StatusCode> {
        let after = if reusable {
            self.image_after(org_id)
        } else {
            None
        };
        let lent = self.lock().lent.remove(org_id);
        let (Some(mut lent), Some(after)) = (lent, after) else {
            return Some(self.delete_org(org_id));
        };
        if after != lent.org.image {
            let restored = portals_mock::restore_org(
                &self.state,
                org_id,
                &lent.org.fixture,
                &lent.org.image,
                &after,
            );
            match restored {
                Ok(Some(image)) => lent.org.image = image,
                _ => return Some(self.delete_org(org_id)),
            }
        } else {
            // The same rows, read later: the next image reads only what is written after it.
            lent.org.image = after;
        }
        portals_mock::forget_org_activity(&self.state, org_id);
        let fixture = lent.org.fixture.clone();
        self.lock().spare.entry(fixture).or_default().push(lent.org);
        None
    }

    fn delete_org(&self, org_id: &str) -> StatusCode {
        self.control("DELETE", &format!("/__mock/orgs/{org_id}"), String::new())
            .0
    }

    fn lock(&self) -> MutexGuard<'_, Orgs> {
        self.orgs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drop for Embedded {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            self.runtime.block_on(server.stop());
        }
    }
}
