//! The control plane's JSON request bodies: each is a `#[derive(Deserialize)]` type with
//! `#[serde(deny_unknown_fields)]` and the list of its keys, and [`parse`] refuses a key the
//! endpoint does not know, naming it. Fields whose wrong type has its own message are kept as
//! JSON values and checked by the endpoint.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::ControlError;
use crate::http::ApiRequest;

/// A control-plane request body.
pub(super) trait Body: DeserializeOwned {
    /// Its keys, as the unknown-key error lists them.
    const KEYS: &'static [&'static str];
    /// The message when the body is JSON but not an object of this shape.
    const EXPECTED: &'static str;
}

/// The request's body as `T`; an empty body is `{}`.
pub(super) fn parse<T: Body>(request: &ApiRequest) -> Result<T, ControlError> {
    if request.body.iter().all(u8::is_ascii_whitespace) {
        return of_value(Value::Object(serde_json::Map::new()));
    }
    of_value(json(request)?)
}

/// The request's body as `T`; an empty body is not JSON.
pub(super) fn parse_required<T: Body>(request: &ApiRequest) -> Result<T, ControlError> {
    of_value(json(request)?)
}

/// The request's body as any JSON value (`{}` when empty), for the specs that parse themselves
/// (faults, request patterns).
pub(super) fn value(request: &ApiRequest) -> Result<Value, ControlError> {
    if request.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(serde_json::Map::new()));
    }
    json(request)
}

fn json(request: &ApiRequest) -> Result<Value, ControlError> {
    serde_json::from_slice(&request.body).map_err(|e| {
        ControlError::BadRequest(format!(
            "{} {}: the body is not JSON: {e}",
            super::journal::method_name(request.method),
            request.path
        ))
    })
}

fn of_value<T: Body>(value: Value) -> Result<T, ControlError> {
    let Value::Object(object) = &value else {
        return Err(ControlError::BadRequest(T::EXPECTED.to_owned()));
    };
    if let Some(key) = object.keys().find(|key| !T::KEYS.contains(&key.as_str())) {
        return Err(ControlError::UnknownKey {
            key: key.clone(),
            known: T::KEYS,
        });
    }
    serde_json::from_value(value).map_err(|_| ControlError::BadRequest(T::EXPECTED.to_owned()))
}

/// A key's value as sent, `null` included, or `Absent` when the key is missing (fields are
/// `#[serde(default)]`), so an endpoint tells `{"credits": null}` from `{}` and words its own
/// message for a value of the wrong type.
#[derive(Debug, Default)]
pub(super) enum Field {
    /// The key is not in the body.
    #[default]
    Absent,
    /// The key's value.
    Sent(Value),
}

impl Field {
    /// The value, when the key was sent.
    pub(super) fn get(&self) -> Option<&Value> {
        match self {
            Field::Absent => None,
            Field::Sent(value) => Some(value),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Field {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Field, D::Error> {
        Value::deserialize(deserializer).map(Field::Sent)
    }
}
