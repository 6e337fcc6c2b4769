//! The control plane's answers: errors as `{"error":{"code","message"}}`, and the helpers its
//! modules share.

use serde_json::{Value, json};

use crate::http::{ApiRequest, ApiResponse};
use crate::state::AppState;
use crate::store::{StoreError, orgs};

/// A control-plane answer: the success, or the error answer.
pub type Outcome = Result<ApiResponse, ApiResponse>;

/// 404 `UNKNOWN_ORG` unless the org exists.
pub fn require_org(state: &AppState, org_id: &str) -> Result<(), ApiResponse> {
    match state.store.read(|conn| orgs::exists(conn, org_id)) {
        Ok(true) => Ok(()),
        Ok(false) => Err(error(404, "UNKNOWN_ORG", &format!("no org {org_id:?}"))),
        Err(store_error) => Err(internal(store_error)),
    }
}

/// 500 with the store's failure (logged).
pub fn internal(error_value: StoreError) -> ApiResponse {
    tracing::error!(error = %error_value, "control plane store failure");
    error(500, "INTERNAL_ERROR", &error_value.to_string())
}

/// `{"error":{"code","message"}}` with a status.
pub fn error(status: u16, code: &str, message: &str) -> ApiResponse {
    ApiResponse::json(
        status,
        &json!({ "error": { "code": code, "message": message } }),
    )
}

/// The JSON body of a control-plane request (`{}` when empty), or 400 `BAD_REQUEST`.
pub fn json_body(request: &ApiRequest) -> Result<Value, ApiResponse> {
    if request.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    serde_json::from_slice(&request.body)
        .map_err(|e| error(400, "BAD_REQUEST", &format!("the body is not JSON: {e}")))
}
