//! One org's API limits on the control plane.
//!
//! ```text
//! GET /__mock/orgs/{id}/limits  -> credits and concurrency, used and allowed
//! PUT /__mock/orgs/{id}/limits  {"enforce":true,"credits":100,"concurrency":2}  ("credits"/"concurrency": null restores the edition's)
//! ```

use serde_json::Value;

use super::{Allowance, allowance};
use crate::control::reply::{Outcome, error, internal, json_body, require_org};
use crate::http::{ApiRequest, ApiResponse};
use crate::state::AppState;
use crate::store::{StoreError, orgs};

/// `GET …/limits`
pub(in crate::control) fn get(state: &AppState, org_id: &str) -> Outcome {
    require_org(state, org_id)?;
    limits_answer(state, org_id)
}

/// `PUT …/limits`: turn enforcement on or off, and set (or restore) the allowance.
pub(in crate::control) fn set(state: &AppState, request: &ApiRequest, org_id: &str) -> Outcome {
    require_org(state, org_id)?;
    let body = json_body(request)?;
    let object = body
        .as_object()
        .ok_or_else(|| bad("expected {\"enforce\", \"credits\", \"concurrency\"}"))?;
    if let Some(key) = object
        .keys()
        .find(|k| !["enforce", "credits", "concurrency"].contains(&k.as_str()))
    {
        return Err(bad(&format!(
            "unknown key {key:?} (known: enforce, credits, concurrency)"
        )));
    }
    if let Some(enforce) = object.get("enforce") {
        let enforce = enforce
            .as_bool()
            .ok_or_else(|| bad("\"enforce\" is true or false"))?;
        state
            .store
            .write(|tx| orgs::set_enforce_limits(tx, org_id, enforce))
            .map_err(internal)?;
        state.refresh_enforced_limits();
    }
    if object.contains_key("credits") || object.contains_key("concurrency") {
        let number = |key: &str| -> Result<Option<u64>, ApiResponse> {
            match object.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(value) => value
                    .as_u64()
                    .map(Some)
                    .ok_or_else(|| bad(&format!("{key:?} is a whole number or null"))),
            }
        };
        let (credits, concurrency) = (number("credits")?, number("concurrency")?);
        let edition = edition_allowance(state, org_id)?;
        let allowance = (credits.is_some() || concurrency.is_some()).then(|| Allowance {
            credits: credits.unwrap_or(edition.credits),
            concurrency: concurrency.map_or(edition.concurrency, |c| c as usize),
        });
        state.limits.set_override(org_id, allowance);
    }
    limits_answer(state, org_id)
}

fn edition_allowance(state: &AppState, org_id: &str) -> Result<Allowance, ApiResponse> {
    state
        .store
        .read(|conn| {
            let edition = orgs::get(conn, org_id)?
                .map(|o| o.edition)
                .unwrap_or_default();
            let users = orgs::user_count(conn, org_id)?;
            Ok::<_, StoreError>(allowance(&edition, u64::try_from(users).unwrap_or(0)))
        })
        .map_err(internal)
}

fn limits_answer(state: &AppState, org_id: &str) -> Outcome {
    let edition = edition_allowance(state, org_id)?;
    let enforced = state.config.enforce_limits
        || state
            .store
            .read(|conn| orgs::enforces_limits(conn, org_id))
            .map_err(internal)?;
    let now = state.org_now(org_id).map_err(internal)?;
    Ok(ApiResponse::json(
        200,
        &state.limits.report(org_id, now, edition, enforced),
    ))
}

fn bad(message: &str) -> ApiResponse {
    error(400, "BAD_REQUEST", message)
}
