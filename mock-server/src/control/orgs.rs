//! Orgs on the control plane: create isolated orgs from fixtures, list them, reset one, delete
//! one, check its invariants.
//!
//! ```text
//! GET  /__mock/orgs                        -> 200 {"orgs":[{"org_id":"zylker","fixture":"zylker"},…]}
//! POST /__mock/orgs  {"fixture":"blank"} | {"fixture_json":{…}}, optionally "org_id":"my-org"
//!                                          -> 201 (`"jobs":"manual"`: its jobs run only on
//!                                              `POST …/jobs/run`, never by the worker) {"org_id":"blank-1","access_token":"1000.…",
//!                                              "client_id":"1000.MOCKCLIENT","client_secret":"…",
//!                                              "redirect_uri":"…","refresh_token":"1000.…"}
//! POST /__mock/orgs/{org_id}/reset          -> 200 {"org_id":…,"fixture":…,"reset":true}
//! DELETE /__mock/orgs/{org_id}              -> 200 {"org_id":…,"deleted":true}
//! GET  /__mock/orgs/{org_id}/check          -> 200 {"org_id","ok":true,"violations":[]} | 409
//! ```

use std::borrow::Cow;

use serde_json::{Value, json};

use serde::Deserialize;

use super::body::{self, Body, Field};
use super::error::{ControlError, Outcome};
use crate::api::oauth::new_token;
use crate::http::{ApiRequest, ApiResponse};
use crate::state::AppState;
use crate::store::{StoreError, invariants, orgs, seed, tokens};

/// The scopes of the admin token a created org answers with.
pub const ADMIN_SCOPES: [&str; 5] = [
    "ZohoCRM.settings.clientportal.ALL",
    "ZohoCRM.modules.ALL",
    "ZohoCRM.users.READ",
    "ZohoCRM.org.READ",
    "ZohoCRM.settings.fields.READ",
];

pub(super) fn list(state: &AppState) -> Outcome {
    let orgs = state.store.read(orgs::list)?;
    let orgs: Vec<Value> = orgs
        .into_iter()
        .map(|(org_id, fixture)| json!({ "org_id": org_id, "fixture": fixture }))
        .collect();
    Ok(ApiResponse::json(200, &json!({ "orgs": orgs })))
}

/// The `fixture` an org made from an inline fixture records (no fixture file has this name).
pub const INLINE_FIXTURE: &str = "(inline)";

pub(super) fn create(state: &AppState, request: &ApiRequest) -> Outcome {
    let body: NewOrg = body::parse_required(request)?;
    let expected = || ControlError::BadRequest(NewOrg::EXPECTED.to_owned());
    let (fixture_name, fixture) = match (body.fixture.get(), body.fixture_json.get()) {
        (Some(Value::String(name)), None) => (
            name.as_str(),
            state
                .store
                .fixtures()
                .org(name)
                .map(Cow::Borrowed)
                .ok_or_else(|| unknown_fixture(state, name))?,
        ),
        (None, Some(inline)) => (
            INLINE_FIXTURE,
            Cow::Owned(
                state
                    .store
                    .fixtures()
                    .inline_org(inline)
                    .map_err(|why| ControlError::BadRequest(format!("fixture_json: {why}")))?,
            ),
        ),
        (Some(_), Some(_)) => {
            return Err(ControlError::BadRequest(
                "give \"fixture\" (a fixture's name) or \"fixture_json\" (a fixture), not both"
                    .into(),
            ));
        }
        _ => return Err(expected()),
    };
    let chosen_id = match body.org_id.get() {
        None | Some(Value::Null) => None,
        Some(Value::String(org_id)) => Some(valid_org_id(state, org_id)?),
        Some(_) => return Err(bad_org_id("null")),
    };
    let manual_jobs = match body.jobs.get() {
        None | Some(Value::Null) => false,
        Some(Value::String(jobs)) if jobs == "worker" => false,
        Some(Value::String(jobs)) if jobs == "manual" => true,
        Some(_) => return Err(expected()),
    };
    let inline = fixture_name == INLINE_FIXTURE;
    let prefix = if inline { "inline" } else { fixture_name };
    let token = new_token();
    let refresh_token = new_token();
    let created = state.store.write(|tx| {
        let org_id = match &chosen_id {
            Some(org_id) if orgs::exists(tx, org_id)? => {
                return Ok(Err(ControlError::OrgExists(org_id.clone())));
            }
            Some(org_id) => org_id.clone(),
            None => {
                let mut n = 1;
                loop {
                    let candidate = format!("{prefix}-{n}");
                    if !orgs::exists(tx, &candidate)? {
                        break candidate;
                    }
                    n += 1;
                }
            }
        };
        if inline {
            seed::seed_org(tx, &org_id, fixture_name, &fixture, seed::Tokens::None)?;
        } else {
            seed::new_org(tx, &org_id, (fixture_name, &fixture))?;
        }
        let user = tokens::admin_user(tx, &org_id)?.ok_or_else(|| StoreError::Fixture {
            fixture: fixture_name.to_owned(),
            message: "no user whose profile manages the portal and its users".into(),
        })?;
        let scopes: Vec<String> = ADMIN_SCOPES.iter().map(|s| (*s).to_owned()).collect();
        tokens::insert(
            tx,
            &tokens::NewToken {
                token: &token,
                kind: "access",
                org_id: &org_id,
                user_id: &user,
                client_id: None,
                scopes: &scopes,
                expires_at: None,
                redirect_uri: None,
            },
        )?;
        // A refresh token of the first OAuth client, for clients that only speak the
        // refresh-token flow (Zoho's SDKs).
        let client = tokens::first_client(tx)?;
        if let Some(client) = &client {
            tokens::insert(
                tx,
                &tokens::NewToken {
                    token: &refresh_token,
                    kind: "refresh",
                    org_id: &org_id,
                    user_id: &user,
                    client_id: Some(&client.client_id),
                    scopes: &scopes,
                    expires_at: None,
                    redirect_uri: None,
                },
            )?;
        }
        Ok::<_, StoreError>(Ok((org_id, client)))
    });
    let (org_id, client) = match created {
        Ok(created) => created?,
        // A fixture given inline is the caller's: what is wrong with it is a bad request.
        Err(StoreError::Fixture { message, .. }) if inline => {
            return Err(ControlError::BadRequest(format!("fixture_json: {message}")));
        }
        Err(error) => return Err(error.into()),
    };
    if inline {
        state.set_inline_fixture(&org_id, fixture.into_owned());
    }
    state.refresh_enforced_limits();
    state.set_manual_jobs(&org_id, manual_jobs);
    let mut body = json!({ "org_id": org_id, "access_token": token });
    if let Some(client) = client {
        body["client_id"] = client.client_id.into();
        body["client_secret"] = client.client_secret.into();
        body["redirect_uri"] = client.redirect_uri.into();
        body["refresh_token"] = refresh_token.into();
    }
    Ok(ApiResponse::json(201, &body))
}

pub(super) fn reset(state: &AppState, org_id: &str) -> Outcome {
    let org = state
        .store
        .read(|conn| orgs::get(conn, org_id))?
        .ok_or_else(|| ControlError::UnknownOrg(org_id.to_owned()))?;
    let fixture = if org.fixture == INLINE_FIXTURE {
        state.inline_fixture(org_id).ok_or_else(|| {
            ControlError::BadRequest(format!(
                "org {org_id:?} was made from an inline fixture this server no longer holds (it restarted): delete it and create it again"
            ))
        })?
    } else {
        state
            .store
            .fixtures()
            .org(&org.fixture)
            .cloned()
            .ok_or_else(|| unknown_fixture(state, &org.fixture))?
    };
    // Orgs seeded at start-up are named after their fixture and own its tokens.
    let tokens = if org.id == org.fixture {
        seed::Tokens::FromFixture
    } else {
        seed::Tokens::None
    };
    state
        .store
        .write(|tx| seed::reset_org(tx, &org, &fixture, tokens))?;
    state.refresh_enforced_limits();
    state.limits.forget(org_id);
    Ok(ApiResponse::json(
        200,
        &json!({ "org_id": org_id, "fixture": org.fixture, "reset": true }),
    ))
}

/// `DELETE /__mock/orgs/{org_id}`: deletes the org and everything it holds, its tokens included.
pub(super) fn delete(state: &AppState, org_id: &str) -> Outcome {
    let deleted = state.store.write(|tx| orgs::delete(tx, org_id))?;
    state.refresh_enforced_limits();
    if !deleted {
        return Err(ControlError::UnknownOrg(org_id.to_owned()));
    }
    forget(state, org_id);
    Ok(ApiResponse::json(
        200,
        &json!({ "org_id": org_id, "deleted": true }),
    ))
}

/// Forgets what the server holds of a deleted org outside the store: nothing of it outlives
/// it, so a later org given the same id starts clean (its credits, its faults, its journal), as
/// a run sharing the server expects.
pub(super) fn forget(state: &AppState, org_id: &str) {
    forget_activity(state, org_id);
    state.set_manual_jobs(org_id, false);
    state.forget_inline_fixture(org_id);
}

/// Forgets what an org's requests and the control plane's calls about it left outside the store
/// (the credits it used and any override of them, its faults, its journal): what a new org
/// starts without. Its settings of how it was made (manual jobs, an inline fixture) stay.
pub(crate) fn forget_activity(state: &AppState, org_id: &str) {
    state.limits.forget(org_id);
    state.limits.set_override(org_id, None);
    state.faults.clear(Some(org_id));
    state.journal.clear(Some(org_id));
}

/// 200 `{"org_id","ok":true,"violations":[]}` when the org's state keeps every invariant;
/// 409 with `ok: false` and each violation (`rule`, `message`) when it does not.
pub(super) fn check(state: &AppState, org_id: &str) -> Outcome {
    require(state, org_id)?;
    let violations = state
        .store
        .read(|conn| invariants::check_org(conn, org_id))?;
    let status = if violations.is_empty() { 200 } else { 409 };
    Ok(ApiResponse::json(
        status,
        &json!({ "org_id": org_id, "ok": violations.is_empty(), "violations": violations }),
    ))
}

/// 404 `UNKNOWN_ORG` unless the org exists.
pub(super) fn require(state: &AppState, org_id: &str) -> Result<(), ControlError> {
    if state.store.read(|conn| orgs::exists(conn, org_id))? {
        Ok(())
    } else {
        Err(ControlError::UnknownOrg(org_id.to_owned()))
    }
}

/// [`require`] for a path that names an org or, without `/orgs/{id}`, every org (`None`).
pub(super) fn require_scope(state: &AppState, org_id: Option<&str>) -> Result<(), ControlError> {
    org_id.map_or(Ok(()), |org_id| require(state, org_id))
}

/// A chosen org id: 1 to 64 letters, digits, `-` and `_`, not a fixture's name (the orgs named
/// after their fixture are the ones seeded at start-up).
fn valid_org_id(state: &AppState, org_id: &str) -> Result<String, ControlError> {
    let well_formed = (1..=64).contains(&org_id.len())
        && org_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !well_formed {
        return Err(bad_org_id(&format!("{org_id:?}")));
    }
    if state.store.fixtures().org(org_id).is_some() {
        return Err(ControlError::BadRequest(format!(
            "org_id {org_id:?} is the name of a fixture, kept for the org seeded from it at start-up"
        )));
    }
    Ok(org_id.to_owned())
}

fn bad_org_id(given: &str) -> ControlError {
    ControlError::BadRequest(format!(
        "org_id {given} is not an org id: 1 to 64 letters, digits, '-' or '_'"
    ))
}

fn unknown_fixture(state: &AppState, name: &str) -> ControlError {
    ControlError::UnknownFixture {
        name: name.to_owned(),
        known: state
            .store
            .fixtures()
            .orgs()
            .map(|(n, _)| n.to_owned())
            .collect(),
    }
}

/// `POST /__mock/orgs`'s body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewOrg {
    #[serde(default)]
    fixture: Field,
    /// A whole org fixture, inline (the format of `orgs/<name>.json`; its `crm` may name a
    /// CRM file of the server's fixtures).
    #[serde(default)]
    fixture_json: Field,
    /// The new org's id, of the caller's choosing (default `<fixture>-<n>`, `inline-<n>`).
    #[serde(default)]
    org_id: Field,
    /// `"worker"` (default): the background worker runs its jobs; `"manual"`: only
    /// `POST /__mock/orgs/{id}/jobs/run` does, so a test decides when a job runs.
    #[serde(default)]
    jobs: Field,
}

impl Body for NewOrg {
    const KEYS: &'static [&'static str] = &["fixture", "fixture_json", "org_id", "jobs"];
    const EXPECTED: &'static str = "expected {\"fixture\": \"<name>\"} or {\"fixture_json\": {…}}, optionally \"org_id\": \"<id>\" and \"jobs\": \"worker\" or \"manual\"";
}
