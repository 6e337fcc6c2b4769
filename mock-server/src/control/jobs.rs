//! Jobs on the control plane: list an org's jobs with their results, run the pending ones now.
//!
//! ```text
//! GET  /__mock/orgs/{id}/jobs      -> 200 {"jobs":[{…,"kind":"invite"},…]}
//! POST /__mock/orgs/{id}/jobs/run  -> 200 {"org_id","jobs_run":N}
//! ```

use serde_json::{Value, json};

use super::error::Outcome;
use super::orgs::require;
use crate::domain::jobs as runner;
use crate::http::ApiResponse;
use crate::state::AppState;
use crate::store::{StoreError, jobs};
use crate::version::ApiVersion;

/// `GET …/jobs`
pub(super) fn list(state: &AppState, org_id: &str) -> Outcome {
    require(state, org_id)?;
    let rows = state.store.read(|conn| {
        let mut all = Vec::new();
        for kind in ["invite", "change_status", "transfer", "delete"] {
            all.extend(jobs::list(conn, org_id, kind, None)?);
        }
        Ok::<_, StoreError>(all)
    })?;
    let rendered: Vec<Value> = rows
        .iter()
        .map(|job| {
            // The control plane shows a pending job's `data` as `null`, as v4–v7 do.
            let mut item = runner::render(job, ApiVersion::V4);
            if let Some(object) = item.as_object_mut() {
                object.insert("kind".into(), Value::String(job.kind.clone()));
            }
            item
        })
        .collect();
    Ok(ApiResponse::json(200, &json!({ "jobs": rendered })))
}

/// `POST …/jobs/run`
pub(super) fn run(state: &AppState, org_id: &str) -> Outcome {
    require(state, org_id)?;
    let ran = runner::run_pending(state, Some(org_id))?;
    Ok(ApiResponse::json(
        200,
        &json!({ "org_id": org_id, "jobs_run": ran }),
    ))
}
