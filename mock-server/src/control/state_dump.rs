//! An org's whole state on the control plane, as fixture JSON.
//!
//! ```text
//! GET /__mock/orgs/{org_id}/state  -> 200 the org as an orgs/<name>.json fixture (pretty JSON)
//! ```
//! It answers 404 `{"error":{"code":"UNKNOWN_ORG",…}}` for an org that does not exist.

use bytes::Bytes;

use super::error::{ControlError, Outcome};
use crate::http::ApiResponse;
use crate::state::AppState;
use crate::store::dump;

/// `GET /__mock/orgs/{org_id}/state`: the org as fixture JSON that `--fixtures` loads back,
/// pretty-printed so that it can be saved as `orgs/<name>.json` as it is.
pub(super) fn state(state: &AppState, org_id: &str) -> Outcome {
    let fixtures = state.store.fixtures();
    let fixture = state
        .store
        .read(|conn| dump::dump_org(conn, org_id, fixtures))?
        .ok_or_else(|| ControlError::UnknownOrg(org_id.to_owned()))?;
    let mut body = serde_json::to_vec_pretty(&fixture)
        .map_err(|e| ControlError::Internal(format!("cannot serialise: {e}")))?;
    body.push(b'\n');
    Ok(ApiResponse {
        status: 200,
        body: Some(Bytes::from(body)),
        headers: Vec::new(),
    })
}
