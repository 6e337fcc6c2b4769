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
mod invitations;
pub(crate) mod jobs;
mod membership;
mod oauth;
mod portal_users;
mod portals;
mod portals_meta;
mod records;
mod user_type_modules;
mod user_types;

pub(crate) use oauth::Params as OauthParams;

use crate::auth::{self, Caller, Permission, ScopeOp};
use crate::clock::parse_offset;
use crate::error::{ApiError, message, permission};
use crate::http::{ApiRequest, ApiResponse};
use crate::router::{CrmRoute, Route, route};
use crate::state::AppState;
use crate::store::orgs;
use crate::version::ApiVersion;

/// Answers one request. Never panics on bad input: every failure is a documented error body.
pub fn handle(state: &AppState, request: &ApiRequest) -> ApiResponse {
    match route(request) {
        Ok(Route::Crm { version, operation }) => {
            crm(state, request, version, &operation).unwrap_or_else(ApiResponse::from)
        }
        Ok(Route::OauthToken) => oauth::token(state, request),
        Ok(Route::OauthRevoke) => oauth::revoke(state, request),
        Ok(Route::Control(operation)) => control::handle(state, request, &operation),
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

fn crm(
    state: &AppState,
    request: &ApiRequest,
    version: ApiVersion,
    operation: &CrmRoute,
) -> Result<ApiResponse, ApiError> {
    let caller = auth::authenticate(&state.store, request.authorization.as_deref(), |org| {
        state.org_now(org)
    })?;
    let now = state.org_now(&caller.org_id)?;
    let on_sandbox_host = request
        .host
        .as_deref()
        .is_some_and(|host| host.to_ascii_lowercase().starts_with("sandbox."));
    if caller.sandbox || on_sandbox_host || state.config.sandbox {
        return Err(ApiError::SandboxNotSupported);
    }
    match access(operation) {
        Some(access) => {
            if !caller.has_scope(access.scope) {
                return Err(ApiError::OauthScopeMismatch);
            }
            if !caller.has_permission(access.permission) {
                return Err(access.denial);
            }
        }
        None => {
            let (module, op) = record_access(operation);
            if !caller.has_module_scope(module, op) {
                return Err(ApiError::OauthScopeMismatch);
            }
        }
    }
    let org = state
        .store
        .read(|conn| orgs::get(conn, &caller.org_id))?
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
        CrmRoute::CreateRecords { module } => records::create(&ctx, module),
        CrmRoute::GetRecord { module, id } => records::get(&ctx, module, id),
        CrmRoute::DeleteRecords { module, id } => records::delete(&ctx, module, id.as_deref()),
    }
}

/// What an operation needs: a scope, a profile permission, and the 403 body when it is missing.
struct Access {
    scope: ScopeOp,
    permission: Permission,
    denial: ApiError,
}

/// The Portals operations' access; `None` for the Records API, which needs a module scope
/// ([`record_access`]) and no portal permission.
fn access(operation: &CrmRoute) -> Option<Access> {
    let portal_denial = |with_details: bool| ApiError::NoPermission {
        permissions: if with_details {
            vec![permission::MANAGE_PORTAL]
        } else {
            vec![]
        },
        message: message::PERMISSION_IS_INVALID,
    };
    Some(match operation {
        CrmRoute::ListPortals => Access {
            scope: ScopeOp::Read,
            permission: Permission::ManagePortal,
            denial: portal_denial(false),
        },
        CrmRoute::GetPortal { .. } => Access {
            scope: ScopeOp::Read,
            permission: Permission::ManagePortal,
            denial: portal_denial(true),
        },
        CrmRoute::CreatePortal => Access {
            scope: ScopeOp::Create,
            permission: Permission::ManagePortal,
            denial: portal_denial(true),
        },
        CrmRoute::UpdatePortal { .. } => Access {
            scope: ScopeOp::Update,
            permission: Permission::ManagePortal,
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
        CrmRoute::CreateRecords { .. }
        | CrmRoute::GetRecord { .. }
        | CrmRoute::DeleteRecords { .. } => return None,
    })
}

/// The module and operation a Records API call needs a `ZohoCRM.modules.…` scope for.
fn record_access(operation: &CrmRoute) -> (&str, ScopeOp) {
    match operation {
        CrmRoute::CreateRecords { module } => (module, ScopeOp::Create),
        CrmRoute::GetRecord { module, .. } => (module, ScopeOp::Read),
        CrmRoute::DeleteRecords { module, .. } => (module, ScopeOp::Delete),
        _ => ("", ScopeOp::Read),
    }
}

/// The users and invitation endpoints need "Manage Portal Users"; their 403 says "NO_PERMISSION".
fn users_access(scope: ScopeOp) -> Access {
    Access {
        scope,
        permission: Permission::ManagePortalUsers,
        denial: ApiError::NoPermission {
            permissions: vec![permission::MANAGE_PORTAL_USERS],
            message: "NO_PERMISSION",
        },
    }
}

/// The user-type endpoints need "Manage Portal"; their 403 says "No permission".
fn user_type_access(scope: ScopeOp) -> Access {
    Access {
        scope,
        permission: Permission::ManagePortal,
        denial: ApiError::NoPermission {
            permissions: vec![permission::MANAGE_PORTAL],
            message: "No permission",
        },
    }
}
