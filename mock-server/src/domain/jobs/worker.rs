//! The job worker: a background task of the main listener that runs scheduled jobs on a timer.

use std::time::Duration;

use crate::state::AppState;

/// Runs scheduled jobs every `every`, off the async workers (a large job holds the store).
pub async fn run(state: AppState, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticker.tick().await;
    loop {
        ticker.tick().await;
        let state = state.clone();
        match tokio::task::spawn_blocking(move || super::run_pending(&state, None)).await {
            Ok(Ok(0)) => {}
            Ok(Ok(ran)) => tracing::debug!(ran, "ran scheduled jobs"),
            Ok(Err(error)) => tracing::error!(%error, "running scheduled jobs failed"),
            Err(error) => tracing::error!(%error, "the job worker panicked"),
        }
    }
}
