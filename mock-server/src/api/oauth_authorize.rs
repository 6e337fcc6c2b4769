//! The accounts server's authorization endpoint, as Zoho accounts runs it
//! (`{accounts-server}/oauth/v2/auth`), with the sign-in and consent step approved at once, so
//! an app's whole OAuth sign-in can be tested without a browser.
//!
//! ```text
//! GET /oauth/v2/auth?response_type=code&client_id=…&redirect_uri=…&scope=ZohoCRM.modules.ALL,…
//!                   &access_type=offline&state=…[&mock_org=blank-1][&mock_consent=deny]
//!   -> 302 Location: {redirect_uri}?state=…&code=1000.…&location=us&accounts-server=http%3A%2F%2FHOST%3APORT
//!   -> 302 Location: {redirect_uri}?error=access_denied&state=…          (mock_consent=deny)
//!   -> 400 {"error":"invalid_client" | "invalid_redirect_uri" | "unsupported_response_type" | "invalid_scope"}
//! ```
//! Zoho redirects back with the one-time `code` (two minutes, exchanged at `POST
//! /oauth/v2/token`), the user's data centre (`location`) and its accounts server
//! (`accounts-server`), where the app exchanges the code: here, the mock's own address. The
//! signed-in user is the admin of `mock_org` (default `zylker`, else the first org); the code
//! carries the scopes asked for (comma- or space-separated). Errors that make the redirect unsafe
//! (an unknown client, a redirect URI that is not the client's) are answered to the browser, as
//! Zoho shows an error page, never redirected; the mock answers them as JSON.

use serde_json::json;

use super::oauth::{Params, new_token};
use crate::control::oauth::CODE_SECONDS;
use crate::http::{ApiRequest, ApiResponse};
use crate::state::AppState;
use crate::store::{StoreError, orgs, tokens};

/// The data centre the mock says the user is in.
pub const LOCATION: &str = "us";

/// `GET /oauth/v2/auth`
pub fn authorize(state: &AppState, request: &ApiRequest) -> ApiResponse {
    let params = Params::of(request);
    let refuse = |reason: &str| ApiResponse::json(400, &json!({ "error": reason }));
    let Some(client_id) = params.get("client_id") else {
        return refuse("invalid_client");
    };
    let client = match state.store.read(|conn| tokens::client(conn, client_id)) {
        Ok(Some(client)) => client,
        Ok(None) => return refuse("invalid_client"),
        Err(error) => return crate::api::error::ApiError::from(error).into(),
    };
    let redirect_uri = params.get("redirect_uri");
    if redirect_uri.is_none() || redirect_uri != client.redirect_uri.as_deref() {
        return refuse("invalid_redirect_uri");
    }
    let redirect_uri = redirect_uri.unwrap_or_default();
    if params.get("response_type") != Some("code") {
        return refuse("unsupported_response_type");
    }
    let scopes: Vec<String> = params
        .get("scope")
        .unwrap_or_default()
        .split([',', ' '])
        .filter(|scope| !scope.is_empty())
        .map(str::to_owned)
        .collect();
    if scopes.is_empty() {
        return refuse("invalid_scope");
    }
    let mut answer = Vec::new();
    if params.get("mock_consent") == Some("deny") {
        answer.push(("error", "access_denied".to_owned()));
        answer.extend(params.get("state").map(|s| ("state", s.to_owned())));
        return redirect(redirect_uri, &answer);
    }
    let code = new_token();
    let issued = state.store.write(|tx| {
        let org_id = match params.get("mock_org") {
            Some(org_id) => {
                Some(org_id.to_owned()).filter(|id| orgs::exists(tx, id).unwrap_or(false))
            }
            None if orgs::exists(tx, "zylker")? => Some("zylker".to_owned()),
            None => orgs::list(tx)?.into_iter().next().map(|(id, _)| id),
        };
        let Some(org_id) = org_id else {
            return Ok(None);
        };
        let Some(user) = tokens::admin_user(tx, &org_id)? else {
            return Ok(None);
        };
        let now = crate::clock::org_time(state.clock.now(), orgs::clock(tx, &org_id)?);
        tokens::insert(
            tx,
            &tokens::NewToken {
                token: &code,
                kind: "grant",
                org_id: &org_id,
                user_id: &user,
                client_id: Some(&client.client_id),
                scopes: &scopes,
                expires_at: Some(now + CODE_SECONDS),
                redirect_uri: Some(redirect_uri),
            },
        )?;
        Ok::<_, StoreError>(Some(()))
    });
    match issued {
        Ok(Some(())) => {}
        // No org (or none with an admin) to sign in to: the consent cannot be given.
        Ok(None) => return refuse("invalid_request"),
        Err(error) => return crate::api::error::ApiError::from(error).into(),
    }
    answer.extend(params.get("state").map(|s| ("state", s.to_owned())));
    answer.push(("code", code));
    answer.push(("location", LOCATION.to_owned()));
    let accounts_server = format!(
        "http://{}",
        request.host.as_deref().unwrap_or("127.0.0.1:8089")
    );
    answer.push(("accounts-server", accounts_server));
    redirect(redirect_uri, &answer)
}

/// 302 to `uri` with `pairs` added to its query (URL-encoded, as a form encodes them).
fn redirect(uri: &str, pairs: &[(&str, String)]) -> ApiResponse {
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())))
        .finish();
    let separator = if uri.contains('?') { '&' } else { '?' };
    let mut response = ApiResponse::no_content();
    response.status = 302;
    response
        .headers
        .push(("Location".into(), format!("{uri}{separator}{query}")));
    response
}
