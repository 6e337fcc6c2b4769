//! The accounts server's token endpoint, as Zoho accounts runs it (docs/api.md §2.8).
//!
//! ```text
//! POST /oauth/v2/token  grant_type=refresh_token&client_id=…&client_secret=…&refresh_token=…
//!   -> 200 {"access_token":"1000.…","scope":"…","api_domain":"http://HOST:PORT","token_type":"Bearer","expires_in":3600}
//! POST /oauth/v2/token  grant_type=authorization_code&client_id=…&client_secret=…&redirect_uri=…&code=…
//!   -> 200 the same plus "refresh_token"
//! POST /oauth/v2/token/revoke?token=<refresh token>  -> 200 {"status":"success"}
//! ```
//! Parameters come from the query string or a form body (URL-encoded or multipart). Failures answer HTTP 200 with
//! `{"error":"<reason>"}`, as Zoho accounts does.

use serde_json::{Value, json};

use crate::http::{ApiRequest, ApiResponse, form};
use crate::state::AppState;
use crate::store::{StoreError, tokens};

/// Access tokens live one hour.
pub const ACCESS_TOKEN_SECONDS: i64 = 3600;

/// `POST /oauth/v2/token`
pub fn token(state: &AppState, request: &ApiRequest) -> ApiResponse {
    let params = Params::of(request);
    let outcome = match params.get("grant_type") {
        Some("refresh_token") => refresh(state, request, &params),
        Some("authorization_code") => authorization_code(state, request, &params),
        _ => Err("unsupported_grant_type"),
    };
    match outcome {
        Ok(body) => ApiResponse::json(200, &body),
        Err(reason) => ApiResponse::json(200, &json!({ "error": reason })),
    }
}

/// `POST /oauth/v2/token/revoke?token=…`: deletes a refresh token.
pub fn revoke(state: &AppState, request: &ApiRequest) -> ApiResponse {
    let params = Params::of(request);
    let Some(token) = params.get("token") else {
        return ApiResponse::json(200, &json!({ "error": "invalid_request" }));
    };
    match state.store.write(|tx| tokens::delete(tx, token, "refresh")) {
        Ok(true) => ApiResponse::json(200, &json!({ "status": "success" })),
        Ok(false) => ApiResponse::json(200, &json!({ "error": "invalid_token" })),
        Err(error) => crate::api::error::ApiError::from(error).into(),
    }
}

type Outcome = Result<Value, &'static str>;

fn refresh(state: &AppState, request: &ApiRequest, params: &Params) -> Outcome {
    let client_id = authenticate_client(state, params)?;
    let refresh_token = params.get("refresh_token").ok_or("invalid_request")?;
    state
        .store
        .write(|tx| {
            let Some((grant, now)) = client_grant(state, tx, refresh_token, "refresh", &client_id)?
            else {
                return Ok(Err("invalid_code"));
            };
            let access = issue(tx, "access", &grant, Some(now + ACCESS_TOKEN_SECONDS))?;
            Ok::<_, StoreError>(Ok(answer(request, &grant.scopes, &access, None)))
        })
        .map_err(|_| "server_error")?
}

fn authorization_code(state: &AppState, request: &ApiRequest, params: &Params) -> Outcome {
    let client_id = authenticate_client(state, params)?;
    let code = params.get("code").ok_or("invalid_request")?;
    let redirect = params
        .get("redirect_uri")
        .or_else(|| params.get("redirect_url"));
    state
        .store
        .write(|tx| {
            let Some((grant, now)) = client_grant(state, tx, code, "grant", &client_id)?
                .filter(|(grant, now)| grant.expires_at.is_none_or(|expiry| expiry > *now))
            else {
                return Ok(Err("invalid_code"));
            };
            if let (Some(sent), Some(registered)) = (redirect, grant.redirect_uri.as_deref())
                && sent != registered
            {
                return Ok(Err("invalid_redirect_uri"));
            }
            tokens::delete(tx, code, "grant")?;
            let refresh_token = issue(tx, "refresh", &grant, None)?;
            let access = issue(tx, "access", &grant, Some(now + ACCESS_TOKEN_SECONDS))?;
            Ok::<_, StoreError>(Ok(answer(
                request,
                &grant.scopes,
                &access,
                Some(&refresh_token),
            )))
        })
        .map_err(|_| "server_error")?
}

/// The token of `kind` (`refresh` or `grant`) if it was issued to `client_id`, with now in its
/// org's clock; `None` (`invalid_code`) when there is no such token or it is another client's.
fn client_grant(
    state: &AppState,
    tx: &rusqlite::Connection,
    token: &str,
    kind: &str,
    client_id: &str,
) -> Result<Option<(tokens::ClientToken, i64)>, StoreError> {
    let Some(grant) = tokens::client_token(tx, token, kind)? else {
        return Ok(None);
    };
    let now = org_now(state, tx, &grant.org_id)?;
    Ok((grant.client_id.as_deref() == Some(client_id)).then_some((grant, now)))
}

/// Now in the org's clock, read inside the transaction that holds the store.
fn org_now(state: &AppState, conn: &rusqlite::Connection, org_id: &str) -> Result<i64, StoreError> {
    let setting = crate::store::orgs::clock(conn, org_id)?;
    Ok(crate::clock::org_time(state.clock.now(), setting))
}

fn authenticate_client(state: &AppState, params: &Params) -> Result<String, &'static str> {
    let client_id = params.get("client_id").ok_or("invalid_client")?;
    let secret = params.get("client_secret").ok_or("invalid_client")?;
    let stored = state
        .store
        .read(|conn| tokens::client_secret(conn, client_id))
        .map_err(|_| "server_error")?;
    match stored {
        Some(stored) if stored == secret => Ok(client_id.to_owned()),
        _ => Err("invalid_client"),
    }
}

fn issue(
    tx: &rusqlite::Transaction<'_>,
    kind: &str,
    grant: &tokens::ClientToken,
    expires_at: Option<i64>,
) -> Result<String, StoreError> {
    let token = new_token();
    tokens::insert(
        tx,
        &tokens::NewToken {
            token: &token,
            kind,
            org_id: &grant.org_id,
            user_id: &grant.user_id,
            client_id: grant.client_id.as_deref(),
            scopes: &grant.scopes,
            expires_at,
            redirect_uri: None,
        },
    )?;
    Ok(token)
}

fn answer(request: &ApiRequest, scopes: &[String], access: &str, refresh: Option<&str>) -> Value {
    let api_domain = format!(
        "http://{}",
        request.host.as_deref().unwrap_or("127.0.0.1:8089")
    );
    let mut body = serde_json::Map::new();
    body.insert("access_token".into(), access.into());
    if let Some(refresh) = refresh {
        body.insert("refresh_token".into(), refresh.into());
    }
    body.insert("scope".into(), scopes.join(" ").into());
    body.insert("api_domain".into(), api_domain.into());
    body.insert("token_type".into(), "Bearer".into());
    body.insert("expires_in".into(), ACCESS_TOKEN_SECONDS.into());
    Value::Object(body)
}

/// A new token in Zoho's shape: `1000.` and two 32-digit hex parts, from the OS's random keys.
pub fn new_token() -> String {
    format!("1000.{}.{}", random_hex(), random_hex())
}

fn random_hex() -> String {
    use std::hash::{BuildHasher, Hasher};
    let half = || {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or_default(),
        );
        hasher.finish()
    };
    format!("{:016x}{:016x}", half(), half())
}

/// The request's parameters: the query string, then a form body.
/// The OAuth parameters of a request: its query, then its form body.
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    /// Collects them.
    pub(crate) fn of(request: &ApiRequest) -> Params {
        let mut pairs = request.query.clone();
        pairs.extend(form::fields(request.content_type.as_deref(), &request.body));
        Params(pairs)
    }

    /// The first non-empty value of a parameter.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, value)| key == name && !value.is_empty())
            .map(|(_, value)| value.as_str())
    }
}
