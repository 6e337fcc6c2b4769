//! Authentication and authorisation of `/crm/` calls.
//!
//! `Authorization: Zoho-oauthtoken <token>` selects the org and the user. A missing header (or
//! another scheme) answers 401 `AUTHENTICATION_FAILURE`; an unknown or expired token 401
//! `INVALID_TOKEN`; a token without the operation's scope 401 `OAUTH_SCOPE_MISMATCH`; a user
//! whose profile lacks the portal permission 403 `NO_PERMISSION` with the endpoint's body.

use std::sync::Arc;

use crate::api::error::ApiError;
use crate::store::tokens::AccessGrant;
use crate::store::{Store, StoreError};

/// The authorization scheme Zoho's SDKs send: `Authorization: Zoho-oauthtoken <token>`.
pub const TOKEN_SCHEME: &str = "Zoho-oauthtoken";

/// The family of a scope: which part of the CRM API it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeFamily {
    /// `ZohoCRM.settings.clientportal.<OP>` (also granted by `ZohoCRM.settings.ALL`): the Portals API.
    ClientPortal,
    /// `ZohoCRM.users.<OP>`: the Users API.
    Users,
    /// `ZohoCRM.org.<OP>`: the Organization API.
    Org,
    /// `ZohoCRM.settings.fields.<OP>` (also granted by `ZohoCRM.settings.ALL`): the Fields API.
    Fields,
    /// `ZohoCRM.modules.<module>.<OP>` (or `ZohoCRM.modules.ALL`): the Records API, checked with
    /// [`Caller::has_module_scope`].
    Modules,
}

/// The operation a scope grants (`ZohoCRM.settings.clientportal.<OP>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeOp {
    /// READ
    Read,
    /// CREATE
    Create,
    /// UPDATE
    Update,
    /// DELETE
    Delete,
}

impl ScopeOp {
    fn name(self) -> &'static str {
        match self {
            ScopeOp::Read => "READ",
            ScopeOp::Create => "CREATE",
            ScopeOp::Update => "UPDATE",
            ScopeOp::Delete => "DELETE",
        }
    }
}

/// The authenticated caller: its token's grant (shared with the store's cache, not copied) and
/// now in its org's clock.
#[derive(Debug, Clone, PartialEq)]
pub struct Caller {
    /// The org the token selects.
    pub org_id: String,
    /// The CRM user (or client-portal user) it acts for.
    pub user_id: String,
    /// The org is a sandbox.
    pub sandbox: bool,
    grant: Arc<AccessGrant>,
    /// Now in the org's clock (Unix seconds).
    pub now: i64,
}

/// Which profile permission an operation needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// "Manage Portal".
    ManagePortal,
    /// "Manage Portal Users".
    ManagePortalUsers,
}

/// An access token's grant looked up earlier in the same request (the pipeline does, to tell
/// the request's org), with the store generation read before that lookup: while the generation
/// has not moved, the grant is what the store still holds, and the token is not looked up again.
#[derive(Debug, Clone)]
pub struct PriorLookup {
    /// The store's generation, read before the lookup.
    pub generation: u64,
    /// The grant (`None`: no such access token).
    pub grant: Option<Arc<AccessGrant>>,
}

impl PriorLookup {
    /// Looks an access token up now.
    pub fn of(store: &Store, token: &str) -> Result<PriorLookup, StoreError> {
        let generation = store.generation();
        let grant = store.access_token(token)?;
        Ok(PriorLookup { generation, grant })
    }
}

/// Resolves the `Authorization` header to a caller, at `server_now` by the server's clock.
/// Token expiry follows the clock of the token's org ([`Caller::now`]). `prior`: the same
/// token's lookup, still current, made earlier in the request.
pub fn authenticate(
    store: &Store,
    authorization: Option<&str>,
    server_now: i64,
    prior: Option<PriorLookup>,
) -> Result<Caller, ApiError> {
    let header = authorization.ok_or(ApiError::AuthenticationFailure)?.trim();
    let (scheme, token) = header.split_once(' ').unwrap_or((header, ""));
    if scheme != TOKEN_SCHEME {
        return Err(ApiError::AuthenticationFailure);
    }
    let token = token.trim();
    if token.is_empty() {
        return Err(ApiError::InvalidToken);
    }
    let grant = match prior {
        Some(prior) => prior.grant,
        None => store.access_token(token).map_err(ApiError::from)?,
    }
    .ok_or(ApiError::InvalidToken)?;
    let now = crate::clock::org_time(server_now, Some(grant.clock));
    if grant.expires_at.is_some_and(|expiry| expiry <= now) {
        return Err(ApiError::InvalidToken);
    }
    Ok(Caller {
        org_id: grant.org_id.clone(),
        user_id: grant.user_id.clone(),
        sandbox: grant.sandbox,
        grant,
        now,
    })
}

/// `text` without `prefix`, compared ignoring ASCII case (as Zoho compares scopes).
fn strip_prefix_ignoring_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

impl Caller {
    /// Whether a scope of the token grants `op` on client portals: the family's `ALL` or `op`,
    /// or `ZohoCRM.settings.ALL` (case-insensitive, as Zoho compares scopes).
    pub fn has_scope(&self, op: ScopeOp) -> bool {
        self.grant.scopes.iter().any(|scope| {
            strip_prefix_ignoring_case(scope, "zohocrm.settings.").is_some_and(|rest| {
                rest.eq_ignore_ascii_case("all")
                    || strip_prefix_ignoring_case(rest, "clientportal.").is_some_and(|granted| {
                        granted.eq_ignore_ascii_case("all")
                            || granted.eq_ignore_ascii_case(op.name())
                    })
            })
        })
    }

    /// Whether a scope of the token grants `op` in `family`: `ZohoCRM.<family>.ALL` or
    /// `ZohoCRM.<family>.<OP>` (case-insensitive). The client-portal family is [`Caller::has_scope`].
    pub fn has_scope_in(&self, family: ScopeFamily, op: ScopeOp) -> bool {
        let prefix = match family {
            ScopeFamily::ClientPortal => return self.has_scope(op),
            ScopeFamily::Users => "zohocrm.users.",
            ScopeFamily::Org => "zohocrm.org.",
            ScopeFamily::Modules => return false,
            ScopeFamily::Fields => "zohocrm.settings.fields.",
        };
        self.grant.scopes.iter().any(|scope| {
            if family == ScopeFamily::Fields && scope.eq_ignore_ascii_case("zohocrm.settings.all") {
                return true;
            }
            strip_prefix_ignoring_case(scope, prefix).is_some_and(|granted| {
                granted.eq_ignore_ascii_case("all") || granted.eq_ignore_ascii_case(op.name())
            })
        })
    }

    /// Whether a scope of the token grants `op` on records of `module`: `ZohoCRM.modules.ALL`,
    /// `ZohoCRM.modules.<module>.ALL` or `ZohoCRM.modules.<module>.<op>` (case-insensitive).
    pub fn has_module_scope(&self, module: &str, op: ScopeOp) -> bool {
        self.grant.scopes.iter().any(|scope| {
            strip_prefix_ignoring_case(scope, "zohocrm.modules.").is_some_and(|rest| {
                rest.eq_ignore_ascii_case("all")
                    || rest
                        .split_once('.')
                        .is_some_and(|(granted_module, granted)| {
                            granted_module.eq_ignore_ascii_case(module)
                                && (granted.eq_ignore_ascii_case("all")
                                    || granted.eq_ignore_ascii_case(op.name()))
                        })
            })
        })
    }

    /// Whether the caller's profile has the permission.
    pub fn has_permission(&self, permission: Permission) -> bool {
        match permission {
            Permission::ManagePortal => self.grant.manage_portal,
            Permission::ManagePortalUsers => self.grant.manage_portal_users,
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> ApiError {
        tracing::error!(%error, "store failure");
        ApiError::InternalError
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(scopes: &[&str]) -> Caller {
        let grant = AccessGrant {
            org_id: "o".into(),
            user_id: "u".into(),
            scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
            expires_at: None,
            manage_portal: true,
            manage_portal_users: false,
            sandbox: false,
            clock: (None, 0),
        };
        Caller {
            org_id: grant.org_id.clone(),
            user_id: grant.user_id.clone(),
            sandbox: false,
            grant: Arc::new(grant),
            now: 0,
        }
    }

    #[test]
    fn scopes_grant_their_operation_the_family_all_and_settings_all() {
        let read = caller(&["ZohoCRM.settings.clientportal.READ"]);
        assert!(read.has_scope(ScopeOp::Read));
        assert!(!read.has_scope(ScopeOp::Create));
        let all = caller(&["zohocrm.settings.clientportal.all"]);
        assert!(all.has_scope(ScopeOp::Delete));
        assert!(caller(&["ZohoCRM.settings.ALL"]).has_scope(ScopeOp::Update));
        assert!(!caller(&["ZohoCRM.modules.ALL"]).has_scope(ScopeOp::Read));
        assert!(!caller(&["ZohoCRM.settings.fields.ALL"]).has_scope(ScopeOp::Read));
    }

    #[test]
    fn module_scopes_grant_records_of_their_module() {
        assert!(caller(&["ZohoCRM.modules.ALL"]).has_module_scope("Contacts", ScopeOp::Create));
        let contacts = caller(&["ZohoCRM.modules.contacts.READ"]);
        assert!(contacts.has_module_scope("Contacts", ScopeOp::Read));
        assert!(!contacts.has_module_scope("Contacts", ScopeOp::Delete));
        assert!(!contacts.has_module_scope("Leads", ScopeOp::Read));
        assert!(!caller(&["ZohoCRM.settings.ALL"]).has_module_scope("Contacts", ScopeOp::Read));
    }

    #[test]
    fn users_and_org_scopes_grant_only_their_family() {
        let both = caller(&["ZohoCRM.users.READ", "zohocrm.org.all"]);
        assert!(both.has_scope_in(ScopeFamily::Users, ScopeOp::Read));
        assert!(!both.has_scope_in(ScopeFamily::Users, ScopeOp::Update));
        assert!(both.has_scope_in(ScopeFamily::Org, ScopeOp::Read));
        assert!(!both.has_scope_in(ScopeFamily::ClientPortal, ScopeOp::Read));
        let portal = caller(&["ZohoCRM.settings.ALL", "ZohoCRM.modules.ALL"]);
        assert!(!portal.has_scope_in(ScopeFamily::Users, ScopeOp::Read));
        assert!(!portal.has_scope_in(ScopeFamily::Org, ScopeOp::Read));
        assert!(portal.has_scope_in(ScopeFamily::ClientPortal, ScopeOp::Read));
        assert!(!caller(&["ZohoCRM.users"]).has_scope_in(ScopeFamily::Users, ScopeOp::Read));
    }

    #[test]
    fn permissions_follow_the_profile() {
        let c = caller(&[]);
        assert!(c.has_permission(Permission::ManagePortal));
        assert!(!c.has_permission(Permission::ManagePortalUsers));
    }
}
