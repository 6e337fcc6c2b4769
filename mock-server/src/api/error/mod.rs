//! `ApiError`: every error the Portals API answers, one variant per documented Zoho error body.
//!
//! Each variant knows its HTTP status, `code`, `message` and `details`, so no handler ever builds
//! an error body by hand. Zoho answers some errors at the top level
//! (`{"code":…,"details":…,"message":…,"status":"error"}`) and others wrapped in the resource's
//! array (`{"portals":[{…}]}`); [`ApiError::wrapped`] turns the first form into the second.
//! The messages are copied byte for byte from the sources in `fixtures/FIDELITY.md`.

mod details;

pub use details::Details;

use serde_json::{Map, Value, json};

/// Permission identifiers that appear in `NO_PERMISSION.details.permissions`.
pub mod permission {
    /// "Manage Portal": portal and user-type configuration.
    pub const MANAGE_PORTAL: &str = "Crm_Implied_Manage_ClientPortal";
    /// "Manage Portal Users": users, invitations, transfers and status changes.
    pub const MANAGE_PORTAL_USERS: &str = "Crm_Implied_Manage_ClientPortal_Users";
}

/// The data centres whose hosts serve the user-type API, in the order Zoho lists them in
/// `details.supported_domains` (oas8 `*PortalUserType*:400:apinotsupportedresponse3`).
pub const SUPPORTED_DOMAINS: [&str; 7] = ["eu", "com", "in", "au", "ca", "cn", "jp"];

/// The one error type of the API surface. Rendered by [`ApiError::status`] and [`ApiError::body`].
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// 404: no route has this path.
    InvalidUrlPattern,
    /// 400 (not 405): the path exists, the method does not.
    InvalidRequestMethod,
    /// 400: the version in the path does not serve the Portals API.
    UnsupportedVersion {
        /// The first version that serves it (a JSON number, as `common.json` types it).
        supported_version: f64,
    },
    /// 400: the org (or the host) is a sandbox, where Zoho does not serve the Portals API.
    SandboxNotSupported,
    /// 400: the caller is a client-portal user, whom the user-type API does not serve
    /// (`{"unsupported_login_user_type":"Client Portal User"}`).
    ClientPortalUserNotSupported,
    /// 400: the host names a data centre that does not serve the user-type API
    /// (`{"supported_domains":[…]}`).
    DomainNotSupported,
    /// 401: no `Authorization: Zoho-oauthtoken …` header at all.
    AuthenticationFailure,
    /// 401: the token is unknown, malformed or expired.
    InvalidToken,
    /// 401: the token lacks the scope this operation needs.
    OauthScopeMismatch,
    /// 403: the user's profile lacks a portal permission.
    NoPermission {
        /// Permission identifiers listed in `details.permissions`; empty renders `details: {}`.
        permissions: Vec<&'static str>,
        /// The documented message of that endpoint ("Permission is invalid.", "No permission", …).
        message: &'static str,
    },
    /// 400: a required key is absent.
    MandatoryNotFound {
        /// The missing key.
        api_name: String,
        /// Where it was expected, e.g. `$.portals[0].name`.
        json_path: String,
        /// The documented message ("required field not found", or an endpoint's own).
        message: &'static str,
    },
    /// 400: a value is present but wrong.
    InvalidData {
        /// The details shape documented for this cause.
        details: Details,
        /// The documented message ("invalid data", "No portal exists with the given portal name.", …).
        message: &'static str,
    },
    /// 400: a value does not match the pattern the field allows.
    PatternNotMatched {
        /// The offending key.
        api_name: String,
        /// Its JSON path, for a body key (shown after `api_name`); `None` for a query parameter.
        json_path: Option<String>,
    },
    /// 400: a name that must be unique is taken.
    AlreadyUsed {
        /// The key holding the name.
        api_name: String,
        /// The documented message.
        message: &'static str,
    },
    /// 400: a limit of the org was reached (a second portal in one org).
    LimitReached {
        /// What the limit is, in Zoho's words.
        message: &'static str,
    },
    /// 400: a value may not be set this way (e.g. `null` where a value is required).
    NotAllowed {
        /// The documented details shape.
        details: Details,
        /// The documented message.
        message: &'static str,
    },
    /// 400: a key that another key depends on is missing (`filters` without `layouts`).
    DependentFieldMissing {
        /// The key depended on.
        dependee: String,
        /// Its JSON path.
        dependee_path: String,
        /// The dependent key.
        api_name: String,
        /// Its JSON path.
        json_path: String,
        /// The documented message.
        message: &'static str,
    },
    /// 400: a required parameter (or inner key) is missing: `{"<key>": "<value>"}`.
    RequiredParamMissing {
        /// `param` (query parameters) or `api_name` (body keys), as documented per endpoint.
        key: &'static str,
        /// The missing parameter.
        value: String,
    },
    /// 400: a value that must be unique is repeated.
    DuplicateData {
        /// The key.
        api_name: String,
        /// Its JSON path.
        json_path: String,
    },
    /// 400: "Personality module and Notes module are mandatory modules."
    MandatoryModulesMissing,
    /// 400: the edition's licence allows no more of this.
    LicenseLimitExceeded,
    /// 400: the module in the path or query is not a module of the org.
    InvalidModule,
    /// 400: the record cannot be invited in its state: `NOT_APPROVED`, `NOT_REVIEWED`, or
    /// `DUPLICATE_DATA` (another portal user has its email); details `{"record_id"}`.
    RecordState {
        /// The code.
        code: &'static str,
        /// The record.
        record_id: String,
        /// The documented message.
        message: &'static str,
    },
    /// 400: `CANNOT_PROCESS` `{}` (e.g. `type=invite` for a user who exists).
    CannotProcess {
        /// The documented message.
        message: &'static str,
    },
    /// 400: a personality id that is not a user of the type: `INVALID_DATA` `{"personality_id"}`.
    PersonalityNotInType {
        /// The id.
        personality_id: String,
        /// The documented message (delete and transfer differ).
        message: &'static str,
    },
    /// 400: an error about the path segment at `resource_path_index` (change status):
    /// `INVALID_DATA`, `NOT_ALLOWED`, `ALREADY_ACTIVATED`, …
    AtPathIndex {
        /// The code.
        code: &'static str,
        /// The index of the segment after `/crm/{version}/`, as a string.
        resource_path_index: &'static str,
        /// The documented message.
        message: &'static str,
    },
    /// 400: activating beyond the licence: `LIMIT_EXCEEDED` `{"limit":N}`.
    LimitExceeded {
        /// Licences left.
        limit: i64,
    },
    /// 400: the body is not JSON.
    JsonParseError,
    /// 400: a search's criteria (or its parameters) cannot run: `INVALID_QUERY` "invalid query
    /// formed", with `reason`, `api_name` and `operator` when they apply.
    InvalidQuery {
        /// Why (absent for a criteria that does not parse).
        reason: Option<&'static str>,
        /// The field concerned.
        api_name: Option<String>,
        /// The operator concerned.
        operator: Option<String>,
    },
    /// 400: `page` asked for records past the first 2,000 (`page_token` reaches them).
    DiscretePaginationLimitExceeded,
    /// 413: the body is larger than the server accepts.
    RequestEntityTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// 429: API credits of the rolling window used up, or too many requests at once (when limits
    /// are enforced). The body is not documented for the Portals API: see FIDELITY.md.
    TooManyRequests {
        /// Which limit ("Rate limit exceeded…" or "Concurrency limit exceeded…").
        message: &'static str,
        /// Seconds until a retry can succeed.
        retry_after: u64,
        /// The limit reached.
        limit: u64,
        /// The window the limit counts over, in seconds (0: requests at once).
        window: u64,
    },
    /// 500: a fault inside the mock (logged with its cause; never expected).
    InternalError,
    /// An error of a body's schema (a key of the wrong type or length, a value outside the
    /// key's enum, a required key missing), rendered as the error it holds until
    /// [`ApiError::in_version_form`] gives it its version's form: v8 prints the v8 examples' form
    /// (`[*]` for every array index, `text` for strings, "Required field is missing").
    Schema(Box<ApiError>),
    /// The same error, wrapped in the resource's array: `{"<key>":[{…}]}`.
    Wrapped {
        /// The resource key (`portals`, `user_type`, …).
        key: &'static str,
        /// The error inside the array.
        error: Box<ApiError>,
    },
}

/// Messages that several endpoints share, copied from the sources.
pub mod message {
    /// `MANDATORY_NOT_FOUND` on the portal and common bodies.
    pub const REQUIRED_FIELD_NOT_FOUND: &str = "required field not found";
    /// `MANDATORY_NOT_FOUND` of a user-type body's schema on v8 (the v8 examples).
    pub const REQUIRED_FIELD_IS_MISSING: &str = "Required field is missing";
    /// `INVALID_DATA` on the portal and common bodies.
    pub const INVALID_DATA: &str = "invalid data";
    /// v8 update of a user type naming a module that is not a personality module.
    pub const INVALID_PERSONALITY_MODULE: &str = "Invalid personality module.";
    /// Unknown portal name on every endpoint under a portal.
    pub const NO_PORTAL: &str = "No portal exists with the given portal name.";
    /// `NO_PERMISSION` on the portal endpoints.
    pub const PERMISSION_IS_INVALID: &str = "Permission is invalid.";
    /// `ALREADY_USED` for a portal name.
    pub const PORTAL_NAME_IN_USE: &str = "The entered portal name is already in use";
    /// `TOO_MANY_REQUESTS` when the API credits of the rolling window are used up.
    pub const CREDITS_EXHAUSTED: &str =
        "Rate limit exceeded. Please retry after the specified time.";
    /// `TOO_MANY_REQUESTS` when too many requests of the org run at once.
    pub const CONCURRENCY_EXCEEDED: &str =
        "Concurrency limit exceeded. Please retry after the specified time.";
    /// `LIMIT_REACHED` for a second portal in one org (not documented; see FIDELITY.md).
    pub const ONE_PORTAL_PER_ORG: &str = "Only one portal can be created per organization";
}

impl ApiError {
    /// Wraps this error in the resource's array, as the endpoint documents.
    pub fn wrapped(self, key: &'static str) -> ApiError {
        ApiError::Wrapped {
            key,
            error: Box::new(self),
        }
    }

    /// Marks this error as one of the body's schema ([`ApiError::Schema`]).
    pub fn schema(self) -> ApiError {
        ApiError::Schema(Box::new(self))
    }

    /// The error in the form `v8` (or v4–v7) prints it: a [`ApiError::Schema`] error (wrapped or
    /// not) loses its mark; on v8 its `json_path` names every array index `[*]`, an
    /// `expected_data_type` `string` becomes `text` and `MANDATORY_NOT_FOUND` says "Required
    /// field is missing", as Zoho's v8 examples print them. Other errors are unchanged.
    pub fn in_version_form(self, v8: bool) -> ApiError {
        match self {
            ApiError::Wrapped { key, error } => ApiError::Wrapped {
                key,
                error: Box::new(error.in_version_form(v8)),
            },
            ApiError::Schema(error) if v8 => match *error {
                ApiError::MandatoryNotFound {
                    api_name,
                    json_path,
                    ..
                } => ApiError::MandatoryNotFound {
                    api_name,
                    json_path: details::any_index(&json_path),
                    message: message::REQUIRED_FIELD_IS_MISSING,
                },
                ApiError::InvalidData { details, message } => ApiError::InvalidData {
                    details: details.in_v8_schema_form(),
                    message,
                },
                other => other.in_version_form(v8),
            },
            ApiError::Schema(error) => error.in_version_form(v8),
            other => other,
        }
    }

    /// `INVALID_DATA` with `{expected_data_type, api_name, json_path}` and "invalid data".
    pub fn expected_type(expected: &'static str, api_name: &str, json_path: &str) -> ApiError {
        ApiError::InvalidData {
            details: Details::ExpectedType {
                expected_data_type: expected,
                api_name: api_name.to_owned(),
                json_path: json_path.to_owned(),
            },
            message: message::INVALID_DATA,
        }
    }

    /// `MANDATORY_NOT_FOUND` with "required field not found".
    pub fn mandatory(api_name: &str, json_path: &str) -> ApiError {
        ApiError::MandatoryNotFound {
            api_name: api_name.to_owned(),
            json_path: json_path.to_owned(),
            message: message::REQUIRED_FIELD_NOT_FOUND,
        }
    }

    /// The top-level "No portal exists with the given portal name." error.
    pub fn no_portal() -> ApiError {
        ApiError::InvalidData {
            details: Details::Empty {},
            message: message::NO_PORTAL,
        }
    }

    /// The HTTP status Zoho answers with.
    pub fn status(&self) -> u16 {
        match self {
            ApiError::InvalidUrlPattern => 404,
            ApiError::AuthenticationFailure
            | ApiError::InvalidToken
            | ApiError::OauthScopeMismatch => 401,
            ApiError::NoPermission { .. } => 403,
            ApiError::RequestEntityTooLarge { .. } => 413,
            ApiError::TooManyRequests { .. } => 429,
            ApiError::InternalError => 500,
            ApiError::Wrapped { error, .. } | ApiError::Schema(error) => error.status(),
            _ => 400,
        }
    }

    /// The `code` string.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::InvalidUrlPattern => "INVALID_URL_PATTERN",
            ApiError::InvalidRequestMethod => "INVALID_REQUEST_METHOD",
            ApiError::UnsupportedVersion { .. }
            | ApiError::SandboxNotSupported
            | ApiError::ClientPortalUserNotSupported
            | ApiError::DomainNotSupported => "API_NOT_SUPPORTED",
            ApiError::AuthenticationFailure => "AUTHENTICATION_FAILURE",
            ApiError::InvalidToken => "INVALID_TOKEN",
            ApiError::OauthScopeMismatch => "OAUTH_SCOPE_MISMATCH",
            ApiError::NoPermission { .. } => "NO_PERMISSION",
            ApiError::MandatoryNotFound { .. } => "MANDATORY_NOT_FOUND",
            ApiError::InvalidData { .. } => "INVALID_DATA",
            ApiError::PatternNotMatched { .. } => "PATTERN_NOT_MATCHED",
            ApiError::AlreadyUsed { .. } => "ALREADY_USED",
            ApiError::LimitReached { .. } => "LIMIT_REACHED",
            ApiError::NotAllowed { .. } => "NOT_ALLOWED",
            ApiError::DependentFieldMissing { .. } => "DEPENDENT_FIELD_MISSING",
            ApiError::RequiredParamMissing { .. } => "REQUIRED_PARAM_MISSING",
            ApiError::DuplicateData { .. } => "DUPLICATE_DATA",
            ApiError::MandatoryModulesMissing => "MANDATORY_NOT_FOUND",
            ApiError::LicenseLimitExceeded => "LICENSE_LIMIT_EXCEEDED",
            ApiError::InvalidModule => "INVALID_MODULE",
            ApiError::RecordState { code, .. } | ApiError::AtPathIndex { code, .. } => code,
            ApiError::CannotProcess { .. } => "CANNOT_PROCESS",
            ApiError::PersonalityNotInType { .. } => "INVALID_DATA",
            ApiError::LimitExceeded { .. } => "LIMIT_EXCEEDED",
            ApiError::JsonParseError => "JSON_PARSE_ERROR",
            ApiError::InvalidQuery { .. } => "INVALID_QUERY",
            ApiError::DiscretePaginationLimitExceeded => "DISCRETE_PAGINATION_LIMIT_EXCEEDED",
            ApiError::RequestEntityTooLarge { .. } => "REQUEST_ENTITY_TOO_LARGE",
            ApiError::TooManyRequests { .. } => "TOO_MANY_REQUESTS",
            ApiError::InternalError => "INTERNAL_ERROR",
            ApiError::Wrapped { error, .. } | ApiError::Schema(error) => error.code(),
        }
    }

    /// The `message` string.
    pub fn message(&self) -> &str {
        match self {
            ApiError::InvalidUrlPattern => {
                "Please check if the URL trying to access is a correct one"
            }
            ApiError::InvalidRequestMethod => "The http request method type is not a valid one",
            ApiError::UnsupportedVersion { .. } => "api not supported in this version",
            ApiError::SandboxNotSupported => "api not supported in sandbox",
            ApiError::ClientPortalUserNotSupported => "api not supported for client portal user",
            ApiError::DomainNotSupported => "api not supported",
            ApiError::AuthenticationFailure => "Authentication failed",
            ApiError::InvalidToken => "invalid oauth token",
            ApiError::OauthScopeMismatch => "invalid oauth scope to access this URL",
            ApiError::PatternNotMatched { .. } => {
                "Please check whether the input values are correct"
            }
            ApiError::JsonParseError => "body",
            ApiError::InvalidQuery { .. } => "invalid query formed",
            ApiError::DiscretePaginationLimitExceeded => {
                "The pagination limit has exceeded. Use page_token to fetch more records."
            }
            ApiError::RequestEntityTooLarge { .. } => "request body exceeds the allowed size",
            ApiError::InternalError => "Internal Server Error",
            ApiError::TooManyRequests { message, .. } => message,
            ApiError::RequiredParamMissing { .. } => "One of the expected parameter is missing",
            ApiError::DuplicateData { .. } => "duplicate data",
            ApiError::MandatoryModulesMissing => {
                "Personality module and Notes module are mandatory modules."
            }
            ApiError::LicenseLimitExceeded => "License limit exceeded.",
            ApiError::InvalidModule => "the module name given seems to be invalid",
            ApiError::LimitExceeded { .. } => "License Limit has been exceeded.",
            ApiError::RecordState { message, .. }
            | ApiError::CannotProcess { message }
            | ApiError::PersonalityNotInType { message, .. }
            | ApiError::AtPathIndex { message, .. } => message,
            ApiError::NoPermission { message, .. }
            | ApiError::MandatoryNotFound { message, .. }
            | ApiError::InvalidData { message, .. }
            | ApiError::AlreadyUsed { message, .. }
            | ApiError::LimitReached { message }
            | ApiError::NotAllowed { message, .. }
            | ApiError::DependentFieldMissing { message, .. } => message,
            ApiError::Wrapped { error, .. } | ApiError::Schema(error) => error.message(),
        }
    }

    /// The `details` object.
    pub fn details(&self) -> Value {
        match self {
            ApiError::UnsupportedVersion { supported_version } => {
                json!({ "supported_version": supported_version })
            }
            ApiError::SandboxNotSupported => json!({ "unsupported_environment": "sandbox" }),
            ApiError::ClientPortalUserNotSupported => {
                json!({ "unsupported_login_user_type": "Client Portal User" })
            }
            ApiError::DomainNotSupported => json!({ "supported_domains": SUPPORTED_DOMAINS }),
            ApiError::NoPermission { permissions, .. } if !permissions.is_empty() => {
                json!({ "permissions": permissions })
            }
            ApiError::MandatoryNotFound {
                api_name,
                json_path,
                ..
            }
            | ApiError::DuplicateData {
                api_name,
                json_path,
            } => json!({ "api_name": api_name, "json_path": json_path }),
            ApiError::InvalidData { details, .. } | ApiError::NotAllowed { details, .. } => {
                details.to_json()
            }
            ApiError::DependentFieldMissing {
                dependee,
                dependee_path,
                api_name,
                json_path,
                ..
            } => json!({
                "dependee": { "api_name": dependee, "json_path": dependee_path },
                "api_name": api_name,
                "json_path": json_path,
            }),
            ApiError::RequiredParamMissing { key, value } => {
                let mut details = Map::new();
                details.insert((*key).to_owned(), Value::String(value.clone()));
                Value::Object(details)
            }
            ApiError::PatternNotMatched {
                api_name,
                json_path: Some(json_path),
            } => json!({ "api_name": api_name, "json_path": json_path }),
            ApiError::PatternNotMatched { api_name, .. }
            | ApiError::AlreadyUsed { api_name, .. } => {
                json!({ "api_name": api_name })
            }
            ApiError::RequestEntityTooLarge { limit } => json!({ "maximum_size": limit }),
            ApiError::RecordState { record_id, .. } => json!({ "record_id": record_id }),
            ApiError::PersonalityNotInType { personality_id, .. } => {
                json!({ "personality_id": personality_id })
            }
            ApiError::AtPathIndex {
                resource_path_index,
                ..
            } => json!({ "resource_path_index": resource_path_index }),
            ApiError::LimitExceeded { limit } => json!({ "limit": limit }),
            ApiError::InvalidQuery {
                reason,
                api_name,
                operator,
            } => {
                let mut details = Map::new();
                if let Some(reason) = reason {
                    details.insert("reason".into(), json!(reason));
                }
                if let Some(api_name) = api_name {
                    details.insert("api_name".into(), json!(api_name));
                }
                if let Some(operator) = operator {
                    details.insert("operator".into(), json!(operator));
                }
                Value::Object(details)
            }
            ApiError::TooManyRequests {
                retry_after,
                limit,
                window,
                ..
            } => json!({ "retry_after": retry_after, "limit": limit, "window": window }),
            ApiError::Wrapped { error, .. } | ApiError::Schema(error) => error.details(),
            _ => Value::Object(Map::new()),
        }
    }

    /// The whole body: the error object, wrapped in its resource array when documented so.
    pub fn body(&self) -> Value {
        match self {
            ApiError::Wrapped { key, error } => {
                let mut outer = Map::new();
                outer.insert((*key).to_owned(), Value::Array(vec![error.body()]));
                Value::Object(outer)
            }
            ApiError::Schema(error) => error.body(),
            _ => json!({
                "code": self.code(),
                "details": self.details(),
                "message": self.message(),
                "status": "error",
            }),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status(), self.code(), self.message())
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn compact(error: &ApiError) -> String {
        serde_json::to_string(&error.body()).unwrap()
    }

    #[test]
    fn generic_errors_render_the_documented_bodies() {
        assert_eq!(
            compact(&ApiError::InvalidUrlPattern),
            r#"{"code":"INVALID_URL_PATTERN","details":{},"message":"Please check if the URL trying to access is a correct one","status":"error"}"#
        );
        assert_eq!(
            compact(&ApiError::SandboxNotSupported),
            r#"{"code":"API_NOT_SUPPORTED","details":{"unsupported_environment":"sandbox"},"message":"api not supported in sandbox","status":"error"}"#
        );
        assert_eq!(
            compact(&ApiError::ClientPortalUserNotSupported),
            r#"{"code":"API_NOT_SUPPORTED","details":{"unsupported_login_user_type":"Client Portal User"},"message":"api not supported for client portal user","status":"error"}"#
        );
        assert_eq!(
            compact(&ApiError::DomainNotSupported),
            r#"{"code":"API_NOT_SUPPORTED","details":{"supported_domains":["eu","com","in","au","ca","cn","jp"]},"message":"api not supported","status":"error"}"#
        );
        assert_eq!(ApiError::InvalidRequestMethod.status(), 400);
        assert_eq!(ApiError::InvalidToken.status(), 401);
    }

    #[test]
    fn wrapped_errors_keep_the_inner_status_and_nest_the_body() {
        let error = ApiError::mandatory("name", "$.portals[0].name").wrapped("portals");
        assert_eq!(error.status(), 400);
        assert_eq!(
            compact(&error),
            r#"{"portals":[{"code":"MANDATORY_NOT_FOUND","details":{"api_name":"name","json_path":"$.portals[0].name"},"message":"required field not found","status":"error"}]}"#
        );
    }

    #[test]
    fn no_permission_without_permissions_has_empty_details() {
        let error = ApiError::NoPermission {
            permissions: vec![],
            message: message::PERMISSION_IS_INVALID,
        };
        assert_eq!(
            compact(&error),
            r#"{"code":"NO_PERMISSION","details":{},"message":"Permission is invalid.","status":"error"}"#
        );
    }
}
