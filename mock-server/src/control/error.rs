//! `ControlError`: every error the control plane answers, rendered in one place as
//! `{"error":{"code":…,"message":…}}` (the mock's own shape, not Zoho's), unknown routes and
//! wrong methods included; only a hidden control plane (`--control-plane off`) answers as the
//! API does, as if `/__mock/` were any unknown path.

use std::fmt;

use serde_json::json;

use crate::api::error::ApiError;
use crate::http::ApiResponse;
use crate::store::StoreError;

/// A control-plane answer: the success, or the error.
pub type Outcome = Result<ApiResponse, ControlError>;

/// An error of the control plane.
#[derive(Debug, Clone, PartialEq)]
pub enum ControlError {
    /// 404 `UNKNOWN_ORG`: no org with this id.
    UnknownOrg(String),
    /// 400 `UNKNOWN_FIXTURE`: no fixture with this name; `known` lists the names there are.
    UnknownFixture { name: String, known: Vec<String> },
    /// 404 `UNKNOWN_SNAPSHOT`: the org has no such snapshot.
    UnknownSnapshot { org_id: String, snapshot_id: String },
    /// 404 `UNKNOWN_FAULT`: no fault with this id where it was looked for.
    UnknownFault(String),
    /// 409 `NO_PENDING_INVITATION`: the user has no invitation to accept.
    NoPendingInvitation(String),
    /// 400 `BAD_REQUEST`: the body is not what the endpoint takes; the message says why.
    BadRequest(String),
    /// 400 `BAD_REQUEST`: the body has a key the endpoint does not know.
    UnknownKey {
        key: String,
        known: &'static [&'static str],
    },
    /// 400 `BAD_FAULT`: a fault that cannot be injected; the message says why.
    BadFault(String),
    /// 400 `BAD_PATTERN`: a request pattern that cannot be matched; the message says why.
    BadPattern(String),
    /// 400 `BAD_FILTER`: a journal filter (query parameter `name`) that cannot be applied.
    BadFilter { name: &'static str, why: String },
    /// 403 `FORBIDDEN`: the client may not use the control plane.
    Forbidden,
    /// 403 `WRONG_ADMIN_TOKEN`: the client sent an `X-Mock-Admin-Token` that is not the
    /// server's `--admin-token` (or the server has none).
    WrongAdminToken { configured: bool },
    /// 404 `UNKNOWN_ROUTE`: no control-plane route has this path.
    UnknownRoute { method: String, path: String },
    /// 405 `METHOD_NOT_ALLOWED`: the path is a route, but not for this method.
    MethodNotAllowed { method: String, path: String },
    /// 409 `ENVIRONMENT_LOCKED`: `--environment sandbox` makes every org a sandbox, so an org
    /// cannot be switched back to production.
    EnvironmentLocked(String),
    /// 409 `ORG_EXISTS`: an org with the chosen id exists already.
    OrgExists(String),
    /// 413 `BODY_TOO_LARGE`: the body is larger than `--max-body-bytes`.
    BodyTooLarge { route: String, limit: usize },
    /// 500 `INTERNAL_ERROR`, with what failed.
    Internal(String),
    /// An error the API's router answers too (an unknown path, a wrong method, a hidden plane).
    Routing(ApiError),
}

impl ControlError {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        match self {
            ControlError::UnknownOrg(_)
            | ControlError::UnknownSnapshot { .. }
            | ControlError::UnknownFault(_)
            | ControlError::UnknownRoute { .. } => 404,
            ControlError::MethodNotAllowed { .. } => 405,
            ControlError::BodyTooLarge { .. } => 413,
            ControlError::EnvironmentLocked(_) | ControlError::OrgExists(_) => 409,
            ControlError::WrongAdminToken { .. } => 403,
            ControlError::UnknownFixture { .. }
            | ControlError::BadRequest(_)
            | ControlError::UnknownKey { .. }
            | ControlError::BadFault(_)
            | ControlError::BadPattern(_)
            | ControlError::BadFilter { .. } => 400,
            ControlError::NoPendingInvitation(_) => 409,
            ControlError::Forbidden => 403,
            ControlError::Internal(_) => 500,
            ControlError::Routing(error) => error.status(),
        }
    }

    /// The `code` of the body.
    pub fn code(&self) -> &'static str {
        match self {
            ControlError::UnknownOrg(_) => "UNKNOWN_ORG",
            ControlError::UnknownFixture { .. } => "UNKNOWN_FIXTURE",
            ControlError::UnknownSnapshot { .. } => "UNKNOWN_SNAPSHOT",
            ControlError::UnknownFault(_) => "UNKNOWN_FAULT",
            ControlError::NoPendingInvitation(_) => "NO_PENDING_INVITATION",
            ControlError::BadRequest(_) | ControlError::UnknownKey { .. } => "BAD_REQUEST",
            ControlError::BadFault(_) => "BAD_FAULT",
            ControlError::BadPattern(_) => "BAD_PATTERN",
            ControlError::BadFilter { .. } => "BAD_FILTER",
            ControlError::Forbidden => "FORBIDDEN",
            ControlError::WrongAdminToken { .. } => "WRONG_ADMIN_TOKEN",
            ControlError::UnknownRoute { .. } => "UNKNOWN_ROUTE",
            ControlError::MethodNotAllowed { .. } => "METHOD_NOT_ALLOWED",
            ControlError::EnvironmentLocked(_) => "ENVIRONMENT_LOCKED",
            ControlError::OrgExists(_) => "ORG_EXISTS",
            ControlError::BodyTooLarge { .. } => "BODY_TOO_LARGE",
            ControlError::Internal(_) => "INTERNAL_ERROR",
            ControlError::Routing(error) => error.code(),
        }
    }
}

impl fmt::Display for ControlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ControlError::UnknownOrg(org_id) => write!(f, "no org {org_id:?}"),
            ControlError::UnknownFixture { name, known } => write!(
                f,
                "no fixture named {name:?}; known: {}",
                known.join(", ")
            ),
            ControlError::UnknownSnapshot {
                org_id,
                snapshot_id,
            } => write!(f, "org {org_id:?} has no snapshot {snapshot_id:?}"),
            ControlError::UnknownFault(fault_id) => write!(f, "no fault {fault_id:?} here"),
            ControlError::NoPendingInvitation(personality_id) => write!(
                f,
                "{personality_id} has no pending invitation (not a portal user, already confirmed, or expired)"
            ),
            ControlError::UnknownKey { key, known } => {
                write!(f, "unknown key {key:?} (known: {})", known.join(", "))
            }
            ControlError::BadFilter { name, why } => write!(f, "{name}: {why}"),
            ControlError::Forbidden => f.write_str(
                "the control plane answers loopback clients only (start with --control-plane any, --admin-token or --admin-bind)",
            ),
            ControlError::WrongAdminToken { configured: true } => f.write_str(
                "the X-Mock-Admin-Token header is wrong: it is not the token the server was started with (--admin-token)",
            ),
            ControlError::WrongAdminToken { configured: false } => f.write_str(
                "the X-Mock-Admin-Token header is of no use here: the server was started without --admin-token, so the control plane answers loopback clients only",
            ),
            ControlError::UnknownRoute { method, path } => write!(
                f,
                "no control-plane route {method} {path} (the routes: README.md, \"Control plane\")"
            ),
            ControlError::MethodNotAllowed { method, path } => {
                write!(f, "{path} is a control-plane route, but not for {method}")
            }
            ControlError::EnvironmentLocked(org_id) => write!(
                f,
                "org {org_id:?} cannot be switched to production: the server runs with --environment sandbox, which makes every org a sandbox (restart it without that flag)"
            ),
            ControlError::OrgExists(org_id) => write!(f, "an org {org_id:?} exists already"),
            ControlError::BodyTooLarge { route, limit } => write!(
                f,
                "{route}: the body is larger than {limit} bytes (--max-body-bytes)"
            ),
            ControlError::BadRequest(message)
            | ControlError::BadFault(message)
            | ControlError::BadPattern(message)
            | ControlError::Internal(message) => f.write_str(message),
            ControlError::Routing(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for ControlError {}

impl From<ControlError> for ApiResponse {
    fn from(error: ControlError) -> ApiResponse {
        if let ControlError::Routing(error) = error {
            return error.into();
        }
        ApiResponse::json(
            error.status(),
            &json!({ "error": { "code": error.code(), "message": error.to_string() } }),
        )
    }
}

impl From<ApiError> for ControlError {
    fn from(error: ApiError) -> ControlError {
        ControlError::Routing(error)
    }
}

/// A store failure is logged, and answered 500 with what failed.
impl From<StoreError> for ControlError {
    fn from(error: StoreError) -> ControlError {
        tracing::error!(%error, "control plane store failure");
        ControlError::Internal(error.to_string())
    }
}
