//! The router of the Zoho API: the path first, then the method, into a typed [`CrmRoute`] or
//! [`OauthRoute`].
//!
//! Unknown paths answer `INVALID_URL_PATTERN` (404); a known path with a method it does not serve
//! answers `INVALID_REQUEST_METHOD` (400), through [`Method::pick`]. The API version in the path
//! is checked after the path is known, so `/crm/v2/settings/portals` is "not supported in this
//! version", not "unknown"; before v4 only [`CrmRoute::served_before_v4`] answers. Adding an
//! endpoint: a variant, an arm (or a method in an arm's list) here, and its handler.

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
    /// `GET /oauth/v2/auth`: the authorization (consent) step, auto-approved.
    Authorize,
}

/// A user type in a path: `/settings/portals/{portal}/user_type/{id}…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserTypePath {
    /// The portal's name.
    pub portal: String,
    /// The user type's id.
    pub id: String,
}

/// A record in a path: `/{module}/{id}…` (a module's API name and a record id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordPath {
    /// The module's API name.
    pub module: String,
    /// The record's id.
    pub id: String,
}

/// The `/crm/{version}/…` operations (names follow `docs/api.md` §3). A `String` is the
/// portal name under `/settings/portals/`, and the module's API name elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrmRoute {
    /// P1 `GET /settings/portals`
    ListPortals,
    /// P2 `GET /settings/portals/{portal}`
    GetPortal(String),
    /// P3 `POST /settings/portals`
    CreatePortal,
    /// P4 `PUT /settings/portals/{portal}`
    UpdatePortal(String),
    /// M1 `GET /settings/portals/meta`
    PortalsMeta,
    /// UT1 `GET /settings/portals/{portal}/user_type`
    ListUserTypes(String),
    /// UT3 `POST /settings/portals/{portal}/user_type`
    CreateUserType(String),
    /// UT2 `GET /settings/portals/{portal}/user_type/{id}`
    GetUserType(UserTypePath),
    /// UT4 `PUT /settings/portals/{portal}/user_type/{id}`
    UpdateUserType(UserTypePath),
    /// UT5 `DELETE /settings/portals/{portal}/user_type/{id}`
    DeleteUserType(UserTypePath),
    /// U1 `GET …/user_type/{id}/users`
    ListUsers(UserTypePath),
    /// U2 `DELETE …/user_type/{id}/users`
    DeleteUsers(UserTypePath),
    /// U3 `POST …/user_type/{id}/users/action/transfer`
    TransferUsers(UserTypePath),
    /// U4 `PUT …/user_type/{id}/users/{personality_id}/actions/change_status`
    ChangeUserStatus(UserTypePath, String),
    /// U5 `PUT …/user_type/{id}/users/actions/change_status`
    BulkChangeStatus(UserTypePath),
    /// I1 `POST /{module}/{record_id}/actions/portal_invite`
    Invite(RecordPath),
    /// I2 `POST /{module}/actions/portal_invite`
    BulkInvite(String),
    /// I3 `GET /{module}/actions/portal_invite`
    InviteJobs(String),
    /// R1 `POST /{module}`: add records.
    CreateRecords(String),
    /// R2 `GET /{module}/{id}`: one record.
    GetRecord(RecordPath),
    /// R4 `GET /{module}`: a page of records.
    ListRecords(String),
    /// R5 `GET /{module}/search`: search records.
    SearchRecords(String),
    /// R6 `PUT /{module}`: update records (ids in the body).
    UpdateRecords(String),
    /// R6 `PUT /{module}/{id}`: update one record.
    UpdateRecord(RecordPath),
    /// R7 `POST /{module}/upsert`: add or update by duplicate check fields.
    UpsertRecords(String),
    /// R8 `GET /{module}/deleted`: deleted records.
    DeletedRecords(String),
    /// R3 `DELETE /{module}?ids=`: to the recycle bin.
    DeleteRecords(String),
    /// R3 `DELETE /{module}/{id}`: to the recycle bin.
    DeleteRecord(RecordPath),
    /// Users API `GET /users` (`?type=CurrentUser` is what Zoho's SDKs call after a token fetch).
    GetUsers,
    /// Organization API `GET /org` (the SDKs' second call after a token fetch).
    GetOrg,
    /// F1 `GET /settings/fields?module=` (the SDKs read it before their first record call).
    GetFields,
}

/// Resolves the segments of a `/crm/` path after `crm` (`{version}/…`) to the API version and
/// the operation, or the documented routing error.
pub fn crm(method: Method, rest: &[&str]) -> Result<(ApiVersion, CrmRoute), ApiError> {
    let [version, rest @ ..] = rest else {
        return Err(ApiError::InvalidUrlPattern);
    };
    let operation = crm_route(method, rest)?;
    let version = ApiVersion::parse(version)?;
    version.require_portals_api(operation.served_before_v4())?;
    Ok((version, operation))
}

impl CrmRoute {
    /// Whether v2, v2.1 and v3 serve the operation: the single invite only, a record action
    /// that integrations call on v2 (fixtures/FIDELITY.md, "Versions before v4").
    pub fn served_before_v4(&self) -> bool {
        matches!(self, CrmRoute::Invite(_))
    }
}

/// Resolves the segments of an `/oauth/` path after `oauth`.
pub fn oauth(method: Method, rest: &[&str]) -> Result<OauthRoute, ApiError> {
    use Method::{Get, Post};
    match rest {
        ["v2", "auth"] => method.pick((), &[(Get, |()| OauthRoute::Authorize)]),
        ["v2", "token"] => method.pick((), &[(Post, |()| OauthRoute::Token)]),
        ["v2", "token", "revoke"] => method.pick((), &[(Post, |()| OauthRoute::Revoke)]),
        _ => Err(ApiError::InvalidUrlPattern),
    }
}

fn crm_route(method: Method, rest: &[&str]) -> Result<CrmRoute, ApiError> {
    use CrmRoute as R;
    use Method::{Delete, Get, Post, Put};
    let user_type = |portal: &str, id: &str| UserTypePath {
        portal: portal.to_owned(),
        id: id.to_owned(),
    };
    let record = |module: &str, id: &str| RecordPath {
        module: module.to_owned(),
        id: id.to_owned(),
    };
    match rest {
        // The Users and Organization APIs come first: `users` and `org` are not record modules,
        // so no `{module}` route may take them.
        ["users"] => method.pick((), &[(Get, |()| R::GetUsers)]),
        ["org"] => method.pick((), &[(Get, |()| R::GetOrg)]),
        ["settings", "portals"] => method.pick(
            (),
            &[(Get, |()| R::ListPortals), (Post, |()| R::CreatePortal)],
        ),
        // "meta" is shorter than any portal name (6 characters at least), so it never shadows one.
        ["settings", "portals", "meta"] => method.pick((), &[(Get, |()| R::PortalsMeta)]),
        ["settings", "portals", portal] => method.pick(
            (*portal).to_owned(),
            &[(Get, R::GetPortal), (Put, R::UpdatePortal)],
        ),
        ["settings", "portals", portal, "user_type"] => method.pick(
            (*portal).to_owned(),
            &[(Get, R::ListUserTypes), (Post, R::CreateUserType)],
        ),
        ["settings", "portals", portal, "user_type", id] => method.pick(
            user_type(portal, id),
            &[
                (Get, R::GetUserType),
                (Put, R::UpdateUserType),
                (Delete, R::DeleteUserType),
            ],
        ),
        [
            "settings",
            "portals",
            portal,
            "user_type",
            id,
            "users",
            users @ ..,
        ] => {
            let path = user_type(portal, id);
            match users {
                [] => method.pick(path, &[(Get, R::ListUsers), (Delete, R::DeleteUsers)]),
                ["action", "transfer"] => method.pick(path, &[(Post, R::TransferUsers)]),
                ["actions", "change_status"] => method.pick(path, &[(Put, R::BulkChangeStatus)]),
                [user, "actions", "change_status"] => method.pick(
                    (path, (*user).to_owned()),
                    &[(Put, |(path, user)| R::ChangeUserStatus(path, user))],
                ),
                _ => Err(ApiError::InvalidUrlPattern),
            }
        }
        ["settings", "fields"] => method.pick((), &[(Get, |()| R::GetFields)]),
        ["settings", ..] => Err(ApiError::InvalidUrlPattern),
        [module, id, "actions", "portal_invite"] => {
            method.pick(record(module, id), &[(Post, R::Invite)])
        }
        [module, "actions", "portal_invite"] => method.pick(
            (*module).to_owned(),
            &[(Post, R::BulkInvite), (Get, R::InviteJobs)],
        ),
        // The Records API. Its named paths come before `{id}`, and an `{id}` is digits: any
        // other segment under a module is an unknown URL, never a record id.
        [module] => method.pick(
            (*module).to_owned(),
            &[
                (Get, R::ListRecords),
                (Post, R::CreateRecords),
                (Put, R::UpdateRecords),
                (Delete, R::DeleteRecords),
            ],
        ),
        [module, "search"] => method.pick((*module).to_owned(), &[(Get, R::SearchRecords)]),
        [module, "deleted"] => method.pick((*module).to_owned(), &[(Get, R::DeletedRecords)]),
        [module, "upsert"] => method.pick((*module).to_owned(), &[(Post, R::UpsertRecords)]),
        [module, id] if is_record_id(id) => method.pick(
            record(module, id),
            &[
                (Get, R::GetRecord),
                (Put, R::UpdateRecord),
                (Delete, R::DeleteRecord),
            ],
        ),
        _ => Err(ApiError::InvalidUrlPattern),
    }
}

/// A record id in a path: digits only (Zoho's ids are 19 digits; at most 25 are taken).
fn is_record_id(segment: &str) -> bool {
    !segment.is_empty() && segment.len() <= 25 && segment.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests;
