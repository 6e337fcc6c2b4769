//! Structural comparison of an expected JSON value (with matchers and `{{var}}`) against an
//! actual one, reporting every divergence with its JSON path.
//!
//! Literal JSON means equal. An object whose only key starts with `$` is a matcher:
//!
//! | matcher | matches |
//! |---|---|
//! | `{"$type": "string"}` | any value of that type (`string`, `number`, `integer`, `boolean`, `object`, `array`, `null`) |
//! | `{"$any": true}` | anything present |
//! | `{"$regex": "^a+$"}` | a string matching the pattern |
//! | `{"$range": [min, max]}` | a number within (inclusive) |
//! | `{"$datetime": true}` | ISO 8601 with an offset and no fraction: `2023-02-07T20:13:20+05:30` |
//! | `{"$id": true}` | a 19-digit id, as a string |
//! | `{"$contains": [items]}` | an array holding an element matching each item |
//! | `{"$length": n}` | an array (or string) of that length |
//! | `{"$absent": true}` | (as an object member) the key is not there |

use serde_json::{Map, Value};

use crate::scenario::Mode;
use crate::vars::Vars;

/// One difference between what was expected and what came.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Divergence {
    /// Where: `status`, `headers.content-type`, or a JSON path such as `$.portals[0].name`.
    pub path: String,
    /// What was expected (rendered).
    pub expected: String,
    /// What came (rendered; `(absent)` when missing).
    pub actual: String,
}

const MATCHERS: [&str; 9] = [
    "$type",
    "$any",
    "$regex",
    "$range",
    "$datetime",
    "$id",
    "$contains",
    "$length",
    "$absent",
];
const TYPES: [&str; 7] = [
    "string", "number", "integer", "boolean", "object", "array", "null",
];

/// Checks every matcher in an expectation; answers the offending key and the problem.
pub fn validate(expected: &Value) -> Result<(), (String, String)> {
    match expected {
        Value::Object(object) => {
            if let Some((key, argument)) = as_matcher(object) {
                let problem = match key {
                    "$type" => (!argument.as_str().is_some_and(|t| TYPES.contains(&t)))
                        .then(|| format!("expects one of {TYPES:?}")),
                    "$regex" => match argument.as_str() {
                        Some(pattern) => regex_lite::Regex::new(pattern)
                            .err()
                            .map(|e| format!("bad pattern: {e}")),
                        None => Some("expects a pattern string".into()),
                    },
                    "$range" => match argument.as_array().map(Vec::as_slice) {
                        Some([min, max]) if min.is_number() && max.is_number() => None,
                        _ => Some("expects [min, max]".into()),
                    },
                    "$length" => (!argument.is_u64()).then(|| "expects a whole number".into()),
                    "$contains" => match argument {
                        Value::Array(items) => {
                            for item in items {
                                validate(item)?;
                            }
                            None
                        }
                        _ => Some("expects an array of expected items".into()),
                    },
                    "$any" | "$datetime" | "$id" | "$absent" => {
                        (argument != &Value::Bool(true)).then(|| "expects true".into())
                    }
                    _ => Some(format!("unknown matcher; known: {}", MATCHERS.join(", "))),
                };
                return match problem {
                    Some(problem) => Err((key.to_owned(), problem)),
                    None => Ok(()),
                };
            }
            for value in object.values() {
                validate(value)?;
            }
            Ok(())
        }
        Value::Array(items) => items.iter().try_for_each(validate),
        _ => Ok(()),
    }
}

/// A single-key object whose key starts with `$` is a matcher.
fn as_matcher(object: &Map<String, Value>) -> Option<(&str, &Value)> {
    match object.iter().next() {
        Some((key, value)) if object.len() == 1 && key.starts_with('$') => Some((key, value)),
        _ => None,
    }
}

/// Compares `actual` with `expected` at `path`, pushing every divergence.
pub fn compare(
    expected: &Value,
    actual: Option<&Value>,
    vars: &Vars,
    mode: Mode,
    path: &str,
    out: &mut Vec<Divergence>,
) {
    let mut diverge = |expected: String, actual: Option<&Value>| {
        out.push(Divergence {
            path: path.to_owned(),
            expected,
            actual: actual.map_or_else(|| "(absent)".to_owned(), render),
        });
    };
    if let Value::Object(object) = expected
        && let Some((key, argument)) = as_matcher(object)
    {
        if key == "$absent" {
            if actual.is_some() {
                diverge("(absent)".into(), actual);
            }
            return;
        }
        let Some(value) = actual else {
            diverge(format!("{key} {}", render(argument)), None);
            return;
        };
        if !matcher_holds(key, argument, value, vars, mode, path) {
            diverge(format!("{key} {}", render(argument)), Some(value));
        }
        return;
    }
    let Some(actual_value) = actual else {
        diverge(render(&vars.interpolate_value(expected)), None);
        return;
    };
    match (expected, actual_value) {
        (Value::Object(expected_map), Value::Object(actual_map)) => {
            for (key, expected_member) in expected_map {
                compare(
                    expected_member,
                    actual_map.get(key),
                    vars,
                    mode,
                    &format!("{path}.{key}"),
                    out,
                );
            }
            if mode == Mode::Strict {
                for (key, value) in actual_map {
                    if !expected_map.contains_key(key) {
                        out.push(Divergence {
                            path: format!("{path}.{key}"),
                            expected: "(absent)".into(),
                            actual: render(value),
                        });
                    }
                }
            }
        }
        (Value::Array(expected_items), Value::Array(actual_items)) => {
            if expected_items.len() != actual_items.len() {
                out.push(Divergence {
                    path: format!("{path}.length"),
                    expected: expected_items.len().to_string(),
                    actual: actual_items.len().to_string(),
                });
            }
            for (index, item) in expected_items.iter().enumerate() {
                compare(
                    item,
                    actual_items.get(index),
                    vars,
                    mode,
                    &format!("{path}[{index}]"),
                    out,
                );
            }
        }
        (Value::String(text), _) => {
            let wanted = vars.interpolate_value(&Value::String(text.clone()));
            if !same_scalar(&wanted, actual_value) {
                diverge(render(&wanted), Some(actual_value));
            }
        }
        (expected_scalar, _) => {
            if !same_scalar(expected_scalar, actual_value) {
                diverge(render(expected_scalar), Some(actual_value));
            }
        }
    }
}

/// Equal, with numbers compared by value (`4.0` equals `4`).
fn same_scalar(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        _ => expected == actual,
    }
}

fn matcher_holds(
    key: &str,
    argument: &Value,
    value: &Value,
    vars: &Vars,
    mode: Mode,
    path: &str,
) -> bool {
    match key {
        "$any" => true,
        "$type" => match argument.as_str().unwrap_or_default() {
            "string" => value.is_string(),
            "number" => value.is_number(),
            "integer" => value.is_i64() || value.is_u64(),
            "boolean" => value.is_boolean(),
            "object" => value.is_object(),
            "array" => value.is_array(),
            "null" => value.is_null(),
            _ => false,
        },
        "$regex" => match (argument.as_str(), value.as_str()) {
            (Some(pattern), Some(text)) => {
                regex_lite::Regex::new(pattern).is_ok_and(|re| re.is_match(text))
            }
            _ => false,
        },
        "$range" => match (
            argument.get(0).and_then(Value::as_f64),
            argument.get(1).and_then(Value::as_f64),
            value.as_f64(),
        ) {
            (Some(min), Some(max), Some(number)) => (min..=max).contains(&number),
            _ => false,
        },
        "$datetime" => value.as_str().is_some_and(is_datetime),
        "$id" => value
            .as_str()
            .is_some_and(|text| text.len() == 19 && text.bytes().all(|b| b.is_ascii_digit())),
        "$length" => {
            let wanted = argument.as_u64().unwrap_or(u64::MAX) as usize;
            match value {
                Value::Array(items) => items.len() == wanted,
                Value::String(text) => text.chars().count() == wanted,
                _ => false,
            }
        }
        "$contains" => match (argument, value) {
            (Value::Array(wanted), Value::Array(items)) => wanted.iter().all(|w| {
                items.iter().any(|item| {
                    let mut scratch = Vec::new();
                    compare(w, Some(item), vars, mode, path, &mut scratch);
                    scratch.is_empty()
                })
            }),
            _ => false,
        },
        _ => false,
    }
}

/// `YYYY-MM-DDThh:mm:ss` followed by `Z` or `±hh:mm`.
pub fn is_datetime(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
    };
    let base = bytes.len() >= 19
        && digits(0..4)
        && bytes[4] == b'-'
        && digits(5..7)
        && bytes[7] == b'-'
        && digits(8..10)
        && bytes[10] == b'T'
        && digits(11..13)
        && bytes[13] == b':'
        && digits(14..16)
        && bytes[16] == b':'
        && digits(17..19);
    let zone = &text.get(19..).unwrap_or("");
    base && (*zone == "Z"
        || (zone.len() == 6
            && matches!(zone.as_bytes()[0], b'+' | b'-')
            && zone.as_bytes()[3] == b':'
            && zone.as_bytes()[1..3]
                .iter()
                .chain(&zone.as_bytes()[4..6])
                .all(u8::is_ascii_digit)))
}

/// Compact JSON for messages.
pub fn render(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn diverges(expected: Value, actual: Value, mode: Mode) -> Vec<Divergence> {
        let mut out = Vec::new();
        compare(
            &expected,
            Some(&actual),
            &Vars::default(),
            mode,
            "$",
            &mut out,
        );
        out
    }

    #[test]
    fn literal_json_must_be_equal_and_paths_name_the_difference() {
        let found = diverges(
            json!({"portals":[{"name":"A","active":true}]}),
            json!({"portals":[{"name":"B","active":true}]}),
            Mode::Strict,
        );
        assert_eq!(
            found,
            vec![Divergence {
                path: "$.portals[0].name".into(),
                expected: "\"A\"".into(),
                actual: "\"B\"".into()
            }]
        );
    }

    #[test]
    fn strict_mode_reports_extra_keys_and_lenient_mode_ignores_them() {
        let extra = (json!({"a":1}), json!({"a":1,"b":2}));
        assert_eq!(
            diverges(extra.0.clone(), extra.1.clone(), Mode::Strict)[0].path,
            "$.b"
        );
        assert!(diverges(extra.0, extra.1, Mode::Lenient).is_empty());
    }

    #[test]
    fn missing_keys_and_array_lengths_are_divergences() {
        let found = diverges(json!({"a":[1,2]}), json!({"a":[1]}), Mode::Lenient);
        let paths: Vec<_> = found.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(paths, ["$.a.length", "$.a[1]"]);
        assert_eq!(found[1].actual, "(absent)");
    }

    #[test]
    fn matchers_match_what_they_say() {
        let ok = json!({
            "t": {"$type":"string"}, "r": {"$regex":"^Zy"}, "n": {"$range":[1,3]},
            "d": {"$datetime":true}, "i": {"$id":true}, "c": {"$contains":[{"x":1}]},
            "l": {"$length":2}, "gone": {"$absent":true}, "any": {"$any":true}
        });
        let actual = json!({
            "t":"s","r":"Zylker","n":2,"d":"2023-02-07T20:13:20+05:30","i":"1306462000001813022",
            "c":[{"x":2},{"x":1,"y":0}],"l":[0,0],"any":null
        });
        assert_eq!(diverges(ok.clone(), actual, Mode::Lenient), vec![]);
        let bad = json!({
            "t":1,"r":"Acme","n":9,"d":"2023-02-07 20:13","i":"12","c":[{"x":3}],"l":[0],"gone":1,"any":1
        });
        assert_eq!(diverges(ok, bad, Mode::Lenient).len(), 8);
    }

    #[test]
    fn bad_matchers_are_named() {
        assert_eq!(validate(&json!({"a":{"$nope":1}})).unwrap_err().0, "$nope");
        assert!(validate(&json!({"$regex":"("})).is_err());
        assert!(validate(&json!({"$type":"strnig"})).is_err());
        assert!(validate(&json!({"$range":[1]})).is_err());
    }

    #[test]
    fn datetimes_need_an_offset_and_no_fraction() {
        assert!(is_datetime("2022-12-20T10:23:57Z"));
        assert!(is_datetime("2023-02-07T20:13:20-03:30"));
        assert!(!is_datetime("2023-02-07T20:13:20"));
        assert!(!is_datetime("2023-02-07T20:13:20.123Z"));
    }
}
