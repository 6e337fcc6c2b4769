//! An expected JSON value, parsed once at load time: a tree of literals, `{{var}}` templates and
//! matchers (regexes compiled once). [`crate::matching`] compares it with an actual value.
//!
//! An object whose only key starts with `$` is a matcher:
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

use crate::vars::Vars;

/// An expectation.
#[derive(Debug, Clone)]
pub enum Expected {
    /// A value that must be equal (numbers by value).
    Literal(Value),
    /// A string holding `{{var}}`: interpolated at run time, then compared as a literal.
    Template(String),
    /// An object: each member compared; extra actual members depend on the mode.
    Object(Vec<(String, Expected)>),
    /// An array: same length, each item compared.
    Array(Vec<Expected>),
    /// A matcher.
    Matcher(Matcher),
}

/// A matcher (`{"$name": argument}`).
#[derive(Debug, Clone)]
pub enum Matcher {
    /// `$type`: a value of that JSON type.
    Type(JsonType),
    /// `$any`: anything present.
    Any,
    /// `$regex`: a string matching the pattern.
    Regex(regex_lite::Regex),
    /// `$range`: a number within `[min, max]`.
    Range(f64, f64),
    /// `$datetime`: ISO 8601 with an offset, no fraction.
    DateTime,
    /// `$id`: a 19-digit string.
    Id,
    /// `$contains`: an array holding an element matching each item.
    Contains(Vec<Expected>),
    /// `$length`: an array (or string) of that length.
    Length(usize),
    /// `$absent`: the member is not there.
    Absent,
}

/// The JSON types `$type` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    /// `string`
    String,
    /// `number`
    Number,
    /// `integer`
    Integer,
    /// `boolean`
    Boolean,
    /// `object`
    Object,
    /// `array`
    Array,
    /// `null`
    Null,
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

const TYPES: [(&str, JsonType); 7] = [
    ("string", JsonType::String),
    ("number", JsonType::Number),
    ("integer", JsonType::Integer),
    ("boolean", JsonType::Boolean),
    ("object", JsonType::Object),
    ("array", JsonType::Array),
    ("null", JsonType::Null),
];

impl JsonType {
    /// Its name in scenarios.
    pub fn name(self) -> &'static str {
        TYPES
            .iter()
            .find(|(_, t)| *t == self)
            .map_or("", |(name, _)| name)
    }

    /// Whether `value` is of this type.
    pub fn holds(self, value: &Value) -> bool {
        match self {
            JsonType::String => value.is_string(),
            JsonType::Number => value.is_number(),
            JsonType::Integer => value.is_i64() || value.is_u64(),
            JsonType::Boolean => value.is_boolean(),
            JsonType::Object => value.is_object(),
            JsonType::Array => value.is_array(),
            JsonType::Null => value.is_null(),
        }
    }
}

impl Expected {
    /// Parses an expectation; a bad matcher answers its key and the problem.
    pub fn parse(value: &Value) -> Result<Expected, (String, String)> {
        Ok(match value {
            Value::Object(object) => match as_matcher(object) {
                Some((key, argument)) => Expected::Matcher(Matcher::parse(key, argument)?),
                // Zoho's own `$` keys (`$approval_state`) are literal members; a matcher's name
                // beside other keys is a mistake, never silently a literal.
                None if object.len() > 1
                    && let Some(key) = object.keys().find(|k| MATCHERS.contains(&k.as_str())) =>
                {
                    return Err((
                        key.clone(),
                        format!(
                            "a matcher is an object with one key, and this one has {} ({})",
                            object.len(),
                            object.keys().cloned().collect::<Vec<_>>().join(", ")
                        ),
                    ));
                }
                None => Expected::Object(
                    object
                        .iter()
                        .map(|(key, member)| Expected::parse(member).map(|e| (key.clone(), e)))
                        .collect::<Result<_, _>>()?,
                ),
            },
            Value::Array(items) => Expected::Array(
                items
                    .iter()
                    .map(Expected::parse)
                    .collect::<Result<_, _>>()?,
            ),
            Value::String(text) if text.contains("{{") => Expected::Template(text.clone()),
            other => Expected::Literal(other.clone()),
        })
    }

    /// A value taken as it is: no matchers, no templates (for comparing two answers).
    pub fn literal(value: &Value) -> Expected {
        match value {
            Value::Object(object) => Expected::Object(
                object
                    .iter()
                    .map(|(key, member)| (key.clone(), Expected::literal(member)))
                    .collect(),
            ),
            Value::Array(items) => Expected::Array(items.iter().map(Expected::literal).collect()),
            other => Expected::Literal(other.clone()),
        }
    }

    /// The expectation as JSON, matchers kept as written; with `vars`, every string
    /// interpolated (a string that is exactly `{{name}}` becomes the variable's value).
    pub fn to_value(&self, vars: Option<&Vars>) -> Value {
        match self {
            Expected::Literal(value) => value.clone(),
            Expected::Template(text) => match vars {
                Some(vars) => vars.interpolate_value(&Value::String(text.clone())),
                None => Value::String(text.clone()),
            },
            Expected::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|(key, member)| (key.clone(), member.to_value(vars)))
                    .collect(),
            ),
            Expected::Array(items) => {
                Value::Array(items.iter().map(|item| item.to_value(vars)).collect())
            }
            Expected::Matcher(matcher) => {
                let argument = matcher.argument();
                let argument = match vars {
                    Some(vars) => vars.interpolate_value(&argument),
                    None => argument,
                };
                Value::Object(Map::from_iter([(matcher.key().to_owned(), argument)]))
            }
        }
    }
}

impl Matcher {
    /// Parses `{key: argument}`; a bad matcher (or a bad one among `$contains` items) answers
    /// its key and the problem.
    fn parse(key: &str, argument: &Value) -> Result<Matcher, (String, String)> {
        match (key, argument) {
            ("$contains", Value::Array(items)) => items
                .iter()
                .map(Expected::parse)
                .collect::<Result<_, _>>()
                .map(Matcher::Contains),
            _ => {
                Matcher::parse_argument(key, argument).map_err(|problem| (key.to_owned(), problem))
            }
        }
    }

    fn parse_argument(key: &str, argument: &Value) -> Result<Matcher, String> {
        let flag = |matcher: Matcher| {
            if argument == &Value::Bool(true) {
                Ok(matcher)
            } else {
                Err("expects true".to_owned())
            }
        };
        match key {
            "$type" => argument
                .as_str()
                .and_then(|name| TYPES.iter().find(|(n, _)| *n == name))
                .map(|(_, t)| Matcher::Type(*t))
                .ok_or_else(|| {
                    let names: Vec<&str> = TYPES.iter().map(|(name, _)| *name).collect();
                    format!("expects one of {names:?}")
                }),
            "$regex" => match argument.as_str() {
                Some(pattern) => regex_lite::Regex::new(pattern)
                    .map(Matcher::Regex)
                    .map_err(|e| format!("bad pattern: {e}")),
                None => Err("expects a pattern string".into()),
            },
            "$range" => match argument.as_array().map(Vec::as_slice) {
                Some([min, max]) if min.is_number() && max.is_number() => Ok(Matcher::Range(
                    min.as_f64().unwrap_or_default(),
                    max.as_f64().unwrap_or_default(),
                )),
                _ => Err("expects [min, max]".into()),
            },
            "$length" => argument
                .as_u64()
                .map(|n| Matcher::Length(usize::try_from(n).unwrap_or(usize::MAX)))
                .ok_or_else(|| "expects a whole number".into()),
            "$contains" => Err("expects an array of expected items".into()),
            "$any" => flag(Matcher::Any),
            "$datetime" => flag(Matcher::DateTime),
            "$id" => flag(Matcher::Id),
            "$absent" => flag(Matcher::Absent),
            _ => Err(format!("unknown matcher; known: {}", MATCHERS.join(", "))),
        }
    }

    /// Its key, e.g. `$regex`.
    pub fn key(&self) -> &'static str {
        match self {
            Matcher::Type(_) => "$type",
            Matcher::Any => "$any",
            Matcher::Regex(_) => "$regex",
            Matcher::Range(..) => "$range",
            Matcher::DateTime => "$datetime",
            Matcher::Id => "$id",
            Matcher::Contains(_) => "$contains",
            Matcher::Length(_) => "$length",
            Matcher::Absent => "$absent",
        }
    }

    /// Its argument as written.
    pub fn argument(&self) -> Value {
        match self {
            Matcher::Type(json_type) => Value::String(json_type.name().to_owned()),
            Matcher::Regex(regex) => Value::String(regex.as_str().to_owned()),
            Matcher::Range(min, max) => Value::Array(vec![number(*min), number(*max)]),
            Matcher::Contains(items) => {
                Value::Array(items.iter().map(|item| item.to_value(None)).collect())
            }
            Matcher::Length(length) => Value::from(*length),
            Matcher::Any | Matcher::DateTime | Matcher::Id | Matcher::Absent => Value::Bool(true),
        }
    }
}

/// A number as a scenario writes it: whole numbers without a fraction.
fn number(value: f64) -> Value {
    if value.fract() == 0.0 && value.abs() < 9_007_199_254_740_992.0 {
        Value::from(value as i64)
    } else {
        Value::from(value)
    }
}

/// A single-key object whose key starts with `$` is a matcher.
fn as_matcher(object: &Map<String, Value>) -> Option<(&str, &Value)> {
    match object.iter().next() {
        Some((key, value)) if object.len() == 1 && key.starts_with('$') => Some((key, value)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key_of_error(value: Value) -> String {
        Expected::parse(&value).unwrap_err().0
    }

    #[test]
    fn a_matcher_beside_other_keys_is_refused_and_zohos_dollar_keys_are_literal() {
        assert_eq!(
            key_of_error(json!({"a":{"$type":"string","$regex":"x"}})),
            "$type"
        );
        assert_eq!(key_of_error(json!({"$id":true,"other":1})), "$id");
        assert!(matches!(
            Expected::parse(&json!({"$approval_state":"approved","id":"1"})),
            Ok(Expected::Object(_))
        ));
    }

    #[test]
    fn bad_matchers_are_named() {
        assert_eq!(key_of_error(json!({"a":{"$nope":1}})), "$nope");
        assert_eq!(key_of_error(json!({"$regex":"("})), "$regex");
        assert_eq!(key_of_error(json!({"$type":"strnig"})), "$type");
        assert_eq!(key_of_error(json!({"$range":[1]})), "$range");
    }

    #[test]
    fn an_expectation_renders_back_as_written() {
        let written = json!({
            "a": [1, "x", {"$regex": "^a"}], "b": {"$range": [1, 2.5]},
            "c": {"$contains": [{"id": "{{id}}"}]}, "d": {"$type": "integer"}, "e": "{{n}}"
        });
        assert_eq!(Expected::parse(&written).unwrap().to_value(None), written);
        let mut vars = Vars::default();
        vars.set("n", json!(3));
        vars.set("id", json!("7"));
        assert_eq!(
            Expected::parse(&written).unwrap().to_value(Some(&vars)),
            vars.interpolate_value(&written)
        );
    }
}
