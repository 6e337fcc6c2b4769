//! Faults on the control plane: inject, list, and remove them (one, or all), per org or
//! server-wide. The fault format is in [`crate::control::faults`].
//!
//! ```text
//! POST   /__mock/orgs/{id}/faults  {fault}   -> 201 {"fault_id":"fault-1"}
//! GET    /__mock/orgs/{id}/faults            -> 200 {"faults":[{"fault_id","org_id","fault","remaining"}]}
//! DELETE /__mock/orgs/{id}/faults/{fault_id} -> 200 {"removed":true} | 404
//! DELETE /__mock/orgs/{id}/faults            -> 200 {"removed":N}
//! ```
//! `/__mock/faults…` does the same for faults that hit every org.

use serde_json::json;

use crate::control::body;
use crate::control::error::{ControlError, Outcome};
use crate::control::orgs::require_scope;
use crate::http::{ApiRequest, ApiResponse};
use crate::state::AppState;

/// `POST …/faults`
pub(in crate::control) fn add(
    state: &AppState,
    request: &ApiRequest,
    org_id: Option<&str>,
) -> Outcome {
    require_scope(state, org_id)?;
    let spec = body::value(request)?;
    let fault_id = state
        .faults
        .add(org_id, &spec)
        .map_err(ControlError::BadFault)?;
    Ok(ApiResponse::json(201, &json!({ "fault_id": fault_id })))
}

/// `GET …/faults`
pub(in crate::control) fn list(state: &AppState, org_id: Option<&str>) -> Outcome {
    require_scope(state, org_id)?;
    Ok(ApiResponse::json(
        200,
        &json!({ "faults": state.faults.list(org_id) }),
    ))
}

/// `DELETE …/faults`
pub(in crate::control) fn clear(state: &AppState, org_id: Option<&str>) -> Outcome {
    require_scope(state, org_id)?;
    Ok(ApiResponse::json(
        200,
        &json!({ "removed": state.faults.clear(org_id) }),
    ))
}

/// `DELETE …/faults/{fault_id}`
pub(in crate::control) fn remove(
    state: &AppState,
    org_id: Option<&str>,
    fault_id: &str,
) -> Outcome {
    require_scope(state, org_id)?;
    if state.faults.remove(org_id, fault_id) {
        Ok(ApiResponse::json(200, &json!({ "removed": true })))
    } else {
        Err(ControlError::UnknownFault(fault_id.to_owned()))
    }
}
