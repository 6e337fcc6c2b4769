//! The control plane's whole-org operations: dump an org as fixture JSON, delete an org.
//!
//! ```text
//! GET    /__mock/orgs/{org_id}/state  -> 200 the org as an orgs/<name>.json fixture (pretty JSON)
//! DELETE /__mock/orgs/{org_id}        -> 200 {"org_id":…,"deleted":true}
//! ```
//! Both answer 404 `{"error":{"code":"UNKNOWN_ORG",…}}` for an org that does not exist.

use bytes::Bytes;
use serde_json::json;

use super::control::{Outcome, error, internal};
use crate::http::ApiResponse;
use crate::state::AppState;
use crate::store::{dump, orgs};

/// `GET /__mock/orgs/{org_id}/state`: the org as fixture JSON that `--fixtures` loads back,
/// pretty-printed so that it can be saved as `orgs/<name>.json` as it is.
pub fn state(state: &AppState, org_id: &str) -> Outcome {
    let fixtures = state.store.fixtures();
    let fixture = state
        .store
        .read(|conn| dump::dump_org(conn, org_id, fixtures))
        .map_err(internal)?
        .ok_or_else(|| unknown_org(org_id))?;
    let mut body = serde_json::to_vec_pretty(&fixture)
        .map_err(|e| error(500, "INTERNAL_ERROR", &format!("cannot serialise: {e}")))?;
    body.push(b'\n');
    Ok(ApiResponse {
        status: 200,
        body: Some(Bytes::from(body)),
        headers: Vec::new(),
    })
}

/// `DELETE /__mock/orgs/{org_id}`: deletes the org and everything it holds, its tokens included.
pub fn delete(state: &AppState, org_id: &str) -> Outcome {
    let deleted = state
        .store
        .write(|tx| orgs::delete(tx, org_id))
        .map_err(internal)?;
    state.refresh_enforced_limits();
    if !deleted {
        return Err(unknown_org(org_id));
    }
    Ok(ApiResponse::json(
        200,
        &json!({ "org_id": org_id, "deleted": true }),
    ))
}

fn unknown_org(org_id: &str) -> ApiResponse {
    error(404, "UNKNOWN_ORG", &format!("no org {org_id:?}"))
}
