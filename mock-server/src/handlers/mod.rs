//! Handlers: route a request, authenticate it, and run the resource's handler.
//!
//! `/crm/` calls go through [`crm`]: authentication, the sandbox rule, the operation's scope and
//! profile permission (one table, [`access`]), then the resource handler. The token endpoint
//! and the control plane have their own modules.

mod body;
mod control;
mod control_faults;
mod control_journal;
mod control_org;
mod control_state;
mod crm_users;
mod invitations;
pub(crate) mod jobs;
mod membership;
mod oauth;
mod org;
mod portal_users;
mod portals;
mod portals_meta;
mod records;
mod user_type_modules;
mod user_types;

pub(crate) use oauth::Params as OauthParams;

use crate::auth::{self, Caller, Permission, ScopeFamily, ScopeOp};
use crate::clock::parse_offset;
use crate::error::{ApiError, message, permission};
use crate::http::{ApiRequest, ApiResponse};
use crate::router::{self, CrmRoute, OauthRoute};
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

/// Answers a `/__mock/` request.
pub(crate) fn control(state: &AppState, request: &ApiRequest) -> ApiResponse {
    let segments = request.segment_strs();
    match router::control(request.method, segments.get(1..).unwrap_or_default()) {
        Ok(operation) => control::handle(state, request, &operation),
        Err(error) => error.into(),
    }
}

/// What a `/crm/` handler gets: who calls, in which org and version, and "now".
pub struct Ctx<'a> {
    /// Shared state.
    pub state: &'a AppState,
    /// The request.
    pub request: &'a ApiRequest,
    /// The API version in the path.
    pub version: ApiVersion,
    /// The authenticated caller.
    pub caller: Caller,
    /// The org's offset, for printing timestamps.
    pub offset: time::UtcOffset,
    /// Now, in Unix seconds.
    pub now: i64,
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
    let access = access(operation);
    // The Users and Organization APIs serve sandboxes; only the Portals API does not.
    if (caller.sandbox || on_sandbox_host || state.config.sandbox)
        && access.family == ScopeFamily::ClientPortal
    {
        return Err(ApiError::SandboxNotSupported);
    }
    let granted = match (access.family, record_module(operation)) {
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
        CrmRoute::GetPortal { portal } => portals::get(&ctx, portal),
        CrmRoute::CreatePortal => portals::create(&ctx, &org),
        CrmRoute::UpdatePortal { portal } => portals::update(&ctx, portal),
        CrmRoute::PortalsMeta => portals_meta::get(&ctx),
        CrmRoute::ListUserTypes { portal } => user_types::list(&ctx, portal),
        CrmRoute::GetUserType { portal, id } => user_types::get(&ctx, portal, id),
        CrmRoute::CreateUserType { portal } => user_types::create(&ctx, portal, &org),
        CrmRoute::UpdateUserType { portal, id } => user_types::update(&ctx, portal, id),
        CrmRoute::DeleteUserType { portal, id } => user_types::delete(&ctx, portal, id),
        CrmRoute::ListUsers { portal, user_type } => portal_users::list(&ctx, portal, user_type),
        CrmRoute::DeleteUsers { portal, user_type } => {
            portal_users::delete(&ctx, portal, user_type)
        }
        CrmRoute::TransferUsers { portal, user_type } => {
            portal_users::transfer(&ctx, portal, user_type)
        }
        CrmRoute::ChangeUserStatus {
            portal,
            user_type,
            user,
        } => portal_users::change_status(&ctx, &org, portal, user_type, user),
        CrmRoute::BulkChangeStatus { portal, user_type } => {
            portal_users::bulk_change_status(&ctx, portal, user_type)
        }
        CrmRoute::Invite { module, record } => invitations::invite(&ctx, &org, module, record),
        CrmRoute::BulkInvite { module } => invitations::bulk_invite(&ctx, module),
        CrmRoute::InviteJobs { module } => invitations::job_status(&ctx, module),
        CrmRoute::GetUsers => crm_users::list(&ctx),
        CrmRoute::GetOrg => org::get(&ctx, &org),
        CrmRoute::CreateRecords { module } => records::create(&ctx, module),
        CrmRoute::GetRecord { module, id } => records::get(&ctx, module, id),
        CrmRoute::DeleteRecords { module, id } => records::delete(&ctx, module, id.as_deref()),
    }
}

/// What an operation needs: a scope, a profile permission, and the 403 body when it is missing.
struct Access {
    family: ScopeFamily,
    scope: ScopeOp,
    permission: Option<Permission>,
    denial: ApiError,
}

fn access(operation: &CrmRoute) -> Access {
    let portal_denial = |with_details: bool| ApiError::NoPermission {
        permissions: if with_details {
            vec![permission::MANAGE_PORTAL]
        } else {
            vec![]
        },
        message: message::PERMISSION_IS_INVALID,
    };
    match operation {
        CrmRoute::ListPortals => Access {
            family: ScopeFamily::ClientPortal,
            scope: ScopeOp::Read,
            permission: Some(Permission::ManagePortal),
            denial: portal_denial(false),
        },
        CrmRoute::GetPortal { .. } => Access {
            family: ScopeFamily::ClientPortal,
            scope: ScopeOp::Read,
            permission: Some(Permission::ManagePortal),
            denial: portal_denial(true),
        },
        CrmRoute::CreatePortal => Access {
            family: ScopeFamily::ClientPortal,
            scope: ScopeOp::Create,
            permission: Some(Permission::ManagePortal),
            denial: portal_denial(true),
        },
        CrmRoute::UpdatePortal { .. } => Access {
            family: ScopeFamily::ClientPortal,
            scope: ScopeOp::Update,
            permission: Some(Permission::ManagePortal),
            denial: portal_denial(true),
        },
        CrmRoute::PortalsMeta | CrmRoute::ListUserTypes { .. } | CrmRoute::GetUserType { .. } => {
            user_type_access(ScopeOp::Read)
        }
        CrmRoute::CreateUserType { .. } => user_type_access(ScopeOp::Create),
        CrmRoute::UpdateUserType { .. } => user_type_access(ScopeOp::Update),
        CrmRoute::DeleteUserType { .. } => user_type_access(ScopeOp::Delete),
        CrmRoute::ListUsers { .. } | CrmRoute::InviteJobs { .. } => users_access(ScopeOp::Read),
        CrmRoute::Invite { .. } | CrmRoute::BulkInvite { .. } => users_access(ScopeOp::Create),
        CrmRoute::TransferUsers { .. }
        | CrmRoute::ChangeUserStatus { .. }
        | CrmRoute::BulkChangeStatus { .. } => users_access(ScopeOp::Update),
        CrmRoute::DeleteUsers { .. } => users_access(ScopeOp::Delete),
        CrmRoute::GetUsers => open_access(ScopeFamily::Users, ScopeOp::Read),
        CrmRoute::GetOrg => open_access(ScopeFamily::Org, ScopeOp::Read),
        CrmRoute::CreateRecords { .. } => open_access(ScopeFamily::Modules, ScopeOp::Create),
        CrmRoute::GetRecord { .. } => open_access(ScopeFamily::Modules, ScopeOp::Read),
        CrmRoute::DeleteRecords { .. } => open_access(ScopeFamily::Modules, ScopeOp::Delete),
    }
}

/// The module a Records API call works on (its scope is `ZohoCRM.modules.<module>.<OP>`).
fn record_module(operation: &CrmRoute) -> Option<&str> {
    match operation {
        CrmRoute::CreateRecords { module }
        | CrmRoute::GetRecord { module, .. }
        | CrmRoute::DeleteRecords { module, .. } => Some(module),
        _ => None,
    }
}

/// The Users, Organization and Records APIs: their scope's operation (or ALL), and any profile
/// may call them.
fn open_access(family: ScopeFamily, scope: ScopeOp) -> Access {
    Access {
        family,
        scope,
        permission: None,
        denial: ApiError::OauthScopeMismatch,
    }
}

/// The users and invitation endpoints need "Manage Portal Users"; their 403 says "NO_PERMISSION".
fn users_access(scope: ScopeOp) -> Access {
    Access {
        family: ScopeFamily::ClientPortal,
        scope,
        permission: Some(Permission::ManagePortalUsers),
        denial: ApiError::NoPermission {
            permissions: vec![permission::MANAGE_PORTAL_USERS],
            message: "NO_PERMISSION",
        },
    }
}

/// The user-type endpoints need "Manage Portal"; their 403 says "No permission".
fn user_type_access(scope: ScopeOp) -> Access {
    Access {
        family: ScopeFamily::ClientPortal,
        scope,
        permission: Some(Permission::ManagePortal),
        denial: ApiError::NoPermission {
            permissions: vec![permission::MANAGE_PORTAL],
            message: "No permission",
        },
    }
}
