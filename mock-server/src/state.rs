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
    /// Orgs whose scheduled jobs run only when `POST /__mock/orgs/{id}/jobs/run` asks, never by
    /// the background worker (an org made with `"jobs": "manual"`).
    pub(crate) manual_jobs: Arc<std::sync::Mutex<std::collections::HashSet<String>>>,
    /// The fixtures of orgs created from an inline fixture (`POST /__mock/orgs
    /// {"fixture_json": …}`), by org id, so a reset puts such an org back. Kept in memory: after
    /// a restart on the same `--db` those orgs keep their state but cannot be reset.
    pub(crate) inline_fixtures:
        Arc<std::sync::Mutex<std::collections::HashMap<String, crate::fixtures::OrgFixture>>>,
    /// Rendered answers of `GET /crm/…` calls, served until the next write.
    pub(crate) answers: Arc<crate::api::answer_cache::AnswerCache>,
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
            manual_jobs: Arc::default(),
            inline_fixtures: Arc::default(),
            answers: Arc::new(crate::api::answer_cache::AnswerCache::new(
                config.answer_cache,
            )),
            config: Arc::new(config),
            started: std::time::Instant::now(),
        };
        state.refresh_enforced_limits();
        state
    }

    /// Whether the background worker leaves an org's jobs to `jobs/run`.
    pub fn runs_jobs_manually(&self, org_id: &str) -> bool {
        self.manual_jobs_set().contains(org_id)
    }

    /// Makes an org's jobs run only on request (or by the worker again).
    pub fn set_manual_jobs(&self, org_id: &str, manual: bool) {
        let mut set = self.manual_jobs_set();
        if manual {
            set.insert(org_id.to_owned());
        } else {
            set.remove(org_id);
        }
    }

    /// The inline fixture an org was created from.
    pub fn inline_fixture(&self, org_id: &str) -> Option<crate::fixtures::OrgFixture> {
        self.inline_fixtures_map().get(org_id).cloned()
    }

    /// Keeps the inline fixture an org was created from.
    pub fn set_inline_fixture(&self, org_id: &str, fixture: crate::fixtures::OrgFixture) {
        self.inline_fixtures_map()
            .insert(org_id.to_owned(), fixture);
    }

    /// Forgets an org's inline fixture (the org is gone).
    pub fn forget_inline_fixture(&self, org_id: &str) {
        self.inline_fixtures_map().remove(org_id);
    }

    /// Forgets every inline fixture (a whole-server reset).
    pub fn clear_inline_fixtures(&self) {
        self.inline_fixtures_map().clear();
    }

    fn inline_fixtures_map(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, crate::fixtures::OrgFixture>>
    {
        self.inline_fixtures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn manual_jobs_set(&self) -> std::sync::MutexGuard<'_, std::collections::HashSet<String>> {
        self.manual_jobs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
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
