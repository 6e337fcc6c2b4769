//! `GET /__mock/health`: is the mock up, which version, since when, with how many orgs. Served
//! to every client whatever the control plane's mode (see [`super::admission`]): it reveals
//! nothing about an org but how many there are.
//!
//! ```text
//! GET /__mock/health -> 200 {"status":"ok","version":"0.1.0","uptime_seconds":12,"orgs":4}
//! ```

use serde_json::json;

use super::error::Outcome;
use crate::http::ApiResponse;
use crate::state::AppState;
use crate::store::orgs;

/// The package version the health answer names.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// `GET /__mock/health`
pub(super) fn health(state: &AppState) -> Outcome {
    let orgs = state.store.read(orgs::list)?.len();
    Ok(ApiResponse::json(
        200,
        &json!({
            "status": "ok",
            "version": VERSION,
            "uptime_seconds": state.started.elapsed().as_secs(),
            "orgs": orgs,
        }),
    ))
}
