//! Many orgs at once: delete every org created at run time, or put the whole server back as it
//! started from its fixtures.
//!
//! ```text
//! DELETE /__mock/orgs?created=true -> 200 {"deleted":["blank-1",…]}
//! POST   /__mock/reset             -> 200 {"reset":true,"orgs":["blank","crowded",…],"deleted":["blank-1",…]}
//! ```
//! An org created at run time is one whose id is not its fixture's name (`POST /__mock/orgs`);
//! the orgs seeded at start-up are named after their fixture. The server reset deletes every
//! org, seeds every fixture org again with its tokens (run-time tokens and snapshots go), and
//! clears the journal, every fault, the limits' usage and overrides, and the orgs' job modes,
//! as a fresh start on the same fixtures would (the server's `--clock` stays).

use serde_json::json;

use super::error::{ControlError, Outcome};
use super::orgs::forget;
use crate::http::{ApiRequest, ApiResponse};
use crate::state::AppState;
use crate::store::{StoreError, orgs, seed};

/// `DELETE /__mock/orgs?created=true`
pub(super) fn delete_created(state: &AppState, request: &ApiRequest) -> Outcome {
    match request.query_param("created") {
        Some("true") => {}
        _ => {
            return Err(ControlError::BadRequest(
                "DELETE /__mock/orgs deletes every org created at run time: say so with ?created=true (one org: DELETE /__mock/orgs/{id})"
                    .into(),
            ));
        }
    }
    let deleted = state.store.write(|tx| {
        let created: Vec<String> = orgs::list(tx)?
            .into_iter()
            .filter(|(org_id, fixture)| org_id != fixture)
            .map(|(org_id, _)| org_id)
            .collect();
        for org_id in &created {
            orgs::delete(tx, org_id)?;
        }
        Ok::<_, StoreError>(created)
    })?;
    state.refresh_enforced_limits();
    for org_id in &deleted {
        forget(state, org_id);
    }
    Ok(ApiResponse::json(200, &json!({ "deleted": deleted })))
}

/// `POST /__mock/reset`
pub(super) fn reset_server(state: &AppState) -> Outcome {
    let fixtures = state.store.fixtures();
    let (deleted, seeded) = state.store.write(|tx| {
        let all = orgs::list(tx)?;
        for (org_id, _) in &all {
            orgs::delete(tx, org_id)?;
        }
        let mut seeded = Vec::new();
        for (name, fixture) in fixtures.orgs() {
            seed::seed_org(tx, name, name, fixture, seed::Tokens::FromFixture)?;
            seeded.push(name.to_owned());
        }
        let deleted: Vec<String> = all
            .into_iter()
            .map(|(org_id, _)| org_id)
            .filter(|org_id| !seeded.contains(org_id))
            .collect();
        Ok::<_, StoreError>((deleted, seeded))
    })?;
    for org_id in deleted.iter().chain(&seeded) {
        forget(state, org_id);
    }
    state.faults.clear_all();
    state.journal.clear(None);
    state.clear_inline_fixtures();
    state.refresh_enforced_limits();
    Ok(ApiResponse::json(
        200,
        &json!({ "reset": true, "orgs": seeded, "deleted": deleted }),
    ))
}
