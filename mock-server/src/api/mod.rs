//! The Zoho API: `/crm/` (the Portals, Users, Organization and Records APIs) and `/oauth/`
//! (the accounts server's authorization and token endpoints: [`oauth_authorize`], [`oauth`](mod@oauth)).
//!
//! A `/crm/` call goes through [`crm`]: [`router`] (path, then method), [`auth`] (the token),
//! the sandbox rule, on v8 the user-type refusals (a data centre's host that does not serve them, a
//! client-portal user's token), the operation's scope and profile permission (one table, [`access`]), then
//! the resource's module (parse with [`body`], validate, apply, render). Every failure is an
//! [`error::ApiError`].

mod access;
pub mod answer_cache;
pub mod auth;
mod body;
mod crm_users;
pub mod error;
mod fields;
mod invitations;
mod invitations_plain;
pub(crate) mod oauth;
mod oauth_authorize;
mod org;
mod portal_users;
mod portals;
mod portals_meta;
mod records;
pub mod router;
mod user_type_modules;
mod user_types;

pub(crate) use oauth::Params as OauthParams;

use self::auth::{Caller, Permission, PriorLookup, ScopeFamily};
use self::router::{CrmRoute, OauthRoute};
use crate::api::error::ApiError;
use crate::clock::parse_offset;
use crate::domain::jobs::Requester;
use crate::http::{ApiRequest, ApiResponse};
use crate::state::AppState;
use crate::store::orgs::OrgRow;
use crate::version::ApiVersion;

/// Answers a `/crm/` request: route it, authenticate and authorise the caller, run the
/// resource's handler.
/// `prior`: the caller's token as the pipeline already looked it up, if it did.
pub(crate) fn crm(
    state: &AppState,
    request: &ApiRequest,
    prior: Option<PriorLookup>,
) -> ApiResponse {
    crm_call(state, request, prior).unwrap_or_else(ApiResponse::from)
}

/// Answers an `/oauth/` request.
pub(crate) fn oauth(state: &AppState, request: &ApiRequest) -> ApiResponse {
    let segments = request.segment_strs();
    match router::oauth(request.method, segments.get(1..).unwrap_or_default()) {
        Ok(OauthRoute::Token) => oauth::token(state, request),
        Ok(OauthRoute::Revoke) => oauth::revoke(state, request),
        Ok(OauthRoute::Authorize) => oauth_authorize::authorize(state, request),
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

    /// A query parameter that must be given and not empty, or `REQUIRED_PARAM_MISSING`.
    pub fn required_param(&self, name: &str) -> Result<&str, ApiError> {
        self.request
            .query_param(name)
            .filter(|value| !value.is_empty())
            .ok_or_else(|| ApiError::RequiredParamMissing {
                key: "param",
                value: name.to_owned(),
            })
    }
}

fn crm_call(
    state: &AppState,
    request: &ApiRequest,
    prior: Option<PriorLookup>,
) -> Result<ApiResponse, ApiError> {
    // Read before anything else is: an answer kept at this generation was made from what the
    // store held then, its token and org included. A prior lookup of the token is taken only
    // while nothing was written since it (its generation is then this one).
    let generation = state.store.generation();
    let prior = prior.filter(|prior| prior.generation == generation);
    let (version, operation) = request.with_segments(|segments| {
        router::crm(request.method, segments.get(1..).unwrap_or_default())
    })?;
    let operation = &operation;
    let caller = auth::authenticate(
        &state.store,
        request.authorization.as_deref(),
        state.clock.now(),
        prior,
    )?;
    let now = caller.now;
    let access = access::of(operation);
    let family = access.family;
    // What the token itself allows (its scopes, its user's profile): decided for every call,
    // before a kept answer is served as after.
    let allowed = allowed(&caller, operation, version, access);
    let key = state.answers.key(request, &caller);
    // A kept answer of this generation was rendered for the same org, user, `Host` and path
    // after every check below had passed; they read nothing else (the config, and rows of the
    // store as they are at this generation), so they would pass again and are not repeated.
    if allowed.is_ok()
        && let Some(key) = &key
        && let Some(answer) = state.answers.get(key, generation)
    {
        return Ok(answer);
    }
    let on_sandbox_host = request.host.as_deref().is_some_and(|host| {
        host.as_bytes()
            .get(..b"sandbox.".len())
            .is_some_and(|head| head.eq_ignore_ascii_case(b"sandbox."))
    });
    // The Users and Organization APIs serve sandboxes; only the Portals API does not.
    if (caller.sandbox || on_sandbox_host || state.config.sandbox)
        && family == ScopeFamily::ClientPortal
    {
        return Err(ApiError::SandboxNotSupported);
    }
    // v8 documents two more refusals on the user-type operations only: a host of a data centre
    // that does not serve them, and a client-portal user's token.
    if version == ApiVersion::V8 && is_user_type_operation(operation) {
        if request.host.as_deref().is_some_and(names_unsupported_dc) {
            return Err(ApiError::DomainNotSupported);
        }
        if state
            .store
            .acts_for_portal_user(&caller.org_id, &caller.user_id)?
        {
            return Err(ApiError::ClientPortalUserNotSupported);
        }
    }
    allowed?;
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
    let answer = dispatch(&ctx, operation, &org)?;
    if let Some(key) = key {
        state.answers.put(key, generation, &answer);
    }
    Ok(answer)
}

/// The token's own checks: its scopes grant the operation, its user's profile the permission.
fn allowed(
    caller: &Caller,
    operation: &CrmRoute,
    version: ApiVersion,
    access: access::Access,
) -> Result<(), ApiError> {
    let granted = match (access.family, access::record_module(operation)) {
        (ScopeFamily::Modules, Some(module)) => caller.has_module_scope(module, access.scope),
        (family, _) => {
            caller.has_scope_in(family, access.scope)
                || access::v8_alternative_scope(operation, version)
                    .is_some_and(|op| caller.has_scope_in(family, op))
        }
    };
    if !granted {
        return Err(ApiError::OauthScopeMismatch);
    }
    if let Some(needed) = access.permission
        && !caller.has_permission(needed)
    {
        return Err(access.denial_for(caller.has_permission(Permission::ManagePortalUsers)));
    }
    Ok(())
}

/// Runs the operation's handler.
fn dispatch(ctx: &Ctx<'_>, operation: &CrmRoute, org: &OrgRow) -> Result<ApiResponse, ApiError> {
    match operation {
        CrmRoute::ListPortals => portals::list(ctx),
        CrmRoute::GetPortal(portal) => portals::get(ctx, portal),
        CrmRoute::CreatePortal => portals::create(ctx, org),
        CrmRoute::UpdatePortal(portal) => portals::update(ctx, portal),
        CrmRoute::PortalsMeta => portals_meta::get(ctx),
        CrmRoute::ListUserTypes(portal) => user_types::list(ctx, portal),
        CrmRoute::GetUserType(path) => user_types::get(ctx, &path.portal, &path.id),
        CrmRoute::CreateUserType(portal) => user_types::create(ctx, portal, org),
        CrmRoute::UpdateUserType(path) => user_types::update(ctx, &path.portal, &path.id),
        CrmRoute::DeleteUserType(path) => user_types::delete(ctx, &path.portal, &path.id),
        CrmRoute::ListUsers(path) => portal_users::list(ctx, &path.portal, &path.id),
        CrmRoute::DeleteUsers(path) => portal_users::delete(ctx, &path.portal, &path.id),
        CrmRoute::TransferUsers(path) => portal_users::transfer(ctx, &path.portal, &path.id),
        CrmRoute::ChangeUserStatus(path, user) => {
            portal_users::change_status(ctx, org, &path.portal, &path.id, user)
        }
        CrmRoute::BulkChangeStatus(path) => {
            portal_users::bulk_change_status(ctx, &path.portal, &path.id)
        }
        CrmRoute::Invite(path) => invitations::invite(ctx, org, &path.module, &path.id),
        CrmRoute::BulkInvite(module) => invitations::bulk_invite(ctx, module),
        CrmRoute::InviteJobs(module) => invitations::job_status(ctx, module),
        CrmRoute::GetUsers => crm_users::list(ctx),
        CrmRoute::GetOrg => org::get(ctx, org),
        CrmRoute::GetFields => fields::list(ctx),
        CrmRoute::CreateRecords(module) => records::create(ctx, module),
        CrmRoute::GetRecord(path) => records::get(ctx, &path.module, &path.id),
        CrmRoute::DeleteRecords(module) => records::delete(ctx, module, None),
        CrmRoute::DeleteRecord(path) => records::delete(ctx, &path.module, Some(path.id.as_str())),
        CrmRoute::ListRecords(module) => records::list(ctx, module),
        CrmRoute::SearchRecords(module) => records::search(ctx, module),
        CrmRoute::UpdateRecords(module) => records::update(ctx, module, None),
        CrmRoute::UpdateRecord(path) => records::update(ctx, &path.module, Some(path.id.as_str())),
        CrmRoute::UpsertRecords(module) => records::upsert(ctx, module),
        CrmRoute::DeletedRecords(module) => records::deleted(ctx, module),
    }
}

/// The five user-type operations (list, get, create, update, delete), where v8 documents the
/// client-portal-user and data-centre refusals.
fn is_user_type_operation(operation: &CrmRoute) -> bool {
    matches!(
        operation,
        CrmRoute::ListUserTypes(..)
            | CrmRoute::GetUserType(..)
            | CrmRoute::CreateUserType(..)
            | CrmRoute::UpdateUserType(..)
            | CrmRoute::DeleteUserType(..)
    )
}

/// Whether a `Host` names a Zoho API domain (`zohoapis.<dc>`, with any prefix such as `www.` or
/// `sandbox.`, and any port) of a data centre outside [`error::SUPPORTED_DOMAINS`], e.g.
/// `www.zohoapis.sa`. Hosts that are not Zoho's (`127.0.0.1`, `localhost`) are served.
fn names_unsupported_dc(host: &str) -> bool {
    // Most hosts (`127.0.0.1:8089`, `localhost`) name no Zoho domain: told without a copy.
    const ZOHO: &[u8] = b"zohoapis.";
    if !host
        .as_bytes()
        .windows(ZOHO.len())
        .any(|window| window.eq_ignore_ascii_case(ZOHO))
    {
        return false;
    }
    let host = host.to_ascii_lowercase();
    let host = host.rsplit_once(':').map_or(host.as_str(), |(name, port)| {
        if port.bytes().all(|b| b.is_ascii_digit()) {
            name
        } else {
            host.as_str()
        }
    });
    let host = host.trim_end_matches('.');
    let Some(dc) = host
        .strip_prefix("zohoapis.")
        .or_else(|| host.split_once(".zohoapis.").map(|(_, dc)| dc))
    else {
        return false;
    };
    let dc = match dc {
        "com.au" => "au",
        "com.cn" => "cn",
        other => other,
    };
    !error::SUPPORTED_DOMAINS.contains(&dc)
}

#[cfg(test)]
mod tests {
    use super::names_unsupported_dc;

    #[test]
    fn hosts_of_data_centres_outside_the_supported_list_are_refused() {
        for host in [
            "www.zohoapis.sa",
            "www.zohoapis.sa:443",
            "zohoapis.uk",
            "WWW.ZOHOAPIS.SA",
        ] {
            assert!(names_unsupported_dc(host), "{host}");
        }
        for host in [
            "www.zohoapis.com",
            "www.zohoapis.eu",
            "www.zohoapis.in",
            "www.zohoapis.com.au",
            "www.zohoapis.com.cn",
            "www.zohoapis.jp",
            "www.zohoapis.ca",
            "sandbox.zohoapis.com",
            "127.0.0.1:8089",
            "localhost",
        ] {
            assert!(!names_unsupported_dc(host), "{host}");
        }
    }
}
