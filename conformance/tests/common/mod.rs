//! What the runner's process-level tests share (each test binary includes it with `mod common;`
//! and uses a part of it): a portals-mock on 127.0.0.1 port 0, stopped by its handle when the
//! test drops it, and the control-plane calls those tests make on it.

#![allow(dead_code)]

use portals_mock::{AppState, Clock, Config, FixtureSet, MockServer, Store};
use serde_json::Value;

/// A mock in this process, with the runtime it runs on; stopped when dropped.
pub struct Mock {
    runtime: tokio::runtime::Runtime,
    server: Option<MockServer>,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl Mock {
    /// A mock with the built-in fixtures, in memory, with `config`.
    pub fn start(config: Config) -> Mock {
        Mock::start_on(
            Store::open_in_memory(FixtureSet::embedded().unwrap()).unwrap(),
            config,
        )
    }

    /// A mock on `store` with `config`.
    pub fn start_on(store: Store, config: Config) -> Mock {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let server = runtime.block_on(async {
            let state = AppState::new(store, Clock::real(), config);
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            MockServer::start(listener, state).unwrap()
        });
        let base = server.base_url();
        Mock {
            runtime,
            server: Some(server),
            base,
        }
    }

    /// Injects a server-wide fault (`POST /__mock/faults`).
    pub fn inject_fault(&self, fault: &str) {
        let answer = agent()
            .post(format!("{}/__mock/faults", self.base))
            .send(fault)
            .unwrap();
        assert_eq!(answer.status(), 201);
    }

    /// Removes every server-wide fault.
    pub fn clear_faults(&self) {
        agent()
            .delete(format!("{}/__mock/faults", self.base))
            .call()
            .unwrap();
    }

    /// The ids of the orgs it holds, sorted.
    pub fn orgs(&self) -> Vec<String> {
        let text = agent()
            .get(format!("{}/__mock/orgs", self.base))
            .call()
            .unwrap()
            .body_mut()
            .read_to_string()
            .unwrap();
        let body: Value = serde_json::from_str(&text).unwrap();
        let mut orgs: Vec<String> = body["orgs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|org| org["org_id"].as_str().unwrap().to_owned())
            .collect();
        orgs.sort();
        orgs
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            self.runtime.block_on(server.stop());
        }
    }
}

/// An agent that answers every status.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}
