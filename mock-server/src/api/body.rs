//! Request-body parsing shared by the handlers: JSON with or without a Content-Type, the
//! `{"<key>":[{…}]}` wrapper, and typed field access that answers the documented errors.

use serde_json::{Map, Value};

use crate::api::error::{ApiError, Details};

/// Parses a JSON body whatever the Content-Type says. An empty body reads as `{}`.
/// A key repeated in one object is a `JSON_PARSE_ERROR`, as at Zoho (whose `org.json` parser
/// refuses duplicate keys), rather than silently keeping the last value.
pub fn parse_json(body: &[u8]) -> Result<Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Map::new()));
    }
    serde_json::from_slice::<UniqueKeys>(body)
        .map(|parsed| parsed.0)
        .map_err(|_| ApiError::JsonParseError)
}

/// A JSON value read in one pass, refusing an object that repeats a key (what
/// `serde_json::Value` would otherwise keep the last of).
struct UniqueKeys(Value);

impl<'de> serde::Deserialize<'de> for UniqueKeys {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(UniqueKeysVisitor)
            .map(UniqueKeys)
    }
}

/// Builds the [`Value`] as `serde_json::Value`'s own visitor does, but for repeated keys.
struct UniqueKeysVisitor;

impl<'de> serde::de::Visitor<'de> for UniqueKeysVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value without repeated keys")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }
    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }
    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }
    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }
    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(UniqueKeys(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(serde::de::Error::custom("duplicate key"));
            }
            let UniqueKeys(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
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
            message: crate::api::error::message::INVALID_DATA,
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

/// The groups of a bulk body `{"<key>":[{…}, …]}`: top-level `MANDATORY_NOT_FOUND` when
/// `<key>` is missing, null or empty (or the body is not an object), `INVALID_DATA` with
/// `expected_data_type: jsonarray` when it is not an array.
pub fn bulk_groups<'a>(body: &'a Value, key: &'static str) -> Result<&'a [Value], ApiError> {
    let path = format!("$.{key}");
    match body.get(key) {
        Some(Value::Array(groups)) if !groups.is_empty() => Ok(groups),
        None | Some(Value::Null) | Some(Value::Array(_)) => Err(ApiError::mandatory(key, &path)),
        Some(_) => Err(ApiError::expected_type("jsonarray", key, &path)),
    }
}

/// The items of one group of a bulk body, the non-empty array `name` at `path`; its errors
/// wrapped in `key` (`MANDATORY_NOT_FOUND` when missing, null or empty, `INVALID_DATA` with
/// `expected_data_type: jsonarray` when not an array).
pub fn group_items<'a>(
    group: &'a Value,
    name: &str,
    path: &str,
    key: &'static str,
) -> Result<&'a [Value], ApiError> {
    match group.get(name) {
        Some(Value::Array(items)) if !items.is_empty() => Ok(items),
        None | Some(Value::Null) | Some(Value::Array(_)) => {
            Err(ApiError::mandatory(name, path).wrapped(key))
        }
        Some(_) => Err(ApiError::expected_type("jsonarray", name, path).wrapped(key)),
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
    fn a_key_repeated_in_one_object_is_a_parse_error_at_any_depth() {
        for body in [
            r#"{"a":1,"a":2}"#,
            r#"{"portals":[{"name":"x","name":"y"}]}"#,
            r#"[{"k":{"deep":[{"z":1,"z":null}]}}]"#,
        ] {
            assert_eq!(
                parse_json(body.as_bytes()).unwrap_err(),
                ApiError::JsonParseError,
                "{body}"
            );
        }
        // The same key in sibling objects is fine; escapes are compared decoded.
        assert!(parse_json(br#"{"a":{"k":1},"b":{"k":1},"c":[{"k":1},{"k":2}]}"#).is_ok());
        assert!(parse_json(br#"{"k":1,"\u006b":2}"#).is_err());
    }

    #[test]
    fn a_body_without_repeated_keys_reads_as_serde_json_reads_it() {
        for body in [
            r#"{"user_type":[{"name":"A","modules":[{"id":"1","permissions":{"view":true}}]}]}"#,
            r#"{"n":[0,-1,18446744073709551615,-9223372036854775808,1.5,1e300,2.0e-3]}"#,
            r#"{"s":"\u00e9\ud83d\ude00\n","z":null,"t":true,"f":false,"e":[],"o":{}}"#,
            r#"[1,{"b":2,"a":1}]"#,
            r#""text""#,
            "12",
            r#"{"b":1,"a":2,"c":{"z":1,"y":2}}"#,
        ] {
            let ours = parse_json(body.as_bytes()).map_err(|_| body).unwrap();
            let theirs: Value = serde_json::from_slice(body.as_bytes()).unwrap();
            assert_eq!(ours, theirs, "{body}");
            assert_eq!(ours.to_string(), theirs.to_string(), "{body}: key order");
        }
        for bad in ["{", "[1,]", r#"{"a":1} x"#, "nul", r#"{"a":}"#, "[1e400]"] {
            assert!(parse_json(bad.as_bytes()).is_err(), "{bad}");
        }
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
