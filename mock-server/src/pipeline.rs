//! The request's whole path, top to bottom, in [`respond`]: classify the path once into a
//! [`Plane`], admit it, look its org up once, intercept it (faults, limits), handle it, and
//! journal it. Nothing here knows hyper: [`server`](crate::server) reads the request, sleeps
//! when told, and writes the answer or resets the connection.

use crate::api::error::ApiError;
use std::borrow::Cow;

use crate::api::auth::PriorLookup;
use crate::api::{self, OauthParams};
use crate::control;
use crate::control::journal::Entry;
use crate::http::{ApiRequest, ApiResponse};
use crate::intercept::{self, Action};
use crate::state::AppState;
use crate::store::tokens;

/// Which part of the server a path belongs to, told by its first segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plane {
    /// `/crm/…`: the Zoho API (journaled, faultable, limited).
    Api,
    /// `/oauth/…`: the accounts server's token endpoints (journaled, faultable).
    Oauth,
    /// `/__mock/…`: the control plane (neither journaled nor faultable).
    Control,
    /// Anything else: `INVALID_URL_PATTERN`.
    Unknown,
}

impl Plane {
    /// Classifies a request by the first segment of its path.
    pub fn of(request: &ApiRequest) -> Plane {
        match request.segments.first() {
            Some("crm") => Plane::Api,
            Some("oauth") => Plane::Oauth,
            Some("__mock") => Plane::Control,
            _ => Plane::Unknown,
        }
    }

    /// Whether its requests are journaled and may be hit by faults.
    fn is_intercepted(self) -> bool {
        matches!(self, Plane::Api | Plane::Oauth)
    }
}

/// Answers one request; `None` when a fault says to close the connection without an answer.
pub async fn respond(state: &AppState, request: ApiRequest) -> Option<ApiResponse> {
    let plane = Plane::of(&request);
    // The admin listener serves the control plane only.
    if request.admin_listener && plane != Plane::Control {
        return Some(ApiError::InvalidUrlPattern.into());
    }
    if !plane.is_intercepted() {
        return Some(handle(state, &request, plane));
    }
    let (org_id, prior) = org_of(state, &request, plane);
    let plan = intercept::plan(state, &request, plane, org_id.as_deref());
    if !plan.delay.is_zero() {
        tokio::time::sleep(plan.delay).await;
    }
    let response = match plan.action {
        Action::Reset => {
            journal(state, request, org_id, None);
            return None;
        }
        Action::Respond(response) => response,
        Action::Handle(permit) => {
            let mut response = handle_looked_up(state, &request, plane, prior);
            intercept::finish(permit.as_ref(), &mut response);
            response
        }
    };
    journal(state, request, org_id, Some(&response));
    Some(response)
}

/// Routes and handles a request of a plane, with no faults, limits or journal. Never panics on
/// bad input: every failure is a documented error body.
pub fn handle(state: &AppState, request: &ApiRequest, plane: Plane) -> ApiResponse {
    handle_looked_up(state, request, plane, None)
}

/// [`handle`], given the request's access token as [`org_of`] looked it up.
fn handle_looked_up(
    state: &AppState,
    request: &ApiRequest,
    plane: Plane,
    prior: Option<PriorLookup>,
) -> ApiResponse {
    match plane {
        Plane::Api => api::crm(state, request, prior),
        Plane::Oauth => api::oauth(state, request),
        Plane::Control => control::handle(state, request),
        Plane::Unknown => ApiError::InvalidUrlPattern.into(),
    }
}

/// The org an intercepted request belongs to: its access token's, or for the token endpoint
/// the org of the refresh token, grant code or revoked token it sends; with an API request's
/// access-token lookup, which the handler then need not repeat.
fn org_of(
    state: &AppState,
    request: &ApiRequest,
    plane: Plane,
) -> (Option<String>, Option<PriorLookup>) {
    let Some(token) = token_of(request, plane) else {
        return (None, None);
    };
    // An access token's org comes from the lookup the handler makes anyway (cached until the
    // next write); any other token (refresh, grant code, one sent where it does not belong)
    // is looked up by itself.
    let prior = (plane == Plane::Api)
        .then(|| PriorLookup::of(&state.store, &token).ok())
        .flatten();
    if let Some(grant) = prior.as_ref().and_then(|prior| prior.grant.as_ref()) {
        return (Some(grant.org_id.clone()), prior);
    }
    let org_id = state
        .store
        .read(|conn| tokens::org_of(conn, &token))
        .ok()
        .flatten();
    (org_id, prior)
}

/// The token an intercepted request sends: the token endpoint's refresh token, grant code or
/// revoked token, or the `Authorization` header's.
fn token_of(request: &ApiRequest, plane: Plane) -> Option<Cow<'_, str>> {
    if plane == Plane::Oauth {
        let params = OauthParams::of(request);
        ["refresh_token", "code", "token"]
            .iter()
            .find_map(|name| params.get(name).map(|token| Cow::Owned(token.to_owned())))
    } else {
        request
            .authorization
            .as_deref()
            .and_then(|header| header.trim().split_once(' '))
            .map(|(_, token)| Cow::Borrowed(token.trim()))
    }
}

/// Journals an intercepted request (taken: nothing is copied) with its answer (`None`: the
/// connection was reset on purpose).
fn journal(
    state: &AppState,
    request: ApiRequest,
    org_id: Option<String>,
    response: Option<&ApiResponse>,
) {
    if state.journal.capacity() == 0 {
        return;
    }
    let status = response.map_or(0, |r| r.status);
    let entry = Entry::new(request, org_id, status, response, state.clock.now());
    state.journal.record(entry);
}
