//! One org's environment on the control plane: production, or a sandbox (where the Portals API
//! answers `SANDBOX_NOT_SUPPORTED`).
//!
//! ```text
//! GET /__mock/orgs/{id}/environment  -> {"org_id","environment","server_wide"}
//! PUT /__mock/orgs/{id}/environment  {"environment":"sandbox"|"production"}
//! ```

use serde_json::{Value, json};

use super::reply::{Outcome, error, internal, json_body, require_org};
use crate::http::{ApiRequest, ApiResponse};
use crate::state::AppState;
use crate::store::orgs;

/// `GET …/environment`
pub(super) fn get(state: &AppState, org_id: &str) -> Outcome {
    require_org(state, org_id)?;
    environment_answer(state, org_id)
}

/// `PUT …/environment`
pub(super) fn set(state: &AppState, request: &ApiRequest, org_id: &str) -> Outcome {
    require_org(state, org_id)?;
    let body = json_body(request)?;
    let sandbox = match body.get("environment").and_then(Value::as_str) {
        Some("sandbox") => true,
        Some("production") => false,
        _ => {
            return Err(bad(
                "expected {\"environment\": \"sandbox\"} or {\"environment\": \"production\"}",
            ));
        }
    };
    state
        .store
        .write(|tx| orgs::set_sandbox(tx, org_id, sandbox))
        .map_err(internal)?;
    environment_answer(state, org_id)
}

fn environment_answer(state: &AppState, org_id: &str) -> Outcome {
    let org = state
        .store
        .read(|conn| orgs::get(conn, org_id))
        .map_err(internal)?
        .ok_or_else(|| error(404, "UNKNOWN_ORG", &format!("no org {org_id:?}")))?;
    let environment = if org.sandbox || state.config.sandbox {
        "sandbox"
    } else {
        "production"
    };
    Ok(ApiResponse::json(
        200,
        &json!({ "org_id": org_id, "environment": environment, "server_wide": state.config.sandbox }),
    ))
}

fn bad(message: &str) -> ApiResponse {
    error(400, "BAD_REQUEST", message)
}
