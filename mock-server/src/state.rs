//! `AppState`: the one cheap-to-clone handle every request gets.

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::Config;
use crate::control::faults::Faults;
use crate::control::journal::Journal;
use crate::control::limits::Limits;
use crate::store::Store;

/// Shared server state.
#[derive(Clone)]
pub struct AppState {
    pub(crate) store: Arc<Store>,
    /// Where "now" comes from.
    pub(crate) clock: Arc<Clock>,
    pub(crate) config: Arc<Config>,
    /// What was asked and answered.
    pub(crate) journal: Arc<Journal>,
    /// Faults injected through the control plane.
    pub(crate) faults: Arc<Faults>,
    /// API credit and concurrency accounting.
    pub(crate) limits: Arc<Limits>,
    /// When the state was made: the uptime `GET /__mock/health` answers.
    pub(crate) started: std::time::Instant,
}

impl AppState {
    /// Now in the org's clock (Unix seconds): the server's clock, or the instant the control
    /// plane fixed for the org, plus the org's shift. An unknown org follows the server's clock.
    pub fn org_now(&self, org_id: &str) -> Result<i64, crate::store::StoreError> {
        let server_now = self.clock.now();
        let setting = self
            .store
            .read(|conn| crate::store::orgs::clock(conn, org_id))?;
        Ok(crate::clock::org_time(server_now, setting))
    }

    /// Bundles a store, a clock and settings.
    pub fn new(store: Store, clock: Clock, config: Config) -> AppState {
        let state = AppState {
            store: Arc::new(store),
            clock: Arc::new(clock),
            journal: Arc::new(Journal::new(config.journal_size)),
            faults: Arc::new(Faults::default()),
            limits: Arc::new(Limits::default()),
            config: Arc::new(config),
            started: std::time::Instant::now(),
        };
        state.refresh_enforced_limits();
        state
    }

    /// Copies the store's per-org `enforce_limits` flags into `Limits`; call after anything
    /// that may change them (a new org, a reset, a restored snapshot, a deleted org).
    pub fn refresh_enforced_limits(&self) {
        match self.store.read(crate::store::orgs::enforcing) {
            Ok(ids) => self.limits.set_enforced(ids),
            Err(error) => tracing::error!(%error, "cannot read which orgs enforce limits"),
        }
    }
}
