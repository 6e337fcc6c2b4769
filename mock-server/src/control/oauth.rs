//! OAuth credentials of one org, for clients that test the authorization-code flow without a
//! browser: a one-time grant code for the org's admin user, issued to the server's first OAuth
//! client for its registered redirect URI, as Zoho's accounts server issues one after consent.
//!
//! ```text
//! POST /__mock/orgs/{org_id}/oauth/codes -> 201 {"code":"1000.…","client_id":"1000.MOCKCLIENT",
//!                                                "redirect_uri":"http://…/callback","expires_in":120}
//! ```
//!
//! The code is exchanged at `POST /oauth/v2/token` (`grant_type=authorization_code`) once, within
//! [`CODE_SECONDS`] of the org's clock, for an access and a refresh token with the admin scopes a
//! created org's token has. Each call issues a new code, so runs that share a server never spend
//! each other's.

use serde_json::json;

use super::error::{ControlError, Outcome};
use super::orgs::ADMIN_SCOPES;
use crate::api::oauth::new_token;
use crate::http::ApiResponse;
use crate::state::AppState;
use crate::store::{StoreError, orgs, tokens};

/// How long a grant code is good for: Zoho's codes last two minutes.
pub const CODE_SECONDS: i64 = 120;

pub(super) fn issue_code(state: &AppState, org_id: &str) -> Outcome {
    let code = new_token();
    let issued = state.store.write(|tx| {
        if !orgs::exists(tx, org_id)? {
            return Ok(None);
        }
        let Some(client) = tokens::first_client(tx)? else {
            return Ok(Some(Err(ControlError::BadRequest(
                "the server has no OAuth client (fixture oauth_clients)".into(),
            ))));
        };
        let Some(user) = tokens::admin_user(tx, org_id)? else {
            return Ok(Some(Err(ControlError::BadRequest(format!(
                "org {org_id:?} has no user whose profile manages the portal and its users"
            )))));
        };
        let setting = orgs::clock(tx, org_id)?;
        let now = crate::clock::org_time(state.clock.now(), setting);
        let scopes: Vec<String> = ADMIN_SCOPES.iter().map(|s| (*s).to_owned()).collect();
        tokens::insert(
            tx,
            &tokens::NewToken {
                token: &code,
                kind: "grant",
                org_id,
                user_id: &user,
                client_id: Some(&client.client_id),
                scopes: &scopes,
                expires_at: Some(now + CODE_SECONDS),
                redirect_uri: client.redirect_uri.as_deref(),
            },
        )?;
        Ok::<_, StoreError>(Some(Ok(client)))
    })?;
    let client = issued.ok_or_else(|| ControlError::UnknownOrg(org_id.to_owned()))??;
    Ok(ApiResponse::json(
        201,
        &json!({
            "code": code,
            "client_id": client.client_id,
            "redirect_uri": client.redirect_uri,
            "expires_in": CODE_SECONDS,
        }),
    ))
}
