//! The router of the control plane: the path first (segments after `/__mock/`), then the
//! method, into a typed [`ControlRoute`]. Unknown paths answer `INVALID_URL_PATTERN` (404); a
//! known path with a method it does not serve answers `INVALID_REQUEST_METHOD` (400), through
//! [`Method::pick`], as the API's router does.

use crate::api::error::ApiError;
use crate::http::Method;

/// A snapshot in a path: `/__mock/orgs/{id}/snapshots/{snapshot_id}…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotPath {
    /// The org the snapshot was taken of.
    pub org_id: String,
    /// The snapshot's id (`snap-1`, …).
    pub snapshot_id: String,
}

/// A fault in a path: `/__mock/faults/{fault_id}` or `/__mock/orgs/{id}/faults/{fault_id}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultPath {
    /// The org whose faults hold it (`None`: the server-wide faults).
    pub org_id: Option<String>,
    /// The fault's id (`fault-1`, …).
    pub fault_id: String,
}

/// A portal user in a path: `/__mock/orgs/{id}/users/{personality_id}/…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserPath {
    pub org_id: String,
    /// The portal user's record id.
    pub personality_id: String,
}

/// What `GET /__mock/ui…` serves: the dashboard's page, its stylesheet, its script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DashboardAsset {
    /// `/__mock/ui`: the HTML page.
    Page,
    /// `/__mock/ui/dashboard.css`
    Style,
    /// `/__mock/ui/dashboard.js`
    Script,
}

/// The control-plane operations. A `String` is the org id of `/__mock/orgs/{id}/…`; an
/// `Option<String>` is the same for the journal and faults, whose paths without
/// `/orgs/{id}` (`None`) cover every org.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ControlRoute {
    /// `GET /__mock/orgs`
    ListOrgs,
    /// `POST /__mock/orgs`
    CreateOrg,
    /// `DELETE /__mock/orgs?created=true`: every org created at run time.
    DeleteCreatedOrgs,
    /// `POST /__mock/reset`: the whole server back to its fixtures.
    ResetServer,
    /// `POST /__mock/orgs/{id}/reset`
    ResetOrg(String),
    /// `GET /__mock/orgs/{id}/jobs`: every job with its results.
    ListJobs(String),
    /// `POST /__mock/orgs/{id}/jobs/run`: run every pending job now.
    RunJobs(String),
    /// `GET /__mock/orgs/{id}/check`: the invariants of the org's whole state.
    CheckOrg(String),
    /// `POST /__mock/orgs/{id}/users/{personality_id}/confirm`: the user accepts the invitation.
    ConfirmUser(UserPath),
    /// `POST /__mock/orgs/{id}/invitations/expire`: expire invitations older than 7 days.
    ExpireInvitations(String),
    /// `GET /__mock/requests` or `GET /__mock/orgs/{id}/requests`: the journal, filtered.
    ListRequests(Option<String>),
    /// `DELETE /__mock/requests` or `DELETE /__mock/orgs/{id}/requests`: clear the journal.
    ClearRequests(Option<String>),
    /// `POST /__mock/requests/count` or `POST /__mock/orgs/{id}/requests/count`: how many
    /// requests match a pattern.
    CountRequests(Option<String>),
    /// `POST /__mock/orgs/{id}/snapshots`: save the org.
    CreateSnapshot(String),
    /// `GET /__mock/orgs/{id}/snapshots`
    ListSnapshots(String),
    /// `POST /__mock/orgs/{id}/snapshots/{sid}/restore`: put the org back as it was.
    RestoreSnapshot(SnapshotPath),
    /// `DELETE /__mock/orgs/{id}/snapshots/{sid}`
    DeleteSnapshot(SnapshotPath),
    /// `GET /__mock/orgs/{id}/clock`
    GetClock(String),
    /// `PUT /__mock/orgs/{id}/clock` `{"now": "…"}`: fix the org's clock.
    SetClock(String),
    /// `POST /__mock/orgs/{id}/clock/advance` `{"seconds": N}` or `{"by": "7d"}`.
    AdvanceClock(String),
    /// `DELETE /__mock/orgs/{id}/clock`: back to the server's clock.
    ResetClock(String),
    /// `POST /__mock/faults` or `POST /__mock/orgs/{id}/faults`: inject a fault.
    AddFault(Option<String>),
    /// `GET …/faults`
    ListFaults(Option<String>),
    /// `DELETE …/faults`: remove them all.
    ClearFaults(Option<String>),
    /// `DELETE …/faults/{fault_id}`
    RemoveFault(FaultPath),
    /// `GET /__mock/orgs/{id}/limits`: credits and concurrency, used and allowed.
    GetLimits(String),
    /// `PUT /__mock/orgs/{id}/limits` `{"enforce": true, "credits": N, "concurrency": N}`.
    SetLimits(String),
    /// `GET /__mock/orgs/{id}/environment`
    GetEnvironment(String),
    /// `PUT /__mock/orgs/{id}/environment` `{"environment": "sandbox"|"production"}`.
    SetEnvironment(String),
    /// `POST /__mock/orgs/{id}/oauth/codes`: a one-time authorization code for the org's admin.
    IssueOauthCode(String),
    /// `GET /__mock/orgs/{id}/state`: the org as fixture JSON.
    OrgState(String),
    /// `DELETE /__mock/orgs/{id}`: the org and everything it holds.
    DeleteOrg(String),
    /// `GET /__mock/orgs/{id}/summary`: the org at a glance (portal, user types and their users).
    OrgSummary(String),
    /// `GET /__mock/ui`, `/__mock/ui/dashboard.css`, `/__mock/ui/dashboard.js`: the dashboard.
    Dashboard(DashboardAsset),
    /// `GET /__mock/health`: the version, uptime and org count, to any client.
    Health,
}

/// Resolves the segments of a `/__mock/` path after `__mock`.
pub fn route(method: Method, rest: &[&str]) -> Result<ControlRoute, ApiError> {
    use ControlRoute as R;
    use Method::{Delete, Get, Post, Put};
    let org = |id: &str| id.to_owned();
    let snapshot = |id: &str, sid: &str| SnapshotPath {
        org_id: id.to_owned(),
        snapshot_id: sid.to_owned(),
    };
    let fault = |id: Option<&str>, fid: &str| FaultPath {
        org_id: id.map(str::to_owned),
        fault_id: fid.to_owned(),
    };
    match rest {
        ["health"] => method.pick((), &[(Get, |()| R::Health)]),
        ["orgs"] => method.pick(
            (),
            &[
                (Get, |()| R::ListOrgs),
                (Post, |()| R::CreateOrg),
                (Delete, |()| R::DeleteCreatedOrgs),
            ],
        ),
        ["reset"] => method.pick((), &[(Post, |()| R::ResetServer)]),
        ["orgs", id] => method.pick(org(id), &[(Delete, R::DeleteOrg)]),
        ["orgs", id, "state"] => method.pick(org(id), &[(Get, R::OrgState)]),
        ["orgs", id, "summary"] => method.pick(org(id), &[(Get, R::OrgSummary)]),
        ["ui"] => method.pick(DashboardAsset::Page, &[(Get, R::Dashboard)]),
        ["ui", "dashboard.css"] => method.pick(DashboardAsset::Style, &[(Get, R::Dashboard)]),
        ["ui", "dashboard.js"] => method.pick(DashboardAsset::Script, &[(Get, R::Dashboard)]),
        ["orgs", id, "reset"] => method.pick(org(id), &[(Post, R::ResetOrg)]),
        ["orgs", id, "check"] => method.pick(org(id), &[(Get, R::CheckOrg)]),
        ["orgs", id, "oauth", "codes"] => method.pick(org(id), &[(Post, R::IssueOauthCode)]),
        ["orgs", id, "jobs"] => method.pick(org(id), &[(Get, R::ListJobs)]),
        ["orgs", id, "jobs", "run"] => method.pick(org(id), &[(Post, R::RunJobs)]),
        ["orgs", id, "users", personality_id, "confirm"] => method.pick(
            UserPath {
                org_id: org(id),
                personality_id: (*personality_id).to_owned(),
            },
            &[(Post, R::ConfirmUser)],
        ),
        ["orgs", id, "invitations", "expire"] => {
            method.pick(org(id), &[(Post, R::ExpireInvitations)])
        }
        ["requests"] => journal(method, None),
        ["orgs", id, "requests"] => journal(method, Some(org(id))),
        ["requests", "count"] => method.pick(None, &[(Post, R::CountRequests)]),
        ["orgs", id, "requests", "count"] => {
            method.pick(Some(org(id)), &[(Post, R::CountRequests)])
        }
        ["orgs", id, "snapshots"] => method.pick(
            org(id),
            &[(Post, R::CreateSnapshot), (Get, R::ListSnapshots)],
        ),
        ["orgs", id, "snapshots", sid] => {
            method.pick(snapshot(id, sid), &[(Delete, R::DeleteSnapshot)])
        }
        ["orgs", id, "snapshots", sid, "restore"] => {
            method.pick(snapshot(id, sid), &[(Post, R::RestoreSnapshot)])
        }
        ["orgs", id, "clock"] => method.pick(
            org(id),
            &[
                (Get, R::GetClock),
                (Put, R::SetClock),
                (Delete, R::ResetClock),
            ],
        ),
        ["orgs", id, "clock", "advance"] => method.pick(org(id), &[(Post, R::AdvanceClock)]),
        ["faults"] => faults(method, None),
        ["orgs", id, "faults"] => faults(method, Some(org(id))),
        ["faults", fid] => method.pick(fault(None, fid), &[(Delete, R::RemoveFault)]),
        ["orgs", id, "faults", fid] => {
            method.pick(fault(Some(id), fid), &[(Delete, R::RemoveFault)])
        }
        ["orgs", id, "limits"] => method.pick(org(id), &[(Get, R::GetLimits), (Put, R::SetLimits)]),
        ["orgs", id, "environment"] => method.pick(
            org(id),
            &[(Get, R::GetEnvironment), (Put, R::SetEnvironment)],
        ),
        _ => Err(ApiError::InvalidUrlPattern),
    }
}

/// `…/requests`: the journal of one org (or every org).
fn journal(method: Method, org_id: Option<String>) -> Result<ControlRoute, ApiError> {
    use Method::{Delete, Get};
    method.pick(
        org_id,
        &[
            (Get, ControlRoute::ListRequests),
            (Delete, ControlRoute::ClearRequests),
        ],
    )
}

/// `…/faults`: the faults of one org (or the server-wide ones).
fn faults(method: Method, org_id: Option<String>) -> Result<ControlRoute, ApiError> {
    use Method::{Delete, Get, Post};
    method.pick(
        org_id,
        &[
            (Post, ControlRoute::AddFault),
            (Get, ControlRoute::ListFaults),
            (Delete, ControlRoute::ClearFaults),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::ApiRequest;
    use bytes::Bytes;

    fn route_of(method: Method, path: &str) -> Result<ControlRoute, ApiError> {
        let request = ApiRequest::new(method, path, Bytes::new(), "127.0.0.1:1".parse().unwrap());
        route(method, &request.segment_strs()[1..])
    }

    #[test]
    fn the_dashboard_and_an_orgs_summary_are_read_only_routes() {
        assert_eq!(
            route_of(Method::Get, "/__mock/ui"),
            Ok(ControlRoute::Dashboard(DashboardAsset::Page))
        );
        assert_eq!(
            route_of(Method::Get, "/__mock/ui/dashboard.js"),
            Ok(ControlRoute::Dashboard(DashboardAsset::Script))
        );
        assert_eq!(
            route_of(Method::Get, "/__mock/ui/dashboard.css"),
            Ok(ControlRoute::Dashboard(DashboardAsset::Style))
        );
        assert_eq!(
            route_of(Method::Post, "/__mock/ui"),
            Err(ApiError::InvalidRequestMethod)
        );
        assert_eq!(
            route_of(Method::Get, "/__mock/ui/other.js"),
            Err(ApiError::InvalidUrlPattern)
        );
        assert_eq!(
            route_of(Method::Get, "/__mock/orgs/zylker/summary"),
            Ok(ControlRoute::OrgSummary("zylker".to_owned()))
        );
        assert_eq!(
            route_of(Method::Delete, "/__mock/orgs/zylker/summary"),
            Err(ApiError::InvalidRequestMethod)
        );
    }

    #[test]
    fn an_orgs_state_and_its_deletion_route_to_the_control_plane() {
        let org = || "blank-1".to_owned();
        assert_eq!(
            route_of(Method::Get, "/__mock/orgs/blank-1/state"),
            Ok(ControlRoute::OrgState(org()))
        );
        assert_eq!(
            route_of(Method::Delete, "/__mock/orgs/blank-1"),
            Ok(ControlRoute::DeleteOrg(org()))
        );
        assert_eq!(
            route_of(Method::Post, "/__mock/orgs/blank-1/state"),
            Err(ApiError::InvalidRequestMethod)
        );
        assert_eq!(
            route_of(Method::Get, "/__mock/orgs/blank-1"),
            Err(ApiError::InvalidRequestMethod)
        );
    }
}
