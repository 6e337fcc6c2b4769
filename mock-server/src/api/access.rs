//! Who may call what: each `/crm/` operation's scope family and operation, the profile
//! permission it needs, and the 403 body when that permission is missing.
//!
//! Zoho documents two 403 bodies for each portal and user-type operation. The mock answers the
//! one naming the permission (`Crm_Implied_Manage_ClientPortal`) to a profile without any portal
//! permission, and the one with `details: {}` to a profile that manages portal users but has
//! "Manage Portal" disabled (`NoPermissionManagePortalsDisabledError`); the list of portals
//! documents only the `{}` body and answers it to both.

use crate::api::auth::{Permission, ScopeFamily, ScopeOp};
use crate::api::error::{ApiError, message, permission};
use crate::api::router::CrmRoute;
use crate::version::ApiVersion;

/// What an operation needs: a scope, a profile permission, and the 403 body when it is missing.
pub(super) struct Access {
    pub(super) family: ScopeFamily,
    pub(super) scope: ScopeOp,
    pub(super) permission: Option<Permission>,
    pub(super) denial: ApiError,
    /// The 403 body instead when the caller's profile holds the other portal permission
    /// ("Manage Portal Users" without "Manage Portal"); `None`: `denial` for every caller.
    pub(super) denial_with_other_permission: Option<ApiError>,
}

impl Access {
    /// The 403 body for a caller without the needed permission; `manages_portal_users`: the
    /// caller's profile has "Manage Portal Users".
    pub(super) fn denial_for(self, manages_portal_users: bool) -> ApiError {
        match self.denial_with_other_permission {
            Some(denial) if manages_portal_users => denial,
            _ => self.denial,
        }
    }
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
    let portal_access = |scope: ScopeOp, with_details: bool| Access {
        family: ScopeFamily::ClientPortal,
        scope,
        permission: Some(Permission::ManagePortal),
        denial: portal_denial(with_details),
        denial_with_other_permission: Some(portal_denial(false)),
    };
    match operation {
        CrmRoute::ListPortals => portal_access(ScopeOp::Read, false),
        CrmRoute::GetPortal(..) => portal_access(ScopeOp::Read, true),
        CrmRoute::CreatePortal => portal_access(ScopeOp::Create, true),
        CrmRoute::UpdatePortal(..) => portal_access(ScopeOp::Update, true),
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

/// A second scope operation an operation also accepts on v8: transfers take CREATE, which the
/// newer v8 OpenAPI file names, as well as the UPDATE of the v8 documentation page and Kaizen #73.
pub(super) fn v8_alternative_scope(operation: &CrmRoute, version: ApiVersion) -> Option<ScopeOp> {
    match operation {
        CrmRoute::TransferUsers(..) if version >= ApiVersion::V8 => Some(ScopeOp::Create),
        _ => None,
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
        denial_with_other_permission: None,
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
        denial_with_other_permission: None,
    }
}

/// The user-type endpoints need "Manage Portal"; their 403 says "No permission" with the
/// permission, or "NO_PERMISSION" with `details: {}` to a manager of portal users.
fn user_type_access(scope: ScopeOp) -> Access {
    Access {
        family: ScopeFamily::ClientPortal,
        scope,
        permission: Some(Permission::ManagePortal),
        denial: ApiError::NoPermission {
            permissions: vec![permission::MANAGE_PORTAL],
            message: "No permission",
        },
        denial_with_other_permission: Some(ApiError::NoPermission {
            permissions: vec![],
            message: "NO_PERMISSION",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::router::UserTypePath;

    #[test]
    fn a_v8_transfer_also_takes_the_create_scope_and_nothing_else_does() {
        let path = UserTypePath {
            portal: "ZylkerAutos".into(),
            id: "1306462000001813022".into(),
        };
        let transfer = CrmRoute::TransferUsers(path.clone());
        assert_eq!(of(&transfer).scope, ScopeOp::Update);
        assert_eq!(
            v8_alternative_scope(&transfer, ApiVersion::V8),
            Some(ScopeOp::Create)
        );
        assert_eq!(v8_alternative_scope(&transfer, ApiVersion::V7), None);
        let status = CrmRoute::BulkChangeStatus(path);
        assert_eq!(v8_alternative_scope(&status, ApiVersion::V8), None);
    }
}
