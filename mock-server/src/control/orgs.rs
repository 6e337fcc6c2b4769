//! Orgs on the control plane: create isolated orgs from fixtures, list them, reset one, delete
//! one, check its invariants.
//!
//! ```text
//! GET  /__mock/orgs                        -> 200 {"orgs":[{"org_id":"zylker","fixture":"zylker"},…]}
//! POST /__mock/orgs  {"fixture":"blank"}    -> 201 {"org_id":"blank-1","access_token":"1000.…",
//!                                              "client_id":"1000.MOCKCLIENT","refresh_token":"1000.…"}
//! POST /__mock/orgs/{org_id}/reset          -> 200 {"org_id":…,"fixture":…,"reset":true}
//! DELETE /__mock/orgs/{org_id}              -> 200 {"org_id":…,"deleted":true}
//! GET  /__mock/orgs/{org_id}/check          -> 200 {"org_id","ok":true,"violations":[]} | 409
//! ```

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

pub(super) fn create(state: &AppState, request: &ApiRequest) -> Outcome {
    let body: NewOrg = body::parse_required(request)?;
    let fixture_name = body
        .fixture
        .get()
        .and_then(Value::as_str)
        .ok_or_else(|| ControlError::BadRequest(NewOrg::EXPECTED.to_owned()))?;
    let fixture = state
        .store
        .fixtures()
        .org(fixture_name)
        .ok_or_else(|| unknown_fixture(state, fixture_name))?;
    let token = new_token();
    let refresh_token = new_token();
    let (org_id, client_id) = state.store.write(|tx| {
        let mut n = 1;
        let org_id = loop {
            let candidate = format!("{fixture_name}-{n}");
            if !orgs::exists(tx, &candidate)? {
                break candidate;
            }
            n += 1;
        };
        seed::seed_org(tx, &org_id, fixture_name, fixture, seed::Tokens::None)?;
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
            },
        )?;
        // A refresh token of the first OAuth client, for clients that only speak the
        // refresh-token flow (Zoho's SDKs).
        let client_id = tokens::first_client(tx)?;
        if let Some(client_id) = &client_id {
            tokens::insert(
                tx,
                &tokens::NewToken {
                    token: &refresh_token,
                    kind: "refresh",
                    org_id: &org_id,
                    user_id: &user,
                    client_id: Some(client_id),
                    scopes: &scopes,
                    expires_at: None,
                },
            )?;
        }
        Ok::<_, StoreError>((org_id, client_id))
    })?;
    state.refresh_enforced_limits();
    let mut body = json!({ "org_id": org_id, "access_token": token });
    if let Some(client_id) = client_id {
        body["client_id"] = client_id.into();
        body["refresh_token"] = refresh_token.into();
    }
    Ok(ApiResponse::json(201, &body))
}

pub(super) fn reset(state: &AppState, org_id: &str) -> Outcome {
    let org = state
        .store
        .read(|conn| orgs::get(conn, org_id))?
        .ok_or_else(|| ControlError::UnknownOrg(org_id.to_owned()))?;
    let fixture = state
        .store
        .fixtures()
        .org(&org.fixture)
        .ok_or_else(|| unknown_fixture(state, &org.fixture))?;
    // Orgs seeded at start-up are named after their fixture and own its tokens.
    let tokens = if org.id == org.fixture {
        seed::Tokens::FromFixture
    } else {
        seed::Tokens::None
    };
    state
        .store
        .write(|tx| seed::reset_org(tx, &org, fixture, tokens))?;
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
    Ok(ApiResponse::json(
        200,
        &json!({ "org_id": org_id, "deleted": true }),
    ))
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
}

impl Body for NewOrg {
    const KEYS: &'static [&'static str] = &["fixture"];
    const EXPECTED: &'static str = "expected {\"fixture\": \"<name>\"}";
}
