//! The router of the Zoho API: one match on (method, path segments) into a typed [`CrmRoute`]
//! or [`OauthRoute`].
//!
//! Unknown paths answer `INVALID_URL_PATTERN` (404); a known path with a method it does not serve
//! answers `INVALID_REQUEST_METHOD` (400). The API version in the path is checked after the path
//! is known, so `/crm/v2/settings/portals` is "not supported in this version", not "unknown".

use crate::api::error::ApiError;
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
        Oauth(OauthRoute),
    }

    fn route_of(method: Method, path: &str) -> Result<Route, ApiError> {
        let request = ApiRequest::new(method, path, Bytes::new(), "127.0.0.1:1".parse().unwrap());
        match request.segment_strs().as_slice() {
            ["crm", rest @ ..] => {
                crm(method, rest).map(|(version, operation)| Route::Crm { version, operation })
            }
            ["oauth", rest @ ..] => oauth(method, rest).map(Route::Oauth),
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
}
