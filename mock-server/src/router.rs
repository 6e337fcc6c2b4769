//! The router: one match on (method, path segments) into a typed [`Route`].
//!
//! Unknown paths answer `INVALID_URL_PATTERN` (404); a known path with a method it does not serve
//! answers `INVALID_REQUEST_METHOD` (400). The API version in the path is checked after the path
//! is known, so `/crm/v2/settings/portals` is "not supported in this version", not "unknown".

use crate::error::ApiError;
use crate::http::Method;
use crate::version::ApiVersion;

/// The endpoints of the accounts server (`/oauth/…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OauthRoute {
    /// `POST /oauth/v2/token`: the accounts server's token endpoint.
    Token,
    /// `POST /oauth/v2/token/revoke`: revoke a refresh token.
    Revoke,
}

/// The Portals API operations (names follow `portals-api.md` §3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrmRoute {
    /// P1 `GET /settings/portals`
    ListPortals,
    /// P2 `GET /settings/portals/{portal}`
    GetPortal {
        /// The portal name from the path.
        portal: String,
    },
    /// P3 `POST /settings/portals`
    CreatePortal,
    /// P4 `PUT /settings/portals/{portal}`
    UpdatePortal {
        /// The portal name from the path.
        portal: String,
    },
    /// M1 `GET /settings/portals/meta`
    PortalsMeta,
    /// UT1 `GET /settings/portals/{portal}/user_type`
    ListUserTypes {
        /// The portal name.
        portal: String,
    },
    /// UT3 `POST /settings/portals/{portal}/user_type`
    CreateUserType {
        /// The portal name.
        portal: String,
    },
    /// UT2 `GET /settings/portals/{portal}/user_type/{id}`
    GetUserType {
        /// The portal name.
        portal: String,
        /// The user type id.
        id: String,
    },
    /// UT4 `PUT /settings/portals/{portal}/user_type/{id}`
    UpdateUserType {
        /// The portal name.
        portal: String,
        /// The user type id.
        id: String,
    },
    /// UT5 `DELETE /settings/portals/{portal}/user_type/{id}`
    DeleteUserType {
        /// The portal name.
        portal: String,
        /// The user type id.
        id: String,
    },
    /// U1 `GET …/user_type/{id}/users`
    ListUsers {
        /// The portal name.
        portal: String,
        /// The user type id.
        user_type: String,
    },
    /// U2 `DELETE …/user_type/{id}/users`
    DeleteUsers {
        /// The portal name.
        portal: String,
        /// The user type id.
        user_type: String,
    },
    /// U3 `POST …/user_type/{id}/users/action/transfer`
    TransferUsers {
        /// The portal name.
        portal: String,
        /// The user type id.
        user_type: String,
    },
    /// U4 `PUT …/user_type/{id}/users/{user_id}/actions/change_status`
    ChangeUserStatus {
        /// The portal name.
        portal: String,
        /// The user type id.
        user_type: String,
        /// The personality (record) id.
        user: String,
    },
    /// U5 `PUT …/user_type/{id}/users/actions/change_status`
    BulkChangeStatus {
        /// The portal name.
        portal: String,
        /// The user type id.
        user_type: String,
    },
    /// I1 `POST /{module}/{record_id}/actions/portal_invite`
    Invite {
        /// The module API name.
        module: String,
        /// The record id.
        record: String,
    },
    /// I2 `POST /{module}/actions/portal_invite`
    BulkInvite {
        /// The module API name.
        module: String,
    },
    /// I3 `GET /{module}/actions/portal_invite`
    InviteJobs {
        /// The module API name.
        module: String,
    },
    /// Records API `POST /{module}`: add records.
    CreateRecords {
        /// The module API name.
        module: String,
    },
    /// Records API `GET /{module}/{id}`: one record.
    GetRecord {
        /// The module API name.
        module: String,
        /// The record id.
        id: String,
    },
    /// Records API `DELETE /{module}?ids=` or `DELETE /{module}/{id}`: to the recycle bin.
    DeleteRecords {
        /// The module API name.
        module: String,
        /// The record id of the path form.
        id: Option<String>,
    },
    /// Users API `GET /users` (`?type=CurrentUser` is what Zoho's SDKs call after a token fetch).
    GetUsers,
    /// Organization API `GET /org` (the SDKs' second call after a token fetch).
    GetOrg,
}

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

/// Resolves the segments of a `/crm/` path after `crm` (`{version}/…`) to the API version and
/// the operation, or the documented routing error.
pub fn crm(method: Method, rest: &[&str]) -> Result<(ApiVersion, CrmRoute), ApiError> {
    let [version, rest @ ..] = rest else {
        return Err(ApiError::InvalidUrlPattern);
    };
    let operation = crm_route(method, rest)?;
    let version = ApiVersion::parse(version)?;
    Ok((version, operation))
}

/// Resolves the segments of an `/oauth/` path after `oauth`.
pub fn oauth(method: Method, rest: &[&str]) -> Result<OauthRoute, ApiError> {
    let route = match rest {
        ["v2", "token"] => OauthRoute::Token,
        ["v2", "token", "revoke"] => OauthRoute::Revoke,
        _ => return Err(ApiError::InvalidUrlPattern),
    };
    if method == Method::Post {
        Ok(route)
    } else {
        Err(ApiError::InvalidRequestMethod)
    }
}

/// Resolves the segments of a `/__mock/` path after `__mock`.
pub fn control(method: Method, rest: &[&str]) -> Result<ControlRoute, ApiError> {
    control_route(method, rest)
}

fn crm_route(method: Method, rest: &[&str]) -> Result<CrmRoute, ApiError> {
    use Method::{Delete, Get, Post, Put};
    let owned = |text: &&str| (*text).to_owned();
    match (rest, method) {
        // The Users and Organization APIs come first: `users` and `org` are not record modules,
        // so no `{module}` route may take them.
        (["users"], Get) => Ok(CrmRoute::GetUsers),
        (["org"], Get) => Ok(CrmRoute::GetOrg),
        (["users"] | ["org"], _) => Err(ApiError::InvalidRequestMethod),
        // "meta" is shorter than any portal name (6 characters at least), so it never shadows one.
        (["settings", "portals", "meta"], Get) => Ok(CrmRoute::PortalsMeta),
        (["settings", "portals", "meta"], _) => Err(ApiError::InvalidRequestMethod),
        (["settings", "portals", portal, "user_type"], Get) => Ok(CrmRoute::ListUserTypes {
            portal: owned(portal),
        }),
        (["settings", "portals", portal, "user_type"], Post) => Ok(CrmRoute::CreateUserType {
            portal: owned(portal),
        }),
        (["settings", "portals", _, "user_type"], _) => Err(ApiError::InvalidRequestMethod),
        (["settings", "portals", portal, "user_type", id], Get) => Ok(CrmRoute::GetUserType {
            portal: owned(portal),
            id: owned(id),
        }),
        (["settings", "portals", portal, "user_type", id], Put) => Ok(CrmRoute::UpdateUserType {
            portal: owned(portal),
            id: owned(id),
        }),
        (["settings", "portals", portal, "user_type", id], Delete) => {
            Ok(CrmRoute::DeleteUserType {
                portal: owned(portal),
                id: owned(id),
            })
        }
        (["settings", "portals", _, "user_type", _], _) => Err(ApiError::InvalidRequestMethod),
        (
            [
                "settings",
                "portals",
                portal,
                "user_type",
                user_type,
                "users",
            ],
            Get,
        ) => Ok(CrmRoute::ListUsers {
            portal: owned(portal),
            user_type: owned(user_type),
        }),
        (
            [
                "settings",
                "portals",
                portal,
                "user_type",
                user_type,
                "users",
            ],
            Delete,
        ) => Ok(CrmRoute::DeleteUsers {
            portal: owned(portal),
            user_type: owned(user_type),
        }),
        (["settings", "portals", _, "user_type", _, "users"], _) => {
            Err(ApiError::InvalidRequestMethod)
        }
        (
            [
                "settings",
                "portals",
                portal,
                "user_type",
                user_type,
                "users",
                "action",
                "transfer",
            ],
            Post,
        ) => Ok(CrmRoute::TransferUsers {
            portal: owned(portal),
            user_type: owned(user_type),
        }),
        (
            [
                "settings",
                "portals",
                _,
                "user_type",
                _,
                "users",
                "action",
                "transfer",
            ],
            _,
        ) => Err(ApiError::InvalidRequestMethod),
        (
            [
                "settings",
                "portals",
                portal,
                "user_type",
                user_type,
                "users",
                "actions",
                "change_status",
            ],
            Put,
        ) => Ok(CrmRoute::BulkChangeStatus {
            portal: owned(portal),
            user_type: owned(user_type),
        }),
        (
            [
                "settings",
                "portals",
                _,
                "user_type",
                _,
                "users",
                "actions",
                "change_status",
            ],
            _,
        ) => Err(ApiError::InvalidRequestMethod),
        (
            [
                "settings",
                "portals",
                portal,
                "user_type",
                user_type,
                "users",
                user,
                "actions",
                "change_status",
            ],
            Put,
        ) => Ok(CrmRoute::ChangeUserStatus {
            portal: owned(portal),
            user_type: owned(user_type),
            user: owned(user),
        }),
        (
            [
                "settings",
                "portals",
                _,
                "user_type",
                _,
                "users",
                _,
                "actions",
                "change_status",
            ],
            _,
        ) => Err(ApiError::InvalidRequestMethod),
        (["settings", "portals"], Get) => Ok(CrmRoute::ListPortals),
        (["settings", "portals"], Post) => Ok(CrmRoute::CreatePortal),
        (["settings", "portals"], _) => Err(ApiError::InvalidRequestMethod),
        (["settings", "portals", portal], Get) => Ok(CrmRoute::GetPortal {
            portal: (*portal).to_owned(),
        }),
        (["settings", "portals", portal], Put) => Ok(CrmRoute::UpdatePortal {
            portal: (*portal).to_owned(),
        }),
        (["settings", "portals", _], _) => Err(ApiError::InvalidRequestMethod),
        (["settings", ..], _) => Err(ApiError::InvalidUrlPattern),
        ([module, record, "actions", "portal_invite"], Post) => Ok(CrmRoute::Invite {
            module: owned(module),
            record: owned(record),
        }),
        ([_, _, "actions", "portal_invite"], _) => Err(ApiError::InvalidRequestMethod),
        ([module, "actions", "portal_invite"], Post) => Ok(CrmRoute::BulkInvite {
            module: owned(module),
        }),
        ([module, "actions", "portal_invite"], Get) => Ok(CrmRoute::InviteJobs {
            module: owned(module),
        }),
        ([_, "actions", "portal_invite"], _) => Err(ApiError::InvalidRequestMethod),
        // The Records API, as far as portable scenarios need it; its other methods are not served.
        ([module], Post) => Ok(CrmRoute::CreateRecords {
            module: owned(module),
        }),
        ([module], Delete) => Ok(CrmRoute::DeleteRecords {
            module: owned(module),
            id: None,
        }),
        ([module, id], Get) => Ok(CrmRoute::GetRecord {
            module: owned(module),
            id: owned(id),
        }),
        ([module, id], Delete) => Ok(CrmRoute::DeleteRecords {
            module: owned(module),
            id: Some(owned(id)),
        }),
        _ => Err(ApiError::InvalidUrlPattern),
    }
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

    /// A route of any plane, as the request path classifies it.
    #[derive(Debug, PartialEq)]
    enum Route {
        Crm {
            version: ApiVersion,
            operation: CrmRoute,
        },
        Control(ControlRoute),
        Oauth(OauthRoute),
    }

    fn route_of(method: Method, path: &str) -> Result<Route, ApiError> {
        let request = ApiRequest::new(method, path, Bytes::new(), "127.0.0.1:1".parse().unwrap());
        match request.segment_strs().as_slice() {
            ["crm", rest @ ..] => {
                crm(method, rest).map(|(version, operation)| Route::Crm { version, operation })
            }
            ["oauth", rest @ ..] => oauth(method, rest).map(Route::Oauth),
            ["__mock", rest @ ..] => control(method, rest).map(Route::Control),
            _ => Err(ApiError::InvalidUrlPattern),
        }
    }

    #[test]
    fn known_paths_route_for_every_served_version() {
        for v in ["v4", "v5", "v6", "v7", "v8"] {
            let found = route_of(Method::Get, &format!("/crm/{v}/settings/portals")).unwrap();
            assert!(matches!(
                found,
                Route::Crm {
                    operation: CrmRoute::ListPortals,
                    ..
                }
            ));
        }
        assert_eq!(
            route_of(Method::Put, "/crm/v8/settings/portals/ZylkerAutos").unwrap(),
            Route::Crm {
                version: ApiVersion::V8,
                operation: CrmRoute::UpdatePortal {
                    portal: "ZylkerAutos".into()
                }
            }
        );
    }

    #[test]
    fn users_and_org_route_before_any_module_route() {
        assert_eq!(
            route_of(Method::Get, "/crm/v8/users?type=CurrentUser").unwrap(),
            Route::Crm {
                version: ApiVersion::V8,
                operation: CrmRoute::GetUsers
            }
        );
        assert_eq!(
            route_of(Method::Get, "/crm/v8/org").unwrap(),
            Route::Crm {
                version: ApiVersion::V8,
                operation: CrmRoute::GetOrg
            }
        );
        assert_eq!(
            route_of(Method::Post, "/crm/v8/org"),
            Err(ApiError::InvalidRequestMethod)
        );
    }

    #[test]
    fn wrong_method_on_a_known_path_is_invalid_request_method() {
        assert_eq!(
            route_of(Method::Delete, "/crm/v8/settings/portals"),
            Err(ApiError::InvalidRequestMethod)
        );
        assert_eq!(
            route_of(Method::Post, "/crm/v8/settings/portals/ZylkerAutos"),
            Err(ApiError::InvalidRequestMethod)
        );
    }

    #[test]
    fn unknown_paths_and_versions_are_reported_as_documented() {
        assert_eq!(
            route_of(Method::Get, "/crm/v8/settings/portalz"),
            Err(ApiError::InvalidUrlPattern)
        );
        assert_eq!(route_of(Method::Get, "/"), Err(ApiError::InvalidUrlPattern));
        assert_eq!(
            route_of(Method::Get, "/crm/v3/settings/portals"),
            Err(ApiError::UnsupportedVersion {
                supported_version: 4.0
            })
        );
        assert_eq!(
            route_of(Method::Get, "/crm/banana/settings/portals"),
            Err(ApiError::InvalidUrlPattern)
        );
    }

    #[test]
    fn an_orgs_state_and_its_deletion_route_to_the_control_plane() {
        let org = || "blank-1".to_owned();
        assert_eq!(
            route_of(Method::Get, "/__mock/orgs/blank-1/state"),
            Ok(Route::Control(ControlRoute::OrgState { org_id: org() }))
        );
        assert_eq!(
            route_of(Method::Delete, "/__mock/orgs/blank-1"),
            Ok(Route::Control(ControlRoute::DeleteOrg { org_id: org() }))
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
