//! The control plane under `/__mock/`: create isolated orgs from fixtures, list them, reset one.
//!
//! ```text
//! GET  /__mock/orgs                        -> 200 {"orgs":[{"org_id":"zylker","fixture":"zylker"},…]}
//! POST /__mock/orgs  {"fixture":"blank"}    -> 201 {"org_id":"blank-1","access_token":"1000.…",
//!                                              "client_id":"1000.MOCKCLIENT","refresh_token":"1000.…"}
//! POST /__mock/orgs/{org_id}/reset          -> 200 {"org_id":…,"fixture":…,"reset":true}
//! GET  /__mock/orgs/{org_id}/state          -> 200 the org as fixture JSON (control_state.rs)
//! DELETE /__mock/orgs/{org_id}              -> 200 {"org_id":…,"deleted":true}
//! ```
//! Loopback clients only, unless `--control-plane any`, a client sends `--admin-token` in
//! `X-Mock-Admin-Token`, or it comes in on `--admin-bind`; `--control-plane off` hides it.
//! Errors answer `{"error":{"code":…,"message":…}}` (this is the mock's API, not Zoho's).
//! The journal, faults, and each org's clock, limits, environment and snapshots have their own
//! modules (`control_journal`, `control_faults`, `control_org`).

use serde_json::{Value, json};

use super::oauth::new_token;
use crate::config::ControlPlane;
use crate::error::ApiError;
use crate::http::{ApiRequest, ApiResponse};
use crate::router::ControlRoute;
use crate::state::AppState;
use crate::store::{StoreError, invariants, jobs, orgs, portal_users, seed, tokens};

/// The scopes of the admin token a created org answers with.
pub const ADMIN_SCOPES: [&str; 4] = [
    "ZohoCRM.settings.clientportal.ALL",
    "ZohoCRM.modules.ALL",
    "ZohoCRM.users.READ",
    "ZohoCRM.org.READ",
];

/// Answers one control-plane request.
pub fn handle(state: &AppState, request: &ApiRequest, operation: &ControlRoute) -> ApiResponse {
    let has_admin_token = state.config.admin_token.as_deref().is_some_and(|token| {
        request
            .headers
            .iter()
            .any(|(name, value)| name.eq_ignore_ascii_case("x-mock-admin-token") && value == token)
    });
    match state.config.control_plane {
        _ if request.admin_listener => {}
        ControlPlane::Off => return ApiError::InvalidUrlPattern.into(),
        ControlPlane::Loopback if !request.peer.ip().is_loopback() && !has_admin_token => {
            return error(
                403,
                "FORBIDDEN",
                "the control plane answers loopback clients only (start with --control-plane any, --admin-token or --admin-bind)",
            );
        }
        _ => {}
    }
    let outcome = match operation {
        ControlRoute::ListOrgs => list(state),
        ControlRoute::CreateOrg => create(state, request),
        ControlRoute::ResetOrg { org_id } => reset(state, org_id),
        ControlRoute::ListJobs { org_id } => list_jobs(state, org_id),
        ControlRoute::RunJobs { org_id } => run_jobs(state, org_id),
        ControlRoute::CheckOrg { org_id } => check_org(state, org_id),
        ControlRoute::ConfirmUser {
            org_id,
            personality_id,
        } => confirm_user(state, org_id, personality_id),
        ControlRoute::ExpireInvitations { org_id } => expire_invitations(state, org_id),
        ControlRoute::ListRequests { org_id } => {
            super::control_journal::list(state, request, org_id.as_deref())
        }
        ControlRoute::ClearRequests { org_id } => {
            super::control_journal::clear(state, org_id.as_deref())
        }
        ControlRoute::CountRequests { org_id } => {
            super::control_journal::count(state, request, org_id.as_deref())
        }
        ControlRoute::AddFault { org_id } => {
            super::control_faults::add(state, request, org_id.as_deref())
        }
        ControlRoute::ListFaults { org_id } => {
            super::control_faults::list(state, org_id.as_deref())
        }
        ControlRoute::ClearFaults { org_id } => {
            super::control_faults::clear(state, org_id.as_deref())
        }
        ControlRoute::RemoveFault { org_id, fault_id } => {
            super::control_faults::remove(state, org_id.as_deref(), fault_id)
        }
        ControlRoute::CreateSnapshot { org_id } => super::control_org::take_snapshot(state, org_id),
        ControlRoute::ListSnapshots { org_id } => super::control_org::list_snapshots(state, org_id),
        ControlRoute::RestoreSnapshot {
            org_id,
            snapshot_id,
        } => super::control_org::restore_snapshot(state, org_id, snapshot_id),
        ControlRoute::DeleteSnapshot {
            org_id,
            snapshot_id,
        } => super::control_org::delete_snapshot(state, org_id, snapshot_id),
        ControlRoute::GetClock { org_id } => super::control_org::get_clock(state, org_id),
        ControlRoute::SetClock { org_id } => super::control_org::set_clock(state, request, org_id),
        ControlRoute::AdvanceClock { org_id } => {
            super::control_org::advance_clock(state, request, org_id)
        }
        ControlRoute::ResetClock { org_id } => super::control_org::reset_clock(state, org_id),
        ControlRoute::GetLimits { org_id } => super::control_org::get_limits(state, org_id),
        ControlRoute::SetLimits { org_id } => {
            super::control_org::set_limits(state, request, org_id)
        }
        ControlRoute::GetEnvironment { org_id } => {
            super::control_org::get_environment(state, org_id)
        }
        ControlRoute::SetEnvironment { org_id } => {
            super::control_org::set_environment(state, request, org_id)
        }
        ControlRoute::OrgState { org_id } => super::control_state::state(state, org_id),
        ControlRoute::DeleteOrg { org_id } => super::control_state::delete(state, org_id),
    };
    outcome.unwrap_or_else(|failure| failure)
}

/// A control-plane answer: the success, or the error answer.
pub(super) type Outcome = Result<ApiResponse, ApiResponse>;

fn list(state: &AppState) -> Outcome {
    let orgs = state.store.read(orgs::list).map_err(internal)?;
    let orgs: Vec<Value> = orgs
        .into_iter()
        .map(|(org_id, fixture)| json!({ "org_id": org_id, "fixture": fixture }))
        .collect();
    Ok(ApiResponse::json(200, &json!({ "orgs": orgs })))
}

fn create(state: &AppState, request: &ApiRequest) -> Outcome {
    let body: Value = serde_json::from_slice(&request.body)
        .map_err(|e| error(400, "BAD_REQUEST", &format!("the body is not JSON: {e}")))?;
    let fixture_name = body
        .get("fixture")
        .and_then(Value::as_str)
        .ok_or_else(|| error(400, "BAD_REQUEST", "expected {\"fixture\": \"<name>\"}"))?;
    let fixture = state
        .store
        .fixtures()
        .org(fixture_name)
        .ok_or_else(|| unknown_fixture(state, fixture_name))?;
    let token = new_token();
    let refresh_token = new_token();
    let (org_id, client_id) = state
        .store
        .write(|tx| {
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
        })
        .map_err(internal)?;
    state.refresh_enforced_limits();
    let mut body = json!({ "org_id": org_id, "access_token": token });
    if let Some(client_id) = client_id {
        body["client_id"] = client_id.into();
        body["refresh_token"] = refresh_token.into();
    }
    Ok(ApiResponse::json(201, &body))
}

fn reset(state: &AppState, org_id: &str) -> Outcome {
    let org = state
        .store
        .read(|conn| orgs::get(conn, org_id))
        .map_err(internal)?
        .ok_or_else(|| error(404, "UNKNOWN_ORG", &format!("no org {org_id:?}")))?;
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
        .write(|tx| seed::reset_org(tx, org_id, &org.fixture, fixture, tokens))
        .map_err(internal)?;
    state.refresh_enforced_limits();
    state.limits.forget(org_id);
    Ok(ApiResponse::json(
        200,
        &json!({ "org_id": org_id, "fixture": org.fixture, "reset": true }),
    ))
}

/// 404 `UNKNOWN_ORG` unless the org exists.
pub(super) fn require_org(state: &AppState, org_id: &str) -> Result<(), ApiResponse> {
    match state.store.read(|conn| orgs::exists(conn, org_id)) {
        Ok(true) => Ok(()),
        Ok(false) => Err(error(404, "UNKNOWN_ORG", &format!("no org {org_id:?}"))),
        Err(store_error) => Err(internal(store_error)),
    }
}

fn list_jobs(state: &AppState, org_id: &str) -> Outcome {
    require_org(state, org_id)?;
    let rows = state
        .store
        .read(|conn| {
            let mut all = Vec::new();
            for kind in ["invite", "change_status", "transfer", "delete"] {
                all.extend(jobs::list(conn, org_id, kind, None)?);
            }
            Ok::<_, StoreError>(all)
        })
        .map_err(internal)?;
    let rendered: Vec<Value> = rows
        .iter()
        .map(|job| {
            let mut item = super::jobs::render(job);
            if let Some(object) = item.as_object_mut() {
                object.insert("kind".into(), Value::String(job.kind.clone()));
            }
            item
        })
        .collect();
    Ok(ApiResponse::json(200, &json!({ "jobs": rendered })))
}

fn run_jobs(state: &AppState, org_id: &str) -> Outcome {
    require_org(state, org_id)?;
    let ran = super::jobs::run_pending(state, Some(org_id)).map_err(internal)?;
    Ok(ApiResponse::json(
        200,
        &json!({ "org_id": org_id, "jobs_run": ran }),
    ))
}

/// 200 `{"org_id","ok":true,"violations":[]}` when the org's state keeps every invariant;
/// 409 with `ok: false` and each violation (`rule`, `message`) when it does not.
fn check_org(state: &AppState, org_id: &str) -> Outcome {
    require_org(state, org_id)?;
    let violations = state
        .store
        .read(|conn| invariants::check_org(conn, org_id))
        .map_err(internal)?;
    let status = if violations.is_empty() { 200 } else { 409 };
    Ok(ApiResponse::json(
        status,
        &json!({ "org_id": org_id, "ok": violations.is_empty(), "violations": violations }),
    ))
}

fn confirm_user(state: &AppState, org_id: &str, personality_id: &str) -> Outcome {
    require_org(state, org_id)?;
    let confirmed = state
        .store
        .write(|tx| portal_users::confirm(tx, org_id, personality_id))
        .map_err(internal)?;
    if confirmed {
        Ok(ApiResponse::json(
            200,
            &json!({ "personality_id": personality_id, "confirm": true }),
        ))
    } else {
        Err(error(
            409,
            "NO_PENDING_INVITATION",
            &format!(
                "{personality_id} has no pending invitation (not a portal user, already confirmed, or expired)"
            ),
        ))
    }
}

/// Invitations are valid for 7 days.
const INVITATION_SECONDS: i64 = 7 * 24 * 3600;

fn expire_invitations(state: &AppState, org_id: &str) -> Outcome {
    require_org(state, org_id)?;
    let cutoff = state.org_now(org_id).map_err(internal)? - INVITATION_SECONDS;
    let expired = state
        .store
        .write(|tx| portal_users::expire_invitations(tx, org_id, cutoff))
        .map_err(internal)?;
    Ok(ApiResponse::json(
        200,
        &json!({ "org_id": org_id, "expired": expired }),
    ))
}

fn unknown_fixture(state: &AppState, name: &str) -> ApiResponse {
    let known: Vec<&str> = state.store.fixtures().orgs().map(|(n, _)| n).collect();
    error(
        400,
        "UNKNOWN_FIXTURE",
        &format!("no fixture named {name:?}; known: {}", known.join(", ")),
    )
}

/// 500 with the store's failure (logged).
pub(super) fn internal(error_value: StoreError) -> ApiResponse {
    tracing::error!(error = %error_value, "control plane store failure");
    error(500, "INTERNAL_ERROR", &error_value.to_string())
}

/// `{"error":{"code","message"}}` with a status.
pub(super) fn error(status: u16, code: &str, message: &str) -> ApiResponse {
    ApiResponse::json(
        status,
        &json!({ "error": { "code": code, "message": message } }),
    )
}

/// The JSON body of a control-plane request (`{}` when empty), or 400 `BAD_REQUEST`.
pub(super) fn json_body(request: &ApiRequest) -> Result<Value, ApiResponse> {
    if request.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    serde_json::from_slice(&request.body)
        .map_err(|e| error(400, "BAD_REQUEST", &format!("the body is not JSON: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use crate::config::Config;
    use crate::fixtures::FixtureSet;
    use crate::http::Method;
    use crate::store::Store;
    use bytes::Bytes;

    fn state(control_plane: ControlPlane) -> AppState {
        let store = Store::open_in_memory(FixtureSet::embedded().unwrap()).unwrap();
        AppState::new(
            store,
            Clock::real(),
            Config {
                control_plane,
                ..Config::default()
            },
        )
    }

    fn list_from(peer: &str, state: &AppState) -> ApiResponse {
        list_with(peer, state, &[], false)
    }

    fn list_with(
        peer: &str,
        state: &AppState,
        headers: &[(&str, &str)],
        admin_listener: bool,
    ) -> ApiResponse {
        let mut request = ApiRequest::new(
            Method::Get,
            "/__mock/orgs",
            Bytes::new(),
            peer.parse().unwrap(),
        );
        request.headers = headers
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect();
        request.admin_listener = admin_listener;
        handle(state, &request, &ControlRoute::ListOrgs)
    }

    #[test]
    fn the_admin_token_and_the_admin_listener_open_it_to_other_clients() {
        let store = Store::open_in_memory(FixtureSet::embedded().unwrap()).unwrap();
        let with_token = AppState::new(
            store,
            Clock::real(),
            Config {
                admin_token: Some("t0k".into()),
                ..Config::default()
            },
        );
        let far = "192.0.2.7:5000";
        assert_eq!(
            list_with(far, &with_token, &[("x-mock-admin-token", "t0k")], false).status,
            200
        );
        assert_eq!(
            list_with(far, &with_token, &[("x-mock-admin-token", "nope")], false).status,
            403
        );
        assert_eq!(
            list_with(far, &state(ControlPlane::Loopback), &[], true).status,
            200
        );
        assert_eq!(
            list_from("127.0.0.1:1", &state(ControlPlane::Off)).status,
            404
        );
    }

    #[test]
    fn the_control_plane_refuses_clients_off_loopback_unless_opened() {
        let loopback_only = state(ControlPlane::Loopback);
        assert_eq!(list_from("127.0.0.1:5000", &loopback_only).status, 200);
        assert_eq!(list_from("[::1]:5000", &loopback_only).status, 200);
        assert_eq!(list_from("192.0.2.7:5000", &loopback_only).status, 403);
        assert_eq!(
            list_from("192.0.2.7:5000", &state(ControlPlane::Any)).status,
            200
        );
    }
}
