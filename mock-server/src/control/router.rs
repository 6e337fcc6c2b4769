//! The router of the control plane: one match on (method, segments after `/__mock/`) into a
//! typed [`ControlRoute`]. Unknown paths answer `INVALID_URL_PATTERN` (404); a known path with a
//! method it does not serve answers `INVALID_REQUEST_METHOD` (400), as the API's router does.

use crate::api::error::ApiError;
use crate::http::Method;

/// The control-plane operations under `/__mock/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ControlRoute {
    /// `GET /__mock/orgs`
    ListOrgs,
    /// `POST /__mock/orgs`
    CreateOrg,
    /// `POST /__mock/orgs/{id}/reset`
    ResetOrg {
        /// The org.
        org_id: String,
    },
    /// `GET /__mock/orgs/{id}/jobs`: every job with its results.
    ListJobs {
        /// The org.
        org_id: String,
    },
    /// `POST /__mock/orgs/{id}/jobs/run`: run every pending job now.
    RunJobs {
        /// The org.
        org_id: String,
    },
    /// `GET /__mock/orgs/{id}/check`: the invariants of the org's whole state.
    CheckOrg {
        /// The org.
        org_id: String,
    },
    /// `POST /__mock/orgs/{id}/users/{personality_id}/confirm`: the user accepts the invitation.
    ConfirmUser {
        /// The org.
        org_id: String,
        /// The portal user's record id.
        personality_id: String,
    },
    /// `POST /__mock/orgs/{id}/invitations/expire`: expire invitations older than 7 days.
    ExpireInvitations {
        /// The org.
        org_id: String,
    },
    /// `GET /__mock/requests` or `GET /__mock/orgs/{id}/requests`: the journal, filtered.
    ListRequests {
        /// The org (`None`: every request).
        org_id: Option<String>,
    },
    /// `DELETE /__mock/requests` or `DELETE /__mock/orgs/{id}/requests`: clear the journal.
    ClearRequests {
        /// The org (`None`: every request).
        org_id: Option<String>,
    },
    /// `POST /__mock/orgs/{id}/requests/count`: how many requests match a pattern.
    CountRequests {
        /// The org (`None`: every request).
        org_id: Option<String>,
    },
    /// `POST /__mock/orgs/{id}/snapshots`: save the org.
    CreateSnapshot {
        /// The org.
        org_id: String,
    },
    /// `GET /__mock/orgs/{id}/snapshots`
    ListSnapshots {
        /// The org.
        org_id: String,
    },
    /// `POST /__mock/orgs/{id}/snapshots/{sid}/restore`: put the org back as it was.
    RestoreSnapshot {
        /// The org.
        org_id: String,
        /// The snapshot.
        snapshot_id: String,
    },
    /// `DELETE /__mock/orgs/{id}/snapshots/{sid}`
    DeleteSnapshot {
        /// The org.
        org_id: String,
        /// The snapshot.
        snapshot_id: String,
    },
    /// `GET /__mock/orgs/{id}/clock`
    GetClock {
        /// The org.
        org_id: String,
    },
    /// `PUT /__mock/orgs/{id}/clock` `{"now": "…"}`: fix the org's clock.
    SetClock {
        /// The org.
        org_id: String,
    },
    /// `POST /__mock/orgs/{id}/clock/advance` `{"seconds": N}` or `{"by": "7d"}`.
    AdvanceClock {
        /// The org.
        org_id: String,
    },
    /// `DELETE /__mock/orgs/{id}/clock`: back to the server's clock.
    ResetClock {
        /// The org.
        org_id: String,
    },
    /// `POST /__mock/faults` or `POST /__mock/orgs/{id}/faults`: inject a fault.
    AddFault {
        /// The org (`None`: every org).
        org_id: Option<String>,
    },
    /// `GET …/faults`
    ListFaults {
        /// The org (`None`: the server-wide faults).
        org_id: Option<String>,
    },
    /// `DELETE …/faults`: remove them all.
    ClearFaults {
        /// The org (`None`: the server-wide faults).
        org_id: Option<String>,
    },
    /// `DELETE …/faults/{fault_id}`
    RemoveFault {
        /// The org (`None`: a server-wide fault).
        org_id: Option<String>,
        /// The fault.
        fault_id: String,
    },
    /// `GET /__mock/orgs/{id}/limits`: credits and concurrency, used and allowed.
    GetLimits {
        /// The org.
        org_id: String,
    },
    /// `PUT /__mock/orgs/{id}/limits` `{"enforce": true, "credits": N, "concurrency": N}`.
    SetLimits {
        /// The org.
        org_id: String,
    },
    /// `GET /__mock/orgs/{id}/environment`
    GetEnvironment {
        /// The org.
        org_id: String,
    },
    /// `PUT /__mock/orgs/{id}/environment` `{"environment": "sandbox"|"production"}`.
    SetEnvironment {
        /// The org.
        org_id: String,
    },
    /// `GET /__mock/orgs/{id}/state`: the org as fixture JSON.
    OrgState {
        /// The org.
        org_id: String,
    },
    /// `DELETE /__mock/orgs/{id}`: the org and everything it holds.
    DeleteOrg {
        /// The org.
        org_id: String,
    },
}

/// Resolves the segments of a `/__mock/` path after `__mock`.
pub fn route(method: Method, rest: &[&str]) -> Result<ControlRoute, ApiError> {
    control_route(method, rest)
}

fn control_route(method: Method, rest: &[&str]) -> Result<ControlRoute, ApiError> {
    use Method::{Delete, Get, Post, Put};
    let org = |id: &&str| (*id).to_owned();
    match (rest, method) {
        (["requests"], Get) => Ok(ControlRoute::ListRequests { org_id: None }),
        (["requests"], Delete) => Ok(ControlRoute::ClearRequests { org_id: None }),
        (["requests", "count"], Post) => Ok(ControlRoute::CountRequests { org_id: None }),
        (["orgs", id, "requests"], Get) => Ok(ControlRoute::ListRequests {
            org_id: Some(org(id)),
        }),
        (["orgs", id, "requests"], Delete) => Ok(ControlRoute::ClearRequests {
            org_id: Some(org(id)),
        }),
        (["orgs", id, "requests", "count"], Post) => Ok(ControlRoute::CountRequests {
            org_id: Some(org(id)),
        }),
        (["orgs", id, "snapshots"], Post) => Ok(ControlRoute::CreateSnapshot { org_id: org(id) }),
        (["orgs", id, "snapshots"], Get) => Ok(ControlRoute::ListSnapshots { org_id: org(id) }),
        (["orgs", id, "snapshots", sid, "restore"], Post) => Ok(ControlRoute::RestoreSnapshot {
            org_id: org(id),
            snapshot_id: org(sid),
        }),
        (["orgs", id, "snapshots", sid], Delete) => Ok(ControlRoute::DeleteSnapshot {
            org_id: org(id),
            snapshot_id: org(sid),
        }),
        (["orgs", id, "clock"], Get) => Ok(ControlRoute::GetClock { org_id: org(id) }),
        (["orgs", id, "clock"], Put) => Ok(ControlRoute::SetClock { org_id: org(id) }),
        (["orgs", id, "clock"], Delete) => Ok(ControlRoute::ResetClock { org_id: org(id) }),
        (["orgs", id, "clock", "advance"], Post) => {
            Ok(ControlRoute::AdvanceClock { org_id: org(id) })
        }
        (["faults"], Post) => Ok(ControlRoute::AddFault { org_id: None }),
        (["faults"], Get) => Ok(ControlRoute::ListFaults { org_id: None }),
        (["faults"], Delete) => Ok(ControlRoute::ClearFaults { org_id: None }),
        (["faults", fid], Delete) => Ok(ControlRoute::RemoveFault {
            org_id: None,
            fault_id: org(fid),
        }),
        (["orgs", id, "faults"], Post) => Ok(ControlRoute::AddFault {
            org_id: Some(org(id)),
        }),
        (["orgs", id, "faults"], Get) => Ok(ControlRoute::ListFaults {
            org_id: Some(org(id)),
        }),
        (["orgs", id, "faults"], Delete) => Ok(ControlRoute::ClearFaults {
            org_id: Some(org(id)),
        }),
        (["orgs", id, "faults", fid], Delete) => Ok(ControlRoute::RemoveFault {
            org_id: Some(org(id)),
            fault_id: org(fid),
        }),
        (["orgs", id, "limits"], Get) => Ok(ControlRoute::GetLimits { org_id: org(id) }),
        (["orgs", id, "limits"], Put) => Ok(ControlRoute::SetLimits { org_id: org(id) }),
        (["orgs", id, "environment"], Get) => Ok(ControlRoute::GetEnvironment { org_id: org(id) }),
        (["orgs", id, "environment"], Put) => Ok(ControlRoute::SetEnvironment { org_id: org(id) }),
        (
            ["requests"]
            | ["requests", "count"]
            | ["orgs", _, "requests"]
            | ["orgs", _, "requests", "count"]
            | ["orgs", _, "snapshots"]
            | ["orgs", _, "snapshots", _]
            | ["orgs", _, "snapshots", _, "restore"]
            | ["orgs", _, "clock"]
            | ["orgs", _, "clock", "advance"]
            | ["faults"]
            | ["faults", _]
            | ["orgs", _, "faults"]
            | ["orgs", _, "faults", _]
            | ["orgs", _, "limits"]
            | ["orgs", _, "environment"],
            _,
        ) => Err(ApiError::InvalidRequestMethod),
        (["orgs", org_id, "state"], Get) => Ok(ControlRoute::OrgState {
            org_id: (*org_id).to_owned(),
        }),
        (["orgs", org_id], Delete) => Ok(ControlRoute::DeleteOrg {
            org_id: (*org_id).to_owned(),
        }),
        (["orgs", _, "state"] | ["orgs", _], _) => Err(ApiError::InvalidRequestMethod),
        (["orgs"], Get) => Ok(ControlRoute::ListOrgs),
        (["orgs"], Post) => Ok(ControlRoute::CreateOrg),
        (["orgs"], _) => Err(ApiError::InvalidRequestMethod),
        (["orgs", org_id, "reset"], Post) => Ok(ControlRoute::ResetOrg {
            org_id: (*org_id).to_owned(),
        }),
        (["orgs", _, "reset"], _) => Err(ApiError::InvalidRequestMethod),
        (["orgs", org_id, "jobs"], Get) => Ok(ControlRoute::ListJobs {
            org_id: (*org_id).to_owned(),
        }),
        (["orgs", org_id, "jobs", "run"], Post) => Ok(ControlRoute::RunJobs {
            org_id: (*org_id).to_owned(),
        }),
        (["orgs", org_id, "check"], Get) => Ok(ControlRoute::CheckOrg {
            org_id: (*org_id).to_owned(),
        }),
        (["orgs", org_id, "users", personality_id, "confirm"], Post) => {
            Ok(ControlRoute::ConfirmUser {
                org_id: (*org_id).to_owned(),
                personality_id: (*personality_id).to_owned(),
            })
        }
        (["orgs", org_id, "invitations", "expire"], Post) => Ok(ControlRoute::ExpireInvitations {
            org_id: (*org_id).to_owned(),
        }),
        (
            ["orgs", _, "jobs"]
            | ["orgs", _, "jobs", "run"]
            | ["orgs", _, "check"]
            | ["orgs", _, "users", _, "confirm"]
            | ["orgs", _, "invitations", "expire"],
            _,
        ) => Err(ApiError::InvalidRequestMethod),
        _ => Err(ApiError::InvalidUrlPattern),
    }
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
    fn an_orgs_state_and_its_deletion_route_to_the_control_plane() {
        let org = || "blank-1".to_owned();
        assert_eq!(
            route_of(Method::Get, "/__mock/orgs/blank-1/state"),
            Ok(ControlRoute::OrgState { org_id: org() })
        );
        assert_eq!(
            route_of(Method::Delete, "/__mock/orgs/blank-1"),
            Ok(ControlRoute::DeleteOrg { org_id: org() })
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
