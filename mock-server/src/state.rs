//! `AppState`: the one cheap-to-clone handle every request gets.

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::Config;
use crate::store::Store;

/// Shared server state.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Arc<Store>,
    /// Where "now" comes from.
    pub clock: Arc<Clock>,
    /// Settings.
    pub config: Arc<Config>,
}

impl AppState {
    /// Bundles a store, a clock and settings.
    pub fn new(store: Store, clock: Clock, config: Config) -> AppState {
        AppState {
            store: Arc::new(store),
            clock: Arc::new(clock),
            config: Arc::new(config),
        }
    }
}
