//! What happens before a handler for every `/crm/` and `/oauth/` request: injected faults
//! (latency, a forced error, a reset), then API limits when enforced. Nothing here knows hyper:
//! [`pipeline`](crate::pipeline) sleeps, resets or answers as told.

use std::time::Duration;

use crate::api::error::{ApiError, message};
use crate::control::faults::FaultAction;
use crate::control::limits::{self, Permit, Refusal};
use crate::http::{ApiRequest, ApiResponse};
use crate::pipeline::Plane;
use crate::state::AppState;
use crate::store::orgs;

/// What to do with a request before it is handled.
#[derive(Debug)]
pub struct Plan {
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

/// Plans a request of `org_id` (when its token told one): faults first, then limits.
pub fn plan(state: &AppState, request: &ApiRequest, plane: Plane, org_id: Option<&str>) -> Plan {
    let (delay, fault) = match state.faults.hit(org_id, request) {
        Some(hit) => (hit.delay, Some(hit.action)),
        None => (Duration::ZERO, None),
    };
    let action = match fault {
        Some(FaultAction::Respond(response)) => Action::Respond(response),
        Some(FaultAction::Reset) => Action::Reset,
        Some(FaultAction::Handle) | None => match limit(state, plane, org_id) {
            Ok(permit) => Action::Handle(permit),
            Err(response) => Action::Respond(response),
        },
    };
    Plan { delay, action }
}

/// Adds the rate-limit headers of a permit to the answer.
pub fn finish(permit: Option<&Permit>, response: &mut ApiResponse) {
    if let Some(permit) = permit {
        response
            .headers
            .push(("X-RATELIMIT-LIMIT".into(), permit.limit.to_string()));
        response
            .headers
            .push(("X-RATELIMIT-REMAINING".into(), permit.remaining.to_string()));
    }
}

/// Takes a credit and a concurrency slot when limits are enforced for the org, or answers 429.
fn limit(
    state: &AppState,
    plane: Plane,
    org_id: Option<&str>,
) -> Result<Option<Permit>, ApiResponse> {
    let Some(org_id) = org_id.filter(|_| plane == Plane::Api) else {
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
    limits::refusal_headers(&mut response, limit, reset);
    response
}
