//! The v8 user-type schema: one table of the keys a create (UT3) or update (UT4) item may hold,
//! each with its JSON path, type, length limits and enum per operation, as Zoho's v8 examples
//! print them, and the walk that checks an item against it before the item's rules
//! (FIDELITY.md "Schema errors in a user-type body" and the rows after it).
//!
//! How a value is checked, by the key's type:
//! - `text`: a JSON string, then its length in characters, then its enum;
//! - `boolean`: a JSON boolean (never length-checked); a JSON string is checked for its length,
//!   then its enum, and is then still of the wrong type (`"true"` has 4 characters, `"false"` 5);
//! - `bigint` (an id): a digit string or a JSON integer; more digits than any id Zoho issues
//!   ([`ID_DIGITS`]) answers the documented `maximum_length` ([`ID_PRINTED_MAXIMUM`]);
//! - `integer`: a JSON integer;
//! - `jsonobject`: a JSON object; a JSON array of more than one element answers
//!   `maximum_length: 1`, of one element or none the type error;
//! - `jsonarray`: a JSON array, then its element count.
//!
//! `null` is an absent key here: which keys are required is the item's rules' business.

use serde_json::{Map, Value};

use super::values::{BOOLEAN_VALUES, id_of, too_long, too_short, unsupported, wrong_type};
use crate::api::error::ApiError;

/// The most digits an id may have: Zoho's ids and the ids the mock issues have 19 digits, and the
/// built-in fixtures hold one of 20 (the `zylker` CRM's `Service_Notes` field), which must stay
/// usable; an id longer than that names nothing the mock holds.
pub const ID_DIGITS: usize = 20;
/// The `maximum_length` the v8 examples print for an id (their org's ids have 18 digits).
pub const ID_PRINTED_MAXIMUM: usize = 18;

/// A key's type in the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Type {
    Text,
    Boolean,
    BigInt,
    Integer,
    Object,
    Array,
}

/// The length limits and enum of a key for one operation (`None`: the key is not in that
/// operation's schema).
#[derive(Debug, Clone, Copy)]
struct Limits {
    min: Option<usize>,
    max: Option<usize>,
    values: &'static [&'static str],
}

/// One key of the schema: its path under `$.user_type[*]` (`[*]` for each element of an
/// array), its type, and its limits on create and on update.
#[derive(Debug, Clone, Copy)]
struct Key {
    path: &'static str,
    kind: Type,
    create: Option<Limits>,
    update: Option<Limits>,
}

const fn limits(min: Option<usize>, max: Option<usize>, values: &'static [&'static str]) -> Limits {
    Limits { min, max, values }
}

/// No length limit and no enum.
const ANY: Option<Limits> = Some(limits(None, None, &[]));
/// A boolean key's enum, without length limits.
const FLAG: Option<Limits> = Some(limits(None, None, &BOOLEAN_VALUES));
/// A boolean key whose string is 4 to 5 characters long, then in its enum.
const FLAG_4_5: Option<Limits> = Some(limits(Some(4), Some(5), &BOOLEAN_VALUES));
/// An object key, or an id (their limits are the type's).
const SHAPE: Option<Limits> = ANY;

const fn key(
    path: &'static str,
    kind: Type,
    create: Option<Limits>,
    update: Option<Limits>,
) -> Key {
    Key {
        path,
        kind,
        create,
        update,
    }
}

/// The v8 schema of a user-type item, in the documented request's key order (the order in which
/// a body is checked). Sources: the `createPortalUserType` and `updatePortalUserType` examples
/// of `fixtures/oas8/examples.jsonl` (FIDELITY.md cites them in the rows from "Schema errors in a user-type body" on).
const SCHEMA: &[Key] = &[
    key("personality_module", Type::Object, SHAPE, SHAPE),
    key(
        "personality_module.api_name",
        Type::Text,
        Some(limits(None, Some(50), &[])),
        Some(limits(None, Some(50), &[])),
    ),
    key("personality_module.id", Type::BigInt, SHAPE, SHAPE),
    key(
        "name",
        Type::Text,
        Some(limits(Some(1), Some(50), &[])),
        Some(limits(Some(1), Some(50), &[])),
    ),
    key("active", Type::Boolean, FLAG, FLAG_4_5),
    key("invitation_field", Type::Object, SHAPE, SHAPE),
    key("invitation_field.api_name", Type::Text, ANY, ANY),
    key("invitation_field.id", Type::BigInt, SHAPE, SHAPE),
    // Read-only keys of the create schema: type-checked, then ignored.
    key("id", Type::BigInt, SHAPE, None),
    key("deactive_user_count", Type::Integer, SHAPE, None),
    key(
        "modules",
        Type::Array,
        Some(limits(None, Some(500), &[])),
        Some(limits(None, Some(1), &[])),
    ),
    // The examples print `maximum_length: 5` for `plural_label` and `api_name`, which the
    // documented request's "Contacts" breaks (FIDELITY.md): only their type is checked.
    key("modules[*].plural_label", Type::Text, ANY, ANY),
    key(
        "modules[*].shared_type",
        Type::Text,
        Some(limits(Some(5), Some(7), &["private", "public"])),
        Some(limits(Some(6), Some(7), &["public", "private"])),
    ),
    key("modules[*].api_name", Type::Text, ANY, ANY),
    key("modules[*].permissions", Type::Object, SHAPE, SHAPE),
    key(
        "modules[*].permissions.view",
        Type::Boolean,
        Some(limits(Some(4), Some(4), &["true"])),
        Some(limits(Some(2), Some(5), &BOOLEAN_VALUES)),
    ),
    key("modules[*].permissions.edit", Type::Boolean, FLAG_4_5, FLAG),
    key(
        "modules[*].permissions.edit_shared_records",
        Type::Boolean,
        FLAG_4_5,
        FLAG_4_5,
    ),
    key(
        "modules[*].permissions.create",
        Type::Boolean,
        FLAG_4_5,
        FLAG_4_5,
    ),
    key(
        "modules[*].permissions.delete",
        Type::Boolean,
        FLAG_4_5,
        FLAG,
    ),
    key(
        "modules[*].permissions.delete_attachment",
        Type::Boolean,
        FLAG_4_5,
        FLAG,
    ),
    key(
        "modules[*].permissions.create_attachment",
        Type::Boolean,
        FLAG_4_5,
        FLAG,
    ),
    key("modules[*].id", Type::BigInt, SHAPE, SHAPE),
    key(
        "modules[*].filters",
        Type::Array,
        Some(limits(None, Some(1), &[])),
        Some(limits(None, Some(1), &[])),
    ),
    key("modules[*].filters[*].id", Type::BigInt, SHAPE, SHAPE),
    key(
        "modules[*].fields",
        Type::Array,
        Some(limits(None, Some(503), &[])),
        Some(limits(None, Some(503), &[])),
    ),
    key(
        "modules[*].fields[*].read_only",
        Type::Boolean,
        FLAG_4_5,
        FLAG,
    ),
    key(
        "modules[*].fields[*].api_name",
        Type::Text,
        Some(limits(Some(1), Some(50), &[])),
        Some(limits(Some(1), Some(50), &[])),
    ),
    key("modules[*].fields[*].id", Type::BigInt, SHAPE, SHAPE),
    key(
        "modules[*].layouts",
        Type::Array,
        Some(limits(None, Some(7), &[])),
        Some(limits(None, Some(1), &[])),
    ),
    key("modules[*].layouts[*].id", Type::BigInt, SHAPE, SHAPE),
    key(
        "modules[*].layouts[*]._default_view",
        Type::Object,
        SHAPE,
        SHAPE,
    ),
    key(
        "modules[*].layouts[*]._default_view.id",
        Type::BigInt,
        SHAPE,
        SHAPE,
    ),
    key(
        "modules[*].layouts[*]._default_view.type",
        Type::Text,
        Some(limits(None, Some(6), &["wizard", "layout"])),
        Some(limits(None, Some(6), &["wizard", "layout"])),
    ),
    key("modules[*].views", Type::Object, SHAPE, SHAPE),
    key("modules[*].views.id", Type::BigInt, SHAPE, SHAPE),
    key(
        "modules[*].views.type",
        Type::Text,
        Some(limits(None, Some(11), &["canvas_view", "custom_view"])),
        Some(limits(None, Some(11), &["canvas_view", "custom_view"])),
    ),
];

/// Checks a v8 item (`$.user_type[i]`, at `base`) against [`SCHEMA`] for create (`create`) or
/// update: the first key, in the table's order, whose value breaks its type, limits or enum
/// answers its schema error (wrapped; the version form prints its path with `[*]`).
pub fn check(item: &Map<String, Value>, base: &str, create: bool) -> Result<(), ApiError> {
    for key in SCHEMA {
        let Some(limits) = (if create { key.create } else { key.update }) else {
            continue;
        };
        // A key under an absent (or null) member names nothing: no walk.
        let top = key.path.split(['.', '[']).next().unwrap_or(key.path);
        if item.get(top).is_none_or(Value::is_null) {
            continue;
        }
        for (value, indices) in resolve(item, key.path) {
            // The concrete path is written only for the error it names.
            check_value(value, key.kind, &limits, leaf(key.path), || {
                concrete_path(base, key.path, indices.as_slice())
            })?;
        }
    }
    Ok(())
}

/// The indices the `[*]` segments of a schema path took (the schema nests at most
/// [`Indices::DEPTH`] of them), kept without allocating.
#[derive(Debug, Clone, Copy, Default)]
struct Indices {
    taken: [usize; Indices::DEPTH],
    len: usize,
}

impl Indices {
    const DEPTH: usize = 4;

    fn with(mut self, k: usize) -> Indices {
        if let Some(slot) = self.taken.get_mut(self.len) {
            *slot = k;
            self.len += 1;
        }
        self
    }

    fn as_slice(&self) -> &[usize] {
        &self.taken[..self.len]
    }
}

/// The values a schema path names in the item, each with the indices its `[*]` segments took:
/// absent, `null` and mistyped parents name nothing (their own key answers for them).
fn resolve<'a>(item: &'a Map<String, Value>, path: &str) -> Vec<(&'a Value, Indices)> {
    let mut found: Vec<(Option<&'a Value>, Indices)> = vec![(None, Indices::default())];
    for segment in path.split('.') {
        let (name, each) = match segment.strip_suffix("[*]") {
            Some(name) => (name, true),
            None => (segment, false),
        };
        let mut next = Vec::new();
        for (value, indices) in found {
            let child = match value {
                None => item.get(name),
                Some(value) => value.get(name),
            };
            let Some(child) = child.filter(|v| !v.is_null()) else {
                continue;
            };
            if each {
                if let Value::Array(elements) = child {
                    next.extend(
                        elements
                            .iter()
                            .enumerate()
                            .filter(|(_, element)| !element.is_null())
                            .map(|(k, element)| (Some(element), indices.with(k))),
                    );
                }
            } else {
                next.push((Some(child), indices));
            }
        }
        found = next;
    }
    found
        .into_iter()
        .filter_map(|(value, indices)| value.map(|value| (value, indices)))
        .collect()
}

/// The JSON path of a value `resolve` found: `base`, then the schema path with each `[*]`
/// replaced by the index it took.
fn concrete_path(base: &str, path: &str, indices: &[usize]) -> String {
    let mut concrete = base.to_owned();
    let mut indices = indices.iter();
    for segment in path.split('.') {
        concrete.push('.');
        match segment.strip_suffix("[*]") {
            Some(name) => {
                concrete.push_str(name);
                if let Some(k) = indices.next() {
                    concrete.push_str(&format!("[{k}]"));
                }
            }
            None => concrete.push_str(segment),
        }
    }
    concrete
}

/// The key's own name: the last segment of its path.
fn leaf(path: &str) -> &str {
    let last = path.rsplit('.').next().unwrap_or(path);
    last.strip_suffix("[*]").unwrap_or(last)
}

fn check_value(
    value: &Value,
    kind: Type,
    limits: &Limits,
    key: &str,
    path: impl Fn() -> String,
) -> Result<(), ApiError> {
    let length = |count: usize| -> Result<(), ApiError> {
        if let Some(min) = limits.min.filter(|min| count < *min) {
            return Err(too_short(key, &path(), min));
        }
        if let Some(max) = limits.max.filter(|max| count > *max) {
            return Err(too_long(key, &path(), max));
        }
        Ok(())
    };
    let in_enum = |text: &str| -> Result<(), ApiError> {
        if limits.values.is_empty() || limits.values.contains(&text) {
            Ok(())
        } else {
            Err(unsupported(limits.values, key, &path()))
        }
    };
    match (kind, value) {
        (Type::Text, Value::String(text)) => {
            length(text.chars().count())?;
            in_enum(text)
        }
        (Type::Text, _) => Err(wrong_type("string", key, &path())),
        (Type::Boolean, Value::Bool(_)) => Ok(()),
        (Type::Boolean, Value::String(text)) => {
            length(text.chars().count())?;
            in_enum(text)?;
            Err(wrong_type("boolean", key, &path()))
        }
        (Type::Boolean, _) => Err(wrong_type("boolean", key, &path())),
        (Type::BigInt, _) => match id_of(value) {
            Some(id) if id.len() > ID_DIGITS => Err(too_long(key, &path(), ID_PRINTED_MAXIMUM)),
            Some(_) => Ok(()),
            None => Err(wrong_type("bigint", key, &path())),
        },
        (Type::Integer, Value::Number(number)) if number.is_i64() || number.is_u64() => Ok(()),
        (Type::Integer, _) => Err(wrong_type("integer", key, &path())),
        (Type::Object, Value::Object(_)) => Ok(()),
        (Type::Object, Value::Array(elements)) if elements.len() > 1 => {
            Err(too_long(key, &path(), 1))
        }
        (Type::Object, _) => Err(wrong_type("jsonobject", key, &path())),
        (Type::Array, Value::Array(elements)) => length(elements.len()),
        (Type::Array, _) => Err(wrong_type("jsonarray", key, &path())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check_json(item: Value, create: bool) -> Result<(), ApiError> {
        check(item.as_object().unwrap(), "$.user_type[0]", create)
    }

    #[test]
    fn every_schema_path_has_its_parents_before_it() {
        for (i, key) in SCHEMA.iter().enumerate() {
            if let Some((parent, _)) = key.path.rsplit_once('.') {
                let parent = parent.strip_suffix("[*]").unwrap_or(parent);
                assert!(
                    SCHEMA[..i].iter().any(|k| k.path == parent),
                    "{} before its parent",
                    key.path
                );
            }
        }
    }

    #[test]
    fn no_schema_path_nests_more_arrays_than_indices_hold() {
        for key in SCHEMA {
            assert!(
                key.path.matches("[*]").count() <= Indices::DEPTH,
                "{}",
                key.path
            );
        }
    }

    #[test]
    fn a_json_boolean_is_never_length_checked() {
        let item = json!({"modules": [{"permissions": {"view": false}}]});
        assert!(check_json(item, true).is_ok());
    }

    #[test]
    fn a_twenty_digit_id_passes_and_a_twenty_one_digit_one_does_not() {
        assert!(
            check_json(
                json!({"personality_module": {"id": "18936550000000063924"}}),
                true
            )
            .is_ok()
        );
        let error = check_json(
            json!({"personality_module": {"id": "189365500000000639240"}}),
            true,
        )
        .unwrap_err();
        assert_eq!(error.code(), "INVALID_DATA");
    }

    #[test]
    fn an_array_of_objects_for_an_object_key_is_too_long_only_past_one() {
        let two = check_json(json!({"invitation_field": [{}, {}]}), true).unwrap_err();
        let one = check_json(json!({"invitation_field": [{}]}), true).unwrap_err();
        assert_ne!(format!("{two:?}"), format!("{one:?}"));
    }

    #[test]
    fn read_only_keys_of_create_are_not_checked_on_update() {
        assert!(check_json(json!({"deactive_user_count": "0", "id": "x"}), false).is_ok());
        assert!(check_json(json!({"deactive_user_count": "0"}), true).is_err());
    }
}
