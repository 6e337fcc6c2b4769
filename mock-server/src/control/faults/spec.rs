//! Parsing a fault: its request pattern (the control plane's one language,
//! [`crate::control::pattern`]) and what it does (latency, a documented error, a stub answer,
//! a reset), how often, how many times, and its priority.

use std::borrow::Cow;

use bytes::Bytes;
use serde_json::{Map, Value};

use super::FaultAction;
use crate::api::error::{ApiError, message, permission};
use crate::control::limits;
use crate::control::pattern::RequestPattern;
use crate::http::ApiResponse;

/// The keys a fault takes besides the pattern's.
pub const FAULT_KEYS: [&str; 9] = [
    "latency_ms",
    "error",
    "response",
    "reset_connection",
    "rate",
    "seed",
    "times",
    "priority",
    "description",
];

/// The priority of a fault that gives none (1 is tried first, as WireMock's).
pub const DEFAULT_PRIORITY: u32 = 5;

/// A parsed fault, before it gets an id.
#[derive(Debug)]
pub struct Spec {
    pub pattern: RequestPattern,
    pub latency_ms: (u64, u64),
    pub action: FaultAction,
    pub rate: f64,
    pub seed: u64,
    pub times: Option<u64>,
    pub priority: u32,
}

/// Parses a fault; the error says which key is wrong and why.
pub fn parse(spec: &Value) -> Result<Spec, String> {
    let object = spec.as_object().ok_or("a fault is a JSON object")?;
    let pattern = RequestPattern::parse_object(object, &FAULT_KEYS, false, "the fault")?;
    let latency_ms = latency(object)?;
    let reset = matches!(object.get("reset_connection"), Some(Value::Bool(true)));
    let answers = [object.get("error"), object.get("response")]
        .iter()
        .filter(|given| given.is_some_and(|v| !v.is_null()))
        .count()
        + usize::from(reset);
    if answers > 1 {
        return Err("give one of \"error\", \"response\" or \"reset_connection\", not two".into());
    }
    let action = match (object.get("error"), object.get("response")) {
        (Some(error), _) if !error.is_null() => FaultAction::Respond(error_response(error)?),
        (_, Some(stub)) if !stub.is_null() => FaultAction::Respond(stub_response(stub)?),
        _ if reset => FaultAction::Reset,
        _ if latency_ms.1 == 0 => {
            return Err(
                "a fault needs \"latency_ms\", \"error\", \"response\" or \"reset_connection\""
                    .into(),
            );
        }
        _ => FaultAction::Handle,
    };
    let rate = match object.get("rate") {
        None | Some(Value::Null) => 1.0,
        Some(value) => value
            .as_f64()
            .filter(|r| (0.0..=1.0).contains(r))
            .ok_or("\"rate\" is a number from 0 to 1")?,
    };
    let seed = match object.get("seed") {
        None | Some(Value::Null) => 0,
        Some(value) => value.as_u64().ok_or("\"seed\" is a whole number")?,
    };
    let times = match object.get("times") {
        None | Some(Value::Null) => None,
        Some(value) => Some(
            value
                .as_u64()
                .filter(|n| *n > 0)
                .ok_or("\"times\" is a whole number above 0")?,
        ),
    };
    let priority = match object.get("priority") {
        None | Some(Value::Null) => DEFAULT_PRIORITY,
        Some(value) => value
            .as_u64()
            .and_then(|p| u32::try_from(p).ok())
            .filter(|p| *p >= 1)
            .ok_or("\"priority\" is a whole number from 1 (tried first)")?,
    };
    if object.get("description").is_some_and(|d| !d.is_string()) {
        return Err("\"description\" is a string".into());
    }
    Ok(Spec {
        pattern,
        latency_ms,
        action,
        rate,
        seed,
        times,
        priority,
    })
}

fn latency(object: &Map<String, Value>) -> Result<(u64, u64), String> {
    let ms = |value: &Value| value.as_u64().ok_or("\"latency_ms\" is whole milliseconds");
    let range = match object.get("latency_ms") {
        None | Some(Value::Null) => (0, 0),
        Some(value @ Value::Number(_)) => (ms(value)?, ms(value)?),
        Some(Value::Array(range)) => match range.as_slice() {
            [a, b] => {
                let (a, b) = (ms(a)?, ms(b)?);
                if a > b {
                    return Err("\"latency_ms\": [min, max] with min <= max".into());
                }
                (a, b)
            }
            _ => return Err("\"latency_ms\": a number or [min, max]".into()),
        },
        Some(_) => return Err("\"latency_ms\": a number or [min, max]".into()),
    };
    if range.1 > 60_000 {
        return Err("\"latency_ms\" is at most 60000".into());
    }
    Ok(range)
}

fn status_of(value: Option<&Value>, key: &str) -> Result<Option<u16>, String> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(value) => value
            .as_u64()
            .and_then(|s| u16::try_from(s).ok())
            .filter(|s| (200..=599).contains(s))
            .map(Some)
            .ok_or_else(|| format!("{key:?} is an HTTP status from 200 to 599")),
    }
}

/// A stub: `{"status": N, "headers": {…}, "body": …}`, every key optional (200, none, none).
/// A string body is sent as it is (give its `Content-Type`); any other JSON value as JSON.
fn stub_response(stub: &Value) -> Result<ApiResponse, String> {
    let object = stub
        .as_object()
        .ok_or("\"response\" is {\"status\": N, \"headers\": {…}, \"body\": …}")?;
    if let Some(key) = object
        .keys()
        .find(|key| !["status", "headers", "body"].contains(&key.as_str()))
    {
        return Err(format!(
            "unknown key {key:?} in \"response\" (known: status, headers, body)"
        ));
    }
    let status = status_of(object.get("status"), "status")?.unwrap_or(200);
    let mut response = match object.get("body") {
        None | Some(Value::Null) => ApiResponse::no_content(),
        Some(Value::String(text)) => ApiResponse {
            status,
            body: Some(Bytes::from(text.clone().into_bytes())),
            headers: Vec::new(),
        },
        Some(body) => ApiResponse::json(status, body),
    };
    response.status = status;
    match object.get("headers") {
        None | Some(Value::Null) => {}
        Some(Value::Object(headers)) => {
            for (name, value) in headers {
                let value = value
                    .as_str()
                    .ok_or_else(|| format!("\"response\" header {name:?} is a string"))?;
                let valid_name = !name.is_empty()
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_!#$%&'*+.^`|~".contains(&b));
                if !valid_name || value.bytes().any(|b| b < b' ' && b != b'\t') {
                    return Err(format!(
                        "\"response\" header {name:?} is not a valid header"
                    ));
                }
                response
                    .headers
                    .push((Cow::Owned(name.clone()), value.to_owned()));
            }
        }
        Some(_) => return Err("\"response\": \"headers\" is an object of strings".into()),
    }
    Ok(response)
}

/// The answer of an `error` fault: a documented code, or any status and body.
fn error_response(error: &Value) -> Result<ApiResponse, String> {
    let object = error
        .as_object()
        .ok_or("\"error\" is {\"code\": …} or {\"status\": N, \"body\": {…}}")?;
    let status = status_of(object.get("status"), "status")?;
    if let Some(body) = object.get("body") {
        let status = status.ok_or("an \"error\" with a \"body\" needs a \"status\"")?;
        return Ok(ApiResponse::json(status, body));
    }
    let code = object
        .get("code")
        .and_then(Value::as_str)
        .ok_or("\"error\" needs a \"code\" (or a \"status\" and a \"body\")")?;
    let error = documented_error(code).ok_or_else(|| {
        format!(
            "{code:?} is not a code a fault can answer; use one of {} or give a status and body",
            FAULT_CODES.join(", ")
        )
    })?;
    let mut response = ApiResponse::from(error);
    if code == "TOO_MANY_REQUESTS" {
        // What the limits send with the same body: a client reads these to back off.
        limits::refusal_headers(&mut response, FAULT_LIMIT, FAULT_RETRY_AFTER);
    }
    if let Some(status) = status {
        response.status = status;
    }
    Ok(response)
}

/// The allowance and wait a `TOO_MANY_REQUESTS` fault answers with (body and headers agree).
const FAULT_LIMIT: u64 = 100;
const FAULT_RETRY_AFTER: u64 = 60;

/// The codes an `error` fault can name, each answered with its documented body.
pub const FAULT_CODES: [&str; 9] = [
    "INTERNAL_ERROR",
    "INVALID_TOKEN",
    "AUTHENTICATION_FAILURE",
    "OAUTH_SCOPE_MISMATCH",
    "INVALID_URL_PATTERN",
    "INVALID_REQUEST_METHOD",
    "NO_PERMISSION",
    "API_NOT_SUPPORTED",
    "TOO_MANY_REQUESTS",
];

fn documented_error(code: &str) -> Option<ApiError> {
    Some(match code {
        "INTERNAL_ERROR" => ApiError::InternalError,
        "INVALID_TOKEN" => ApiError::InvalidToken,
        "AUTHENTICATION_FAILURE" => ApiError::AuthenticationFailure,
        "OAUTH_SCOPE_MISMATCH" => ApiError::OauthScopeMismatch,
        "INVALID_URL_PATTERN" => ApiError::InvalidUrlPattern,
        "INVALID_REQUEST_METHOD" => ApiError::InvalidRequestMethod,
        "NO_PERMISSION" => ApiError::NoPermission {
            permissions: vec![permission::MANAGE_PORTAL],
            message: message::PERMISSION_IS_INVALID,
        },
        "API_NOT_SUPPORTED" => ApiError::SandboxNotSupported,
        "TOO_MANY_REQUESTS" => ApiError::TooManyRequests {
            message: message::CREDITS_EXHAUSTED,
            retry_after: FAULT_RETRY_AFTER,
            limit: FAULT_LIMIT,
            window: 60,
        },
        _ => return None,
    })
}
