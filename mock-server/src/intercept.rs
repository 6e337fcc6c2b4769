//! What happens around a handler for every `/crm/` and `/oauth/` request: which org it belongs
//! to, injected faults (latency, a forced error, a reset), API limits when enforced, and the
//! request journal. Nothing here knows hyper: `server` sleeps, resets or answers as told.

use std::time::Duration;

use crate::error::{ApiError, message};
use crate::faults::FaultAction;
use crate::handlers::OauthParams;
use crate::http::{ApiRequest, ApiResponse};
use crate::journal::{Entry, method_name};
use crate::limits::{self, Permit, Refusal};
use crate::state::AppState;
use crate::store::{orgs, tokens};

/// What to do with a request before it is handled.
#[derive(Debug)]
pub struct Plan {
    /// The org it belongs to (its token), when that can be told.
    pub org_id: Option<String>,
    /// Latency to add first.
    pub delay: Duration,
    /// Then: handle it, answer something else, or close the connection.
    pub action: Action,
}

/// The action after the delay.
#[derive(Debug)]
pub enum Action {
    /// Handle it (holding a limits permit when limits are enforced for the org).
    Handle(Option<Permit>),
    /// Answer this; the request is not applied.
    Respond(ApiResponse),
    /// Close the connection without answering.
    Reset,
}

/// Whether a path is the API's (journaled, faultable) rather than the control plane's.
pub fn is_api_path(path: &str) -> bool {
    path.starts_with("/crm/") || path.starts_with("/oauth/")
}

/// Plans a request: its org, then faults, then limits.
pub fn plan(state: &AppState, request: &ApiRequest) -> Plan {
    if !is_api_path(&request.path) {
        return Plan {
            org_id: None,
            delay: Duration::ZERO,
            action: Action::Handle(None),
        };
    }
    // The org is looked up here only when something needs it before the handler runs; a `/crm/`
    // handler reports it afterwards for the journal.
    let needs_org = request.path.starts_with("/oauth/")
        || !state.faults.is_empty()
        || state.config.enforce_limits
        || state.limits.any_enforced();
    let org_id = if needs_org {
        org_of(state, request)
    } else {
        None
    };
    let method = method_name(request.method);
    let (delay, fault) = match state.faults.hit(org_id.as_deref(), method, &request.path) {
        Some(hit) => (hit.delay, Some(hit.action)),
        None => (Duration::ZERO, None),
    };
    let action = match fault {
        Some(FaultAction::Respond(response)) => Action::Respond(response),
        Some(FaultAction::Reset) => Action::Reset,
        Some(FaultAction::Handle) | None => match limit(state, request, org_id.as_deref()) {
            Ok(permit) => Action::Handle(permit),
            Err(response) => Action::Respond(response),
        },
    };
    Plan {
        org_id,
        delay,
        action,
    }
}

/// Adds the rate-limit headers of a permit to the answer.
pub fn finish(permit: Option<&Permit>, response: &mut ApiResponse) {
    if let Some(permit) = permit {
        response
            .headers
            .push(("X-RATELIMIT-LIMIT", permit.limit.to_string()));
        response
            .headers
            .push(("X-RATELIMIT-REMAINING", permit.remaining.to_string()));
    }
}

/// Journals an API request (taken: nothing is copied) with its answer (`None`: the connection
/// was reset on purpose).
pub fn journal(
    state: &AppState,
    request: ApiRequest,
    org_id: Option<String>,
    response: Option<&ApiResponse>,
) {
    if !is_api_path(&request.path) || state.journal.capacity() == 0 {
        return;
    }
    let status = response.map_or(0, |r| r.status);
    let entry = Entry::new(request, org_id, status, response, state.clock.now());
    state.journal.record(entry);
}

/// The org a request belongs to: its access token's, or for the token endpoint the org of the
/// refresh token, grant code or revoked token it sends.
fn org_of(state: &AppState, request: &ApiRequest) -> Option<String> {
    let token = if request.path.starts_with("/oauth/") {
        let params = OauthParams::of(request);
        ["refresh_token", "code", "token"]
            .iter()
            .find_map(|name| params.get(name).map(str::to_owned))
    } else {
        request
            .authorization
            .as_deref()
            .and_then(|header| header.trim().split_once(' '))
            .map(|(_, token)| token.trim().to_owned())
    }?;
    state
        .store
        .read(|conn| tokens::org_of(conn, &token))
        .ok()
        .flatten()
}

/// Takes a credit and a concurrency slot when limits are enforced for the org, or answers 429.
fn limit(
    state: &AppState,
    request: &ApiRequest,
    org_id: Option<&str>,
) -> Result<Option<Permit>, ApiResponse> {
    let Some(org_id) = org_id.filter(|_| request.path.starts_with("/crm/")) else {
        return Ok(None);
    };
    if !state.config.enforce_limits && !state.limits.is_enforced(org_id) {
        return Ok(None);
    }
    let settings = state.store.read(|conn| {
        let Some(org) = orgs::get(conn, org_id)? else {
            return Ok(None);
        };
        let users = orgs::user_count(conn, org_id)?;
        Ok::<_, crate::store::StoreError>(Some(limits::allowance(
            &org.edition,
            u64::try_from(users).unwrap_or(0),
        )))
    });
    let Ok(Some(allowance)) = settings else {
        return Ok(None);
    };
    let now = state.org_now(org_id).unwrap_or_else(|_| state.clock.now());
    match state.limits.begin(org_id, now, allowance) {
        Ok(permit) => Ok(Some(permit)),
        Err(refusal) => Err(refused(refusal)),
    }
}

fn refused(refusal: Refusal) -> ApiResponse {
    let (error, limit, reset) = match refusal {
        Refusal::Credits { limit, retry_after } => (
            ApiError::TooManyRequests {
                message: message::CREDITS_EXHAUSTED,
                retry_after,
                limit,
                window: limits::WINDOW_SECONDS as u64,
            },
            limit,
            retry_after,
        ),
        Refusal::Concurrency { limit } => (
            ApiError::TooManyRequests {
                message: message::CONCURRENCY_EXCEEDED,
                retry_after: 1,
                limit: limit as u64,
                window: 0,
            },
            limit as u64,
            1,
        ),
    };
    let mut response = ApiResponse::from(error);
    response
        .headers
        .push(("X-RATELIMIT-LIMIT", limit.to_string()));
    response.headers.push(("X-RATELIMIT-REMAINING", "0".into()));
    response
        .headers
        .push(("X-RATELIMIT-RESET", reset.to_string()));
    response.headers.push(("Retry-After", reset.to_string()));
    response
}
