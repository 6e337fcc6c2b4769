//! Structural comparison of an [`Expected`] value (literals, `{{var}}` templates, matchers)
//! against an actual one, reporting every divergence with its JSON path.

use serde_json::Value;

use crate::expected::{Expected, Matcher};

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

/// Compares `actual` with `expected` at `path`, pushing every divergence.
pub fn compare(
    expected: &Expected,
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
    if let Expected::Matcher(matcher) = expected {
        if let Matcher::Absent = matcher {
            if actual.is_some() {
                diverge("(absent)".into(), actual);
            }
            return;
        }
        let holds = actual.is_some_and(|value| matcher_holds(matcher, value, vars, mode, path));
        if !holds {
            diverge(
                format!("{} {}", matcher.key(), render(&matcher.argument())),
                actual,
            );
        }
        return;
    }
    let Some(actual_value) = actual else {
        diverge(render(&expected.to_value(Some(vars))), None);
        return;
    };
    match (expected, actual_value) {
        (Expected::Object(expected_members), Value::Object(actual_map)) => {
            for (key, expected_member) in expected_members {
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
                    if !expected_members.iter().any(|(k, _)| k == key) {
                        out.push(Divergence {
                            path: format!("{path}.{key}"),
                            expected: "(absent)".into(),
                            actual: render(value),
                        });
                    }
                }
            }
        }
        (Expected::Array(expected_items), Value::Array(actual_items)) => {
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
        (Expected::Template(_), _) => {
            let wanted = expected.to_value(Some(vars));
            if !same_scalar(&wanted, actual_value) {
                diverge(render(&wanted), Some(actual_value));
            }
        }
        (Expected::Literal(literal), _) => {
            if !same_scalar(literal, actual_value) {
                diverge(render(literal), Some(actual_value));
            }
        }
        // An object or array where the actual value is of another type.
        (written, _) => diverge(render(&written.to_value(None)), Some(actual_value)),
    }
}

/// Equal, with numbers compared by value (`4.0` equals `4`).
fn same_scalar(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        _ => expected == actual,
    }
}

fn matcher_holds(matcher: &Matcher, value: &Value, vars: &Vars, mode: Mode, path: &str) -> bool {
    match matcher {
        Matcher::Any => true,
        Matcher::Absent => false,
        Matcher::Type(json_type) => json_type.holds(value),
        Matcher::Regex(regex) => value.as_str().is_some_and(|text| regex.is_match(text)),
        Matcher::Range(min, max) => value.as_f64().is_some_and(|n| (*min..=*max).contains(&n)),
        Matcher::DateTime => value.as_str().is_some_and(is_datetime),
        Matcher::Id => value
            .as_str()
            .is_some_and(|text| text.len() == 19 && text.bytes().all(|b| b.is_ascii_digit())),
        Matcher::Length(wanted) => match value {
            Value::Array(items) => items.len() == *wanted,
            Value::String(text) => text.chars().count() == *wanted,
            _ => false,
        },
        Matcher::Contains(wanted) => match value {
            Value::Array(items) => wanted.iter().all(|w| {
                items.iter().any(|item| {
                    let mut scratch = Vec::new();
                    compare(w, Some(item), vars, mode, path, &mut scratch);
                    scratch.is_empty()
                })
            }),
            _ => false,
        },
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
            &Expected::parse(&expected).unwrap(),
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
    fn datetimes_need_an_offset_and_no_fraction() {
        assert!(is_datetime("2022-12-20T10:23:57Z"));
        assert!(is_datetime("2023-02-07T20:13:20-03:30"));
        assert!(!is_datetime("2023-02-07T20:13:20"));
        assert!(!is_datetime("2023-02-07T20:13:20.123Z"));
    }
}
