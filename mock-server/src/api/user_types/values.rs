//! The value checks every key of a user-type body shares: JSON types, lengths, enums, ids and
//! required keys, each answering its documented error in the form of the request's version
//! ([`Rules`]: v8 adds the checks of its OpenAPI schema and the examples' error form).

use serde_json::{Map, Value};

use crate::api::error::{ApiError, Details, message};

const KEY: &str = "user_type";

/// What a user-type body is validated for: the version (v8 adds the checks of its OpenAPI
/// schema, FIDELITY.md "Schema errors in a user-type body") and the operation (create and update
/// document a few limits differently).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// v8 (or later): the checks and error forms of the v8 examples.
    pub v8: bool,
    /// Create (UT3) rather than update (UT4).
    pub create: bool,
}

/// `INVALID_DATA` "Invalid data type" (the user-type endpoints' message), wrapped: a schema
/// error.
pub fn wrong_type(expected: &'static str, api_name: &str, json_path: &str) -> ApiError {
    ApiError::InvalidData {
        details: Details::ExpectedType {
            expected_data_type: expected,
            api_name: api_name.to_owned(),
            json_path: json_path.to_owned(),
        },
        message: "Invalid data type",
    }
    .schema()
    .wrapped(KEY)
}

/// `MANDATORY_NOT_FOUND` of a key the schema requires, wrapped: v8 prints it "Required field is
/// missing" with `[*]` indices; v4–v7 as [`missing`].
pub fn required(api_name: &str, json_path: &str) -> ApiError {
    ApiError::mandatory(api_name, json_path)
        .schema()
        .wrapped(KEY)
}

/// `INVALID_DATA` "Invalid data" with `minimum_length`, wrapped: a schema error.
pub fn too_short(api_name: &str, json_path: &str, minimum_length: usize) -> ApiError {
    ApiError::InvalidData {
        details: Details::MinLength {
            api_name: api_name.to_owned(),
            json_path: json_path.to_owned(),
            minimum_length,
        },
        message: "Invalid data",
    }
    .schema()
    .wrapped(KEY)
}

/// `INVALID_DATA` "invalid data" `{api_name, json_path}`, wrapped: a value that names nothing.
pub fn invalid_at(api_name: &str, json_path: &str) -> ApiError {
    ApiError::InvalidData {
        details: Details::At {
            api_name: api_name.to_owned(),
            json_path: json_path.to_owned(),
        },
        message: message::INVALID_DATA,
    }
    .wrapped(KEY)
}

/// `MANDATORY_NOT_FOUND` "required field not found", wrapped (every version prints it so).
pub fn missing(api_name: &str, json_path: &str) -> ApiError {
    ApiError::mandatory(api_name, json_path).wrapped(KEY)
}

/// `INVALID_DATA` "Invalid data" with `maximum_length`, wrapped: a schema error.
pub fn too_long(api_name: &str, json_path: &str, maximum_length: usize) -> ApiError {
    ApiError::InvalidData {
        details: Details::MaxLength {
            api_name: api_name.to_owned(),
            json_path: json_path.to_owned(),
            maximum_length,
        },
        message: "Invalid data",
    }
    .schema()
    .wrapped(KEY)
}

/// `INVALID_DATA` "Invalid data" with `supported_values`, wrapped: a value outside the key's
/// enum (a schema error).
pub fn unsupported(values: &[&'static str], api_name: &str, json_path: &str) -> ApiError {
    supported_values(values, api_name, json_path)
        .schema()
        .wrapped(KEY)
}

pub(crate) fn supported_values(
    values: &[&'static str],
    api_name: &str,
    json_path: &str,
) -> ApiError {
    ApiError::InvalidData {
        details: Details::SupportedValues {
            supported_values: values.to_vec(),
            api_name: api_name.to_owned(),
            json_path: json_path.to_owned(),
        },
        message: "Invalid data",
    }
}

/// The values of a boolean key's enum in the v8 schema.
pub const BOOLEAN_VALUES: [&str; 2] = ["true", "false"];

/// A boolean key: a JSON boolean; any other value is `expected_data_type: boolean` (on v8 the
/// schema table checked a string's length and enum first: `user_types::schema`).
pub fn boolean(value: &Value, key: &str, path: &str) -> Result<bool, ApiError> {
    match value {
        Value::Bool(flag) => Ok(*flag),
        _ => Err(wrong_type("boolean", key, path)),
    }
}

/// An id given as a digit string or a JSON number.
pub fn id_of(value: &Value) -> Option<String> {
    match value {
        Value::String(text) if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => {
            Some(text.clone())
        }
        Value::Number(number) if number.is_u64() => Some(number.to_string()),
        _ => None,
    }
}

/// Reads `<key>.id` of an object-valued key, answering the documented errors.
pub(crate) fn required_id(
    object: &Map<String, Value>,
    path: &str,
    rules: Rules,
) -> Result<String, ApiError> {
    match object.get("id") {
        None | Some(Value::Null) => Err(missing("id", &format!("{path}.id"))),
        Some(value) => given_id(value, &format!("{path}.id"), rules),
    }
}

/// An id: a digit string or a JSON number. Anything else is, on v8, of the wrong type for the
/// schema's `bigint` (`expected_data_type: bigint`), on v4–v7 "invalid data" `{api_name,json_path}`.
pub fn given_id(value: &Value, json_path: &str, rules: Rules) -> Result<String, ApiError> {
    id_of(value).ok_or_else(|| {
        if rules.v8 {
            wrong_type("bigint", "id", json_path)
        } else {
            invalid_at("id", json_path)
        }
    })
}
