//! One org's environment on the control plane: production, or a sandbox (where the Portals API
//! answers `SANDBOX_NOT_SUPPORTED`).
//!
//! ```text
//! GET /__mock/orgs/{id}/environment  -> {"org_id","environment","server_wide"}
//! PUT /__mock/orgs/{id}/environment  {"environment":"sandbox"|"production"}
//! ```
//! Under `--environment sandbox` every org is a sandbox: switching one to production is refused
//! (409 `ENVIRONMENT_LOCKED`, with the reason) rather than answered 200 with nothing changed.

use serde_json::{Value, json};

use serde::Deserialize;

use super::body::{self, Body, Field};
use super::error::{ControlError, Outcome};
use super::orgs::require;
use crate::http::{ApiRequest, ApiResponse};
use crate::state::AppState;
use crate::store::orgs;

/// `GET …/environment`
pub(super) fn get(state: &AppState, org_id: &str) -> Outcome {
    require(state, org_id)?;
    environment_answer(state, org_id)
}

/// `PUT …/environment`
pub(super) fn set(state: &AppState, request: &ApiRequest, org_id: &str) -> Outcome {
    require(state, org_id)?;
    let body: SetEnvironment = body::parse(request)?;
    let sandbox = match body.environment.get().and_then(Value::as_str) {
        Some("sandbox") => true,
        Some("production") => false,
        _ => {
            return Err(ControlError::BadRequest(
                SetEnvironment::EXPECTED.to_owned(),
            ));
        }
    };
    if !sandbox && state.config.sandbox {
        return Err(ControlError::EnvironmentLocked(org_id.to_owned()));
    }
    state
        .store
        .write(|tx| orgs::set_sandbox(tx, org_id, sandbox))?;
    environment_answer(state, org_id)
}

fn environment_answer(state: &AppState, org_id: &str) -> Outcome {
    let org = state
        .store
        .read(|conn| orgs::get(conn, org_id))?
        .ok_or_else(|| ControlError::UnknownOrg(org_id.to_owned()))?;
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

/// `PUT …/environment`'s body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetEnvironment {
    #[serde(default)]
    environment: Field,
}

impl Body for SetEnvironment {
    const KEYS: &'static [&'static str] = &["environment"];
    const EXPECTED: &'static str =
        "expected {\"environment\": \"sandbox\"} or {\"environment\": \"production\"}";
}
