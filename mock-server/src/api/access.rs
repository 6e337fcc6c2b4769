//! Who may call what: each `/crm/` operation's scope family and operation, the profile
//! permission it needs, and the 403 body when that permission is missing.

use crate::api::auth::{Permission, ScopeFamily, ScopeOp};
use crate::api::error::{ApiError, message, permission};
use crate::api::router::CrmRoute;

/// What an operation needs: a scope, a profile permission, and the 403 body when it is missing.
pub(super) struct Access {
    pub(super) family: ScopeFamily,
    pub(super) scope: ScopeOp,
    pub(super) permission: Option<Permission>,
    pub(super) denial: ApiError,
}

/// What `operation` needs.
pub(super) fn of(operation: &CrmRoute) -> Access {
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
        CrmRoute::GetPortal(..) => Access {
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
        CrmRoute::UpdatePortal(..) => Access {
            family: ScopeFamily::ClientPortal,
            scope: ScopeOp::Update,
            permission: Some(Permission::ManagePortal),
            denial: portal_denial(true),
        },
        CrmRoute::PortalsMeta | CrmRoute::ListUserTypes(..) | CrmRoute::GetUserType(..) => {
            user_type_access(ScopeOp::Read)
        }
        CrmRoute::CreateUserType(..) => user_type_access(ScopeOp::Create),
        CrmRoute::UpdateUserType(..) => user_type_access(ScopeOp::Update),
        CrmRoute::DeleteUserType(..) => user_type_access(ScopeOp::Delete),
        CrmRoute::ListUsers(..) | CrmRoute::InviteJobs(..) => users_access(ScopeOp::Read),
        CrmRoute::Invite(..) | CrmRoute::BulkInvite(..) => users_access(ScopeOp::Create),
        CrmRoute::TransferUsers(..)
        | CrmRoute::ChangeUserStatus(..)
        | CrmRoute::BulkChangeStatus(..) => users_access(ScopeOp::Update),
        CrmRoute::DeleteUsers(..) => users_access(ScopeOp::Delete),
        CrmRoute::GetUsers => open_access(ScopeFamily::Users, ScopeOp::Read),
        CrmRoute::GetOrg => open_access(ScopeFamily::Org, ScopeOp::Read),
        CrmRoute::GetFields => open_access(ScopeFamily::Fields, ScopeOp::Read),
        CrmRoute::CreateRecords(_) => open_access(ScopeFamily::Modules, ScopeOp::Create),
        CrmRoute::GetRecord(_)
        | CrmRoute::ListRecords(_)
        | CrmRoute::SearchRecords(_)
        | CrmRoute::DeletedRecords(_) => open_access(ScopeFamily::Modules, ScopeOp::Read),
        CrmRoute::UpdateRecords(_) | CrmRoute::UpdateRecord(_) => {
            open_access(ScopeFamily::Modules, ScopeOp::Update)
        }
        CrmRoute::UpsertRecords(_) => open_access(ScopeFamily::Modules, ScopeOp::Create),
        CrmRoute::DeleteRecords(_) | CrmRoute::DeleteRecord(_) => {
            open_access(ScopeFamily::Modules, ScopeOp::Delete)
        }
    }
}

/// The module a Records API call works on (its scope is `ZohoCRM.modules.<module>.<OP>`).
pub(super) fn record_module(operation: &CrmRoute) -> Option<&str> {
    match operation {
        CrmRoute::CreateRecords(module)
        | CrmRoute::DeleteRecords(module)
        | CrmRoute::ListRecords(module)
        | CrmRoute::SearchRecords(module)
        | CrmRoute::UpdateRecords(module)
        | CrmRoute::UpsertRecords(module)
        | CrmRoute::DeletedRecords(module) => Some(module),
        CrmRoute::GetRecord(path) | CrmRoute::DeleteRecord(path) | CrmRoute::UpdateRecord(path) => {
            Some(&path.module)
        }
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
