//! The control plane under `/__mock/`: the mock's own API, for tests and tools (never Zoho's).
//!
//! [`handle`] routes a request ([`router`]), admits its client ([`admission`]), and runs the
//! feature's module: [`health`] (served to every client), [`orgs`] (create, list, reset, delete, check), [`server_reset`] (every
//! created org at once, the whole server), [`oauth`] (grant codes), [`state_dump`] (an org as
//! fixture JSON), [`snapshots`], [`invitations`] (a user accepts, invitations expire), [`jobs`],
//! [`journal`] (what was sent, and verification), [`faults`] (and stubs), [`pattern`] (the
//! request patterns both take), [`clock`], [`limits`] and
//! [`environment`], with [`summary`] (an org at a glance) and [`dashboard`] (`GET /__mock/ui`,
//! the page that shows them all). The journal, faults and limits folders also hold the engines the request
//! path uses. Errors answer `{"error":{"code":…,"message":…}}`.

mod admission;
mod body;
mod clock;
mod dashboard;
mod environment;
mod error;
pub mod faults;
mod health;
mod invitations;
mod jobs;
pub mod journal;
pub mod limits;
pub(crate) mod oauth;
mod orgs;
pub(crate) use orgs::forget_activity;
pub mod pattern;
pub mod router;
mod server_reset;
mod snapshots;
mod state_dump;
mod summary;

use crate::api::error::ApiError;
use crate::http::{ApiRequest, ApiResponse};
use crate::state::AppState;
use error::ControlError;
use error::Outcome;
use router::ControlRoute;

/// Answers one control-plane request.
pub(crate) fn handle(state: &AppState, request: &ApiRequest) -> ApiResponse {
    run(state, request).unwrap_or_else(ApiResponse::from)
}

/// Admits the client, routes (path, then method), and runs the feature's endpoint.
fn run(state: &AppState, request: &ApiRequest) -> Outcome {
    let segments = request.segment_strs();
    let routed = router::route(request.method, segments.get(1..).unwrap_or_default());
    // Health is every client's; anything else, a route or not, is for admitted clients only (an
    // unadmitted one learns nothing of which routes exist).
    if routed != Ok(ControlRoute::Health) {
        admission::admit(state, request)?;
    }
    let operation = routed.map_err(|error| routing_error(request, &error))?;
    match &operation {
        ControlRoute::Health => health::health(state),
        ControlRoute::ListOrgs => orgs::list(state),
        ControlRoute::CreateOrg => orgs::create(state, request),
        ControlRoute::DeleteCreatedOrgs => server_reset::delete_created(state, request),
        ControlRoute::ResetServer => server_reset::reset_server(state),
        ControlRoute::ResetOrg(org_id) => orgs::reset(state, org_id),
        ControlRoute::DeleteOrg(org_id) => orgs::delete(state, org_id),
        ControlRoute::CheckOrg(org_id) => orgs::check(state, org_id),
        ControlRoute::OrgState(org_id) => state_dump::state(state, org_id),
        ControlRoute::OrgSummary(org_id) => summary::summary(state, org_id),
        ControlRoute::Dashboard(asset) => Ok(dashboard::serve(*asset)),
        ControlRoute::IssueOauthCode(org_id) => oauth::issue_code(state, org_id),
        ControlRoute::ListJobs(org_id) => jobs::list(state, org_id),
        ControlRoute::RunJobs(org_id) => jobs::run(state, org_id),
        ControlRoute::ConfirmUser(user) => {
            invitations::confirm(state, &user.org_id, &user.personality_id)
        }
        ControlRoute::ExpireInvitations(org_id) => invitations::expire(state, org_id),
        ControlRoute::ListRequests(org_id) => {
            journal::routes::list(state, request, org_id.as_deref())
        }
        ControlRoute::ClearRequests(org_id) => journal::routes::clear(state, org_id.as_deref()),
        ControlRoute::CountRequests(org_id) => {
            journal::routes::count(state, request, org_id.as_deref())
        }
        ControlRoute::AddFault(org_id) => faults::routes::add(state, request, org_id.as_deref()),
        ControlRoute::ListFaults(org_id) => faults::routes::list(state, org_id.as_deref()),
        ControlRoute::ClearFaults(org_id) => faults::routes::clear(state, org_id.as_deref()),
        ControlRoute::RemoveFault(fault) => {
            faults::routes::remove(state, fault.org_id.as_deref(), &fault.fault_id)
        }
        ControlRoute::CreateSnapshot(org_id) => snapshots::take(state, org_id),
        ControlRoute::ListSnapshots(org_id) => snapshots::list(state, org_id),
        ControlRoute::RestoreSnapshot(path) => {
            snapshots::restore(state, &path.org_id, &path.snapshot_id)
        }
        ControlRoute::DeleteSnapshot(path) => {
            snapshots::delete(state, &path.org_id, &path.snapshot_id)
        }
        ControlRoute::GetClock(org_id) => clock::get(state, org_id),
        ControlRoute::SetClock(org_id) => clock::set(state, request, org_id),
        ControlRoute::AdvanceClock(org_id) => clock::advance(state, request, org_id),
        ControlRoute::ResetClock(org_id) => clock::reset(state, org_id),
        ControlRoute::GetLimits(org_id) => limits::routes::get(state, org_id),
        ControlRoute::SetLimits(org_id) => limits::routes::set(state, request, org_id),
        ControlRoute::GetEnvironment(org_id) => environment::get(state, org_id),
        ControlRoute::SetEnvironment(org_id) => environment::set(state, request, org_id),
    }
}

/// Whether a path is the control plane's (and the control plane is on), for answers given
/// before the pipeline runs.
pub(crate) fn is_control_path(state: &AppState, path: &str) -> bool {
    state.config.control_plane != crate::config::ControlPlane::Off
        && (path == "/__mock" || path.starts_with("/__mock/"))
}

/// The answer to a control-plane request whose body could not be read (too large, broken
/// framing): the control plane's error shape, naming the route.
pub(crate) fn unreadable_body(method: &str, path: &str, error: &ApiError) -> ApiResponse {
    let error = match error {
        ApiError::RequestEntityTooLarge { limit } => ControlError::BodyTooLarge {
            route: format!("{method} {path}"),
            limit: *limit,
        },
        other => ControlError::BadRequest(format!(
            "{method} {path}: the body cannot be read ({other})"
        )),
    };
    error.into()
}

/// A routing failure in the control plane's own shape, naming the method and path.
fn routing_error(request: &ApiRequest, error: &ApiError) -> ControlError {
    let method = journal::method_name(request.method).to_owned();
    let path = request.path.clone();
    match error {
        ApiError::InvalidRequestMethod => ControlError::MethodNotAllowed { method, path },
        _ => ControlError::UnknownRoute { method, path },
    }
}
