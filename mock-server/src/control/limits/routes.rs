//! One org's API limits on the control plane.
//!
//! ```text
//! GET /__mock/orgs/{id}/limits  -> credits and concurrency, used and allowed
//! PUT /__mock/orgs/{id}/limits  {"enforce":true,"credits":100,"concurrency":2}  ("credits"/"concurrency": null restores the edition's)
//! ```

use serde::Deserialize;
use serde_json::Value;

use super::{Allowance, allowance};
use crate::control::body::{self, Body, Field};
use crate::control::error::{ControlError, Outcome};
use crate::control::orgs::require;
use crate::http::{ApiRequest, ApiResponse};
use crate::state::AppState;
use crate::store::{StoreError, orgs};

/// `GET …/limits`
pub(in crate::control) fn get(state: &AppState, org_id: &str) -> Outcome {
    require(state, org_id)?;
    limits_answer(state, org_id)
}

/// `PUT …/limits`: turn enforcement on or off, and set (or restore) the allowance.
pub(in crate::control) fn set(state: &AppState, request: &ApiRequest, org_id: &str) -> Outcome {
    require(state, org_id)?;
    let body: SetLimits = body::parse(request)?;
    if let Some(enforce) = body.enforce.get() {
        let enforce = enforce
            .as_bool()
            .ok_or_else(|| bad("\"enforce\" is true or false"))?;
        state
            .store
            .write(|tx| orgs::set_enforce_limits(tx, org_id, enforce))?;
        state.refresh_enforced_limits();
    }
    if body.credits.get().is_some() || body.concurrency.get().is_some() {
        let number = |key: &str, field: &Field| -> Result<Option<u64>, ControlError> {
            match field.get() {
                None | Some(Value::Null) => Ok(None),
                Some(value) => value
                    .as_u64()
                    .map(Some)
                    .ok_or_else(|| bad(&format!("{key:?} is a whole number or null"))),
            }
        };
        let credits = number("credits", &body.credits)?;
        let concurrency = number("concurrency", &body.concurrency)?;
        let edition = edition_allowance(state, org_id)?;
        let allowance = (credits.is_some() || concurrency.is_some()).then(|| Allowance {
            credits: credits.unwrap_or(edition.credits),
            concurrency: concurrency.map_or(edition.concurrency, |c| c as usize),
        });
        state.limits.set_override(org_id, allowance);
    }
    limits_answer(state, org_id)
}

fn edition_allowance(state: &AppState, org_id: &str) -> Result<Allowance, ControlError> {
    state
        .store
        .read(|conn| {
            let edition = orgs::get(conn, org_id)?
                .map(|o| o.edition)
                .unwrap_or_default();
            let users = orgs::user_count(conn, org_id)?;
            Ok::<_, StoreError>(allowance(&edition, u64::try_from(users).unwrap_or(0)))
        })
        .map_err(ControlError::from)
}

fn limits_answer(state: &AppState, org_id: &str) -> Outcome {
    let edition = edition_allowance(state, org_id)?;
    let enforced = state.config.enforce_limits
        || state
            .store
            .read(|conn| orgs::enforces_limits(conn, org_id))?;
    let now = state.org_now(org_id)?;
    Ok(ApiResponse::json(
        200,
        &state.limits.report(org_id, now, edition, enforced),
    ))
}

/// `PUT …/limits`'s body: any of the three keys.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetLimits {
    #[serde(default)]
    enforce: Field,
    #[serde(default)]
    credits: Field,
    #[serde(default)]
    concurrency: Field,
}

impl Body for SetLimits {
    const KEYS: &'static [&'static str] = &["enforce", "credits", "concurrency"];
    const EXPECTED: &'static str = "expected {\"enforce\", \"credits\", \"concurrency\"}";
}

fn bad(message: &str) -> ControlError {
    ControlError::BadRequest(message.to_owned())
}
