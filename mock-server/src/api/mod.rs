//! The Zoho API: `/crm/` (the Portals, Users, Organization and Records APIs) and `/oauth/`
//! (the accounts server's token endpoints).
//!
//! A `/crm/` call goes through [`crm`]: [`router`] (path, then method), [`auth`] (the token),
//! the sandbox rule, the operation's scope and profile permission (one table, [`access`]), then
//! the resource's module (parse with [`body`], validate, apply, render). Every failure is an
//! [`error::ApiError`].

mod access;
pub mod auth;
mod body;
mod crm_users;
pub mod error;
mod invitations;
pub(crate) mod oauth;
mod org;
mod portal_users;
mod portals;
mod portals_meta;
mod records;
pub mod router;
mod user_type_modules;
mod user_types;

pub(crate) use oauth::Params as OauthParams;

use self::auth::{Caller, ScopeFamily};
use self::router::{CrmRoute, OauthRoute};
use crate::api::error::ApiError;
use crate::clock::parse_offset;
use crate::domain::jobs::Requester;
use crate::http::{ApiRequest, ApiResponse};
use crate::state::AppState;
use crate::version::ApiVersion;

/// Answers a `/crm/` request: route it, authenticate and authorise the caller, run the
/// resource's handler.
pub(crate) fn crm(state: &AppState, request: &ApiRequest) -> ApiResponse {
    crm_call(state, request).unwrap_or_else(ApiResponse::from)
}

/// Answers an `/oauth/` request.
pub(crate) fn oauth(state: &AppState, request: &ApiRequest) -> ApiResponse {
    let segments = request.segment_strs();
    match router::oauth(request.method, segments.get(1..).unwrap_or_default()) {
        Ok(OauthRoute::Token) => oauth::token(state, request),
        Ok(OauthRoute::Revoke) => oauth::revoke(state, request),
        Err(error) => error.into(),
    }
}

/// What a `/crm/` handler gets: who calls, in which org and version, and "now".
pub struct Ctx<'a> {
    pub state: &'a AppState,
    pub request: &'a ApiRequest,
    /// The API version in the path.
    pub version: ApiVersion,
    pub caller: Caller,
    /// The org's offset, for printing timestamps.
    pub offset: time::UtcOffset,
    /// Now, in Unix seconds.
    pub now: i64,
}

impl Ctx<'_> {
    /// The caller as the one who schedules a job, now.
    pub fn requester(&self) -> Requester<'_> {
        Requester {
            org_id: &self.caller.org_id,
            user_id: &self.caller.user_id,
            now: self.now,
        }
    }
}

fn crm_call(state: &AppState, request: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let segments = request.segment_strs();
    let (version, operation) = router::crm(request.method, segments.get(1..).unwrap_or_default())?;
    let operation = &operation;
    let caller = auth::authenticate(
        &state.store,
        request.authorization.as_deref(),
        state.clock.now(),
    )?;
    let now = caller.now;
    let on_sandbox_host = request
        .host
        .as_deref()
        .is_some_and(|host| host.to_ascii_lowercase().starts_with("sandbox."));
    let access = access::of(operation);
    // The Users and Organization APIs serve sandboxes; only the Portals API does not.
    if (caller.sandbox || on_sandbox_host || state.config.sandbox)
        && access.family == ScopeFamily::ClientPortal
    {
        return Err(ApiError::SandboxNotSupported);
    }
    let granted = match (access.family, access::record_module(operation)) {
        (ScopeFamily::Modules, Some(module)) => caller.has_module_scope(module, access.scope),
        (family, _) => caller.has_scope_in(family, access.scope),
    };
    if !granted {
        return Err(ApiError::OauthScopeMismatch);
    }
    if let Some(needed) = access.permission
        && !caller.has_permission(needed)
    {
        return Err(access.denial);
    }
    let org = state
        .store
        .org(&caller.org_id)?
        .ok_or(ApiError::InvalidToken)?;
    let offset = parse_offset(&org.utc_offset).map_err(|_| ApiError::InternalError)?;
    let ctx = Ctx {
        state,
        request,
        version,
        caller,
        offset,
        now,
    };
    match operation {
        CrmRoute::ListPortals => portals::list(&ctx),
        CrmRoute::GetPortal(portal) => portals::get(&ctx, portal),
        CrmRoute::CreatePortal => portals::create(&ctx, &org),
        CrmRoute::UpdatePortal(portal) => portals::update(&ctx, portal),
        CrmRoute::PortalsMeta => portals_meta::get(&ctx),
        CrmRoute::ListUserTypes(portal) => user_types::list(&ctx, portal),
        CrmRoute::GetUserType(path) => user_types::get(&ctx, &path.portal, &path.id),
        CrmRoute::CreateUserType(portal) => user_types::create(&ctx, portal, &org),
        CrmRoute::UpdateUserType(path) => user_types::update(&ctx, &path.portal, &path.id),
        CrmRoute::DeleteUserType(path) => user_types::delete(&ctx, &path.portal, &path.id),
        CrmRoute::ListUsers(path) => portal_users::list(&ctx, &path.portal, &path.id),
        CrmRoute::DeleteUsers(path) => portal_users::delete(&ctx, &path.portal, &path.id),
        CrmRoute::TransferUsers(path) => portal_users::transfer(&ctx, &path.portal, &path.id),
        CrmRoute::ChangeUserStatus(path, user) => {
            portal_users::change_status(&ctx, &org, &path.portal, &path.id, user)
        }
        CrmRoute::BulkChangeStatus(path) => {
            portal_users::bulk_change_status(&ctx, &path.portal, &path.id)
        }
        CrmRoute::Invite(path) => invitations::invite(&ctx, &org, &path.module, &path.id),
        CrmRoute::BulkInvite(module) => invitations::bulk_invite(&ctx, module),
        CrmRoute::InviteJobs(module) => invitations::job_status(&ctx, module),
        CrmRoute::GetUsers => crm_users::list(&ctx),
        CrmRoute::GetOrg => org::get(&ctx, &org),
        CrmRoute::CreateRecords(module) => records::create(&ctx, module),
        CrmRoute::GetRecord(path) => records::get(&ctx, &path.module, &path.id),
        CrmRoute::DeleteRecords(module) => records::delete(&ctx, module, None),
        CrmRoute::DeleteRecord(path) => records::delete(&ctx, &path.module, Some(path.id.as_str())),
    }
}
