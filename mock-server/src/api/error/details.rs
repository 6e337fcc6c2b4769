//! `Details`: the documented shapes of an error body's `details` (`INVALID_DATA`,
//! `NOT_ALLOWED`, …), serialised by derive: each variant's fields, in order, are the keys.

use serde::Serialize;
use serde_json::{Map, Value};

/// The documented shapes of `details` for `INVALID_DATA` and `NOT_ALLOWED` (`common.json` and the endpoint pages).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Details {
    /// `{}`
    Empty {},
    /// `{"expected_data_type", "api_name", "json_path"}`
    ExpectedType {
        /// `string`, `boolean`, `jsonobject`, `jsonarray`, …
        expected_data_type: &'static str,
        /// The key.
        api_name: String,
        /// Its JSON path.
        json_path: String,
    },
    /// `{"api_name", "json_path", "minimum_length"}`
    MinLength {
        /// The key.
        api_name: String,
        /// Its JSON path.
        json_path: String,
        /// The minimum length in characters.
        minimum_length: usize,
    },
    /// `{"api_name", "json_path", "maximum_length"}`
    MaxLength {
        /// The key.
        api_name: String,
        /// Its JSON path.
        json_path: String,
        /// The maximum length in characters (or items, for arrays).
        maximum_length: usize,
    },
    /// `{"expected_data_type"}`: the body (or its wrapper key) has the wrong type; message "body".
    ExpectedDataType {
        /// `jsonobject` or `jsonarray`.
        expected_data_type: &'static str,
    },
    /// `{"param_name"}`
    ParamName {
        /// The query parameter.
        param_name: &'static str,
    },
    /// `{"param"}`: a bad query parameter, as v8's transfer names it.
    ParamKey {
        /// The query parameter.
        param: &'static str,
    },
    /// `{"param_name", "api_name"}`: a bad query parameter.
    Param {
        /// The parameter.
        param_name: &'static str,
        /// The same name, as Zoho repeats it.
        api_name: &'static str,
    },
    /// `{"api_name", "json_path"}`
    At {
        /// The key.
        api_name: String,
        /// Its JSON path.
        json_path: String,
    },
    /// `{"json_path"}`
    JsonPath {
        /// The JSON path.
        json_path: String,
    },
    /// `{"id"}`
    Id {
        /// The id.
        id: String,
    },
    /// `{"regex", "api_name", "json_path"}`
    Regex {
        /// The pattern the value must match.
        regex: &'static str,
        /// The key.
        api_name: String,
        /// Its JSON path.
        json_path: String,
    },
    /// `{"supported_values", "api_name", "json_path"}`
    SupportedValues {
        /// What the key accepts.
        supported_values: Vec<&'static str>,
        /// The key.
        api_name: String,
        /// Its JSON path.
        json_path: String,
    },
}

impl Details {
    /// The form the v8 examples print a schema error's details in: every array index of
    /// `json_path` as `[*]`, and `text` for an `expected_data_type` of `string`.
    pub(super) fn in_v8_schema_form(mut self) -> Details {
        match &mut self {
            Details::ExpectedType {
                expected_data_type,
                json_path,
                ..
            } => {
                if *expected_data_type == "string" {
                    *expected_data_type = "text";
                }
                *json_path = any_index(json_path);
            }
            Details::MinLength { json_path, .. }
            | Details::MaxLength { json_path, .. }
            | Details::SupportedValues { json_path, .. }
            | Details::At { json_path, .. } => *json_path = any_index(json_path),
            _ => {}
        }
        self
    }

    /// The `details` object, keys in the documented order (the order of the fields above).
    pub(super) fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or_else(|_| Value::Object(Map::new()))
    }
}

/// A JSON path with every array index written `[*]`: `$.user_type[0].modules[2].id` becomes
/// `$.user_type[*].modules[*].id`.
pub(super) fn any_index(json_path: &str) -> String {
    let mut out = String::with_capacity(json_path.len());
    let mut rest = json_path;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..=open]);
        rest = &rest[open + 1..];
        match rest.find(']') {
            Some(close) if close > 0 && rest[..close].bytes().all(|b| b.is_ascii_digit()) => {
                out.push('*');
                rest = &rest[close..];
            }
            _ => {}
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::any_index;

    #[test]
    fn any_index_stars_every_array_index_and_nothing_else() {
        assert_eq!(
            any_index("$.user_type[0].modules[12].fields[3].read_only"),
            "$.user_type[*].modules[*].fields[*].read_only"
        );
        assert_eq!(any_index("$.user_type"), "$.user_type");
        assert_eq!(any_index("$.a[*].b[x]"), "$.a[*].b[x]");
    }
}
