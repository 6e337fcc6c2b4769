//! The portal user's side of an invitation, on the control plane: the user accepts it, or
//! invitations older than 7 days (by the org's clock) expire.
//!
//! ```text
//! POST /__mock/orgs/{id}/users/{personality_id}/confirm  -> 200 {"personality_id","confirm":true} | 409
//! POST /__mock/orgs/{id}/invitations/expire              -> 200 {"org_id","expired":N}
//! ```

use serde_json::json;

use super::error::{ControlError, Outcome};
use super::orgs::require;
use crate::http::ApiResponse;
use crate::state::AppState;
use crate::store::portal_users;

/// `POST …/users/{personality_id}/confirm`
pub(super) fn confirm(state: &AppState, org_id: &str, personality_id: &str) -> Outcome {
    require(state, org_id)?;
    let confirmed = state
        .store
        .write(|tx| portal_users::confirm(tx, org_id, personality_id))?;
    if confirmed {
        Ok(ApiResponse::json(
            200,
            &json!({ "personality_id": personality_id, "confirm": true }),
        ))
    } else {
        Err(ControlError::NoPendingInvitation(personality_id.to_owned()))
    }
}

/// Invitations are valid for 7 days.
const INVITATION_SECONDS: i64 = 7 * 24 * 3600;

/// `POST …/invitations/expire`
pub(super) fn expire(state: &AppState, org_id: &str) -> Outcome {
    require(state, org_id)?;
    let cutoff = state.org_now(org_id)? - INVITATION_SECONDS;
    let expired = state
        .store
        .write(|tx| portal_users::expire_invitations(tx, org_id, cutoff))?;
    Ok(ApiResponse::json(
        200,
        &json!({ "org_id": org_id, "expired": expired }),
    ))
}
