//! The embedded target's mock: started in process on 127.0.0.1:0 with the built-in fixtures,
//! on a runtime of its own. The scenarios' steps reach it over HTTP (that is what they test);
//! the runner's own control-plane calls around each scenario (its org made, checked and
//! deleted) are answered in process, without HTTP: the same answers, at a fraction of the cost.

use ureq::http::StatusCode;

/// The in-process mock and the runtime it runs on; stopped when dropped.
pub(super) struct Embedded {
    runtime: tokio::runtime::Runtime,
    server: Option<portals_mock::MockServer>,
    /// The server's state, for control-plane calls in process.
    state: portals_mock::AppState,
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

impl Drop for Embedded {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            self.runtime.block_on(server.stop());
        }
    }
}
