//! Request-body parsing shared by the handlers: JSON with or without a Content-Type, the
//! `{"<key>":[{…}]}` wrapper, and typed field access that answers the documented errors.

use serde_json::{Map, Value};

use crate::error::{ApiError, Details};

/// Parses a JSON body whatever the Content-Type says. An empty body reads as `{}`.
pub fn parse_json(body: &[u8]) -> Result<Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Map::new()));
    }
    serde_json::from_slice(body).map_err(|_| ApiError::JsonParseError)
}

/// The single object of a `{"<key>":[{…}]}` body (Zoho takes exactly one portal or user type
/// per request).
///
/// - not an object, or `<key>` not an array: top-level `INVALID_DATA` "body" with
///   `expected_data_type`;
/// - `<key>` missing, null or empty: top-level `MANDATORY_NOT_FOUND`;
/// - more than one item: top-level `INVALID_DATA` with `maximum_length: 1`;
/// - the item not an object: wrapped `INVALID_DATA` with `expected_data_type: jsonobject`.
pub fn single_item<'a>(
    body: &'a Value,
    key: &'static str,
) -> Result<&'a Map<String, Value>, ApiError> {
    let path = format!("$.{key}");
    let items = wrapper_items(body, key)?;
    match items {
        [Value::Object(item)] => Ok(item),
        [_] => Err(ApiError::expected_type("jsonobject", key, &format!("{path}[0]")).wrapped(key)),
        _ => Err(ApiError::InvalidData {
            details: Details::MaxLength {
                api_name: key.to_owned(),
                json_path: path,
                maximum_length: 1,
            },
            message: crate::error::message::INVALID_DATA,
        }),
    }
}

/// The items of a `{"<key>":[…]}` body: top-level `INVALID_DATA` "body" with
/// `expected_data_type` when the body is not an object or `<key>` not an array, top-level
/// `MANDATORY_NOT_FOUND` when `<key>` is missing, null or empty.
pub fn wrapper_items<'a>(body: &'a Value, key: &'static str) -> Result<&'a [Value], ApiError> {
    let path = format!("$.{key}");
    let object = body.as_object().ok_or(ApiError::InvalidData {
        details: Details::ExpectedDataType {
            expected_data_type: "jsonobject",
        },
        message: "body",
    })?;
    match object.get(key) {
        None | Some(Value::Null) => Err(ApiError::mandatory(key, &path)),
        Some(Value::Array(items)) if items.is_empty() => Err(ApiError::mandatory(key, &path)),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(ApiError::InvalidData {
            details: Details::ExpectedDataType {
                expected_data_type: "jsonarray",
            },
            message: "body",
        }),
    }
}

/// The answer to a request with one result per item: `{"<key>":[…]}`, with
/// `success_status` when every item succeeded, 400 when all failed, 207 (multi-status) when mixed.
/// Errors appear unwrapped, one object per item.
pub fn per_item_results(
    key: &str,
    results: Vec<Result<Value, ApiError>>,
    success_status: u16,
) -> crate::http::ApiResponse {
    let failures = results.iter().filter(|r| r.is_err()).count();
    let status = match failures {
        0 => success_status,
        n if n == results.len() => 400,
        _ => 207,
    };
    let items: Vec<Value> = results
        .into_iter()
        .map(|result| match result {
            Ok(value) => value,
            Err(ApiError::Wrapped { error, .. }) => error.body(),
            Err(error) => error.body(),
        })
        .collect();
    let mut body = Map::new();
    body.insert(key.to_owned(), Value::Array(items));
    crate::http::ApiResponse::json(status, &Value::Object(body))
}

/// A string field of an item: `Ok(None)` when absent or null, wrapped `INVALID_DATA` with
/// `expected_data_type: string` when of another type.
pub fn optional_string<'a>(
    item: &'a Map<String, Value>,
    api_name: &str,
    json_path: &str,
    wrap: &'static str,
) -> Result<Option<&'a str>, ApiError> {
    match item.get(api_name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(_) => Err(ApiError::expected_type("string", api_name, json_path).wrapped(wrap)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn empty_and_whitespace_bodies_read_as_an_empty_object() {
        assert_eq!(parse_json(b"").unwrap(), json!({}));
        assert_eq!(parse_json(b" \n").unwrap(), json!({}));
        assert_eq!(parse_json(b"{oops").unwrap_err(), ApiError::JsonParseError);
    }

    #[test]
    fn the_wrapper_must_hold_exactly_one_object() {
        let ok = json!({"portals":[{"name":"x"}]});
        assert_eq!(single_item(&ok, "portals").unwrap()["name"], "x");
        assert_eq!(
            single_item(&json!({}), "portals").unwrap_err().code(),
            "MANDATORY_NOT_FOUND"
        );
        assert_eq!(
            single_item(&json!({"portals":[]}), "portals")
                .unwrap_err()
                .code(),
            "MANDATORY_NOT_FOUND"
        );
        let two = single_item(&json!({"portals":[{},{}]}), "portals").unwrap_err();
        assert_eq!(
            two.details(),
            json!({"api_name":"portals","json_path":"$.portals","maximum_length":1})
        );
        let not_array = single_item(&json!({"portals":{}}), "portals").unwrap_err();
        assert_eq!(
            not_array.details(),
            json!({"expected_data_type":"jsonarray"})
        );
        let not_object = single_item(&json!({"portals":["x"]}), "portals").unwrap_err();
        assert_eq!(
            serde_json::to_string(&not_object.body()).unwrap(),
            r#"{"portals":[{"code":"INVALID_DATA","details":{"expected_data_type":"jsonobject","api_name":"portals","json_path":"$.portals[0]"},"message":"invalid data","status":"error"}]}"#
        );
        let top_array = single_item(&json!([]), "portals").unwrap_err();
        assert_eq!(
            top_array.details(),
            json!({"expected_data_type":"jsonobject"})
        );
    }
}
