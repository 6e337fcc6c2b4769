//! A bulk-invite body read straight into its checked items, without a JSON tree, when it has
//! the plain shape of a valid body: `{"portal_invite":[{"data":[{"id","user_type_id","type",
//! "language"}]}]}`, no other key, no key twice, the texts strings (the language and type
//! without escapes), 1–100 groups of 1–100 items, every value valid. Anything else is `None`,
//! and the caller reads the body as a tree, whose checks answer the error; a body read here is
//! one those checks accept, with the same items. A 10,000-item body is then held as its bytes
//! and 10,000 small items, not also as 10,000 order-preserving maps (≈6 MB).

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::invitations::{BulkItem, KEY, MAX_BATCH};
use crate::domain::membership::{InviteType, LANGUAGES};

/// The checked items of a plain bulk body, in order; `None` for any other body.
pub(super) fn items(body: &[u8]) -> Option<Vec<BulkItem<'_>>> {
    let mut items = Vec::new();
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let body = Object {
        items: &mut items,
        body: true,
    };
    body.deserialize(&mut deserializer).ok()?;
    deserializer.end().ok()?;
    Some(items)
}

/// Not the plain shape (the caller reads the body as a tree instead).
fn not_plain<E: de::Error>() -> E {
    E::custom("not a plain bulk body")
}

/// A string (borrowed when it has no escapes), or `None` for `null`; any other value is refused.
struct Text;

impl<'de> DeserializeSeed<'de> for Text {
    type Value = Option<Cow<'de, str>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Text {
    type Value = Option<Cow<'de, str>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or null")
    }
    fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Self::Value, E> {
        Ok(Some(Cow::Borrowed(text)))
    }
    fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(text.to_owned())))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// The next key of an object: `Some(true)` for `name`, `Some(false)` for none; any other key is
/// refused.
fn next_key<'de, A: MapAccess<'de>>(map: &mut A, name: &str) -> Result<bool, A::Error> {
    match map.next_key_seed(Text)? {
        None => Ok(false),
        Some(Some(key)) if key == name => Ok(true),
        Some(_) => Err(not_plain()),
    }
}

/// Reads an object whose only key is `name` (once), its value by `value`.
fn only_key<'de, A: MapAccess<'de>, S: DeserializeSeed<'de, Value = ()>>(
    mut map: A,
    name: &str,
    value: S,
) -> Result<(), A::Error> {
    if !next_key(&mut map, name)? {
        return Err(not_plain());
    }
    map.next_value_seed(value)?;
    if next_key(&mut map, name)? {
        return Err(not_plain());
    }
    Ok(())
}

/// The items read so far, in order.
type Sink<'v, 'de> = &'v mut Vec<BulkItem<'de>>;

/// A seed that reads its value (through `$deserialize`) with its own visitor.
macro_rules! seed_visitor {
    ($name:ident, $deserialize:ident) => {
        impl<'de> DeserializeSeed<'de> for $name<'_, 'de> {
            type Value = ();

            fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
                deserializer.$deserialize(self)
            }
        }
    };
}

/// The body `{"portal_invite":[group…]}`, or a group `{"data":[item…]}`.
struct Object<'v, 'de> {
    items: Sink<'v, 'de>,
    body: bool,
}
/// The array of groups, or a group's `data`: 1–`MAX_BATCH` of them.
struct Array<'v, 'de> {
    items: Sink<'v, 'de>,
    of_groups: bool,
}
/// One item of `data`.
struct Item<'v, 'de>(Sink<'v, 'de>);

seed_visitor!(Object, deserialize_map);
seed_visitor!(Array, deserialize_seq);
seed_visitor!(Item, deserialize_map);

impl<'de> Visitor<'de> for Object<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the bulk body or a group")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let (key, of_groups) = if self.body {
            (KEY, true)
        } else {
            ("data", false)
        };
        let items = self.items;
        only_key(map, key, Array { items, of_groups })
    }
}

impl<'de> Visitor<'de> for Array<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of 1-100 groups or items")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut count = 0;
        loop {
            let next = if self.of_groups {
                seq.next_element_seed(Object {
                    items: &mut *self.items,
                    body: false,
                })?
            } else {
                seq.next_element_seed(Item(&mut *self.items))?
            };
            if next.is_none() {
                break;
            }
            count += 1;
            if count > MAX_BATCH {
                return Err(not_plain());
            }
        }
        if count == 0 {
            return Err(not_plain());
        }
        Ok(())
    }
}

impl<'de> Visitor<'de> for Item<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an item")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (mut id, mut user_type_id, mut invite_type, mut language) = (None, None, None, None);
        while let Some(key) = map.next_key_seed(Text)? {
            let slot = match key.as_deref() {
                Some("id") => &mut id,
                Some("user_type_id") => &mut user_type_id,
                Some("type") => &mut invite_type,
                Some("language") => &mut language,
                _ => return Err(not_plain()),
            };
            if slot.is_some() {
                return Err(not_plain());
            }
            *slot = Some(map.next_value_seed(Text)?);
        }
        // `id` and `user_type_id` strings; `type` one of the types and `language` null, `""`
        // or one of the languages, both as written in the body (no escapes).
        let (Some(Some(id)), Some(Some(user_type_id))) = (id, user_type_id) else {
            return Err(not_plain());
        };
        let Some(Some(Cow::Borrowed(invite_type))) = invite_type else {
            return Err(not_plain());
        };
        if InviteType::parse(invite_type).is_none() {
            return Err(not_plain());
        }
        let language = match language {
            None | Some(None) => None,
            Some(Some(Cow::Borrowed(""))) => None,
            Some(Some(Cow::Borrowed(language))) if LANGUAGES.contains(&language) => Some(language),
            Some(Some(_)) => return Err(not_plain()),
        };
        self.0.push(BulkItem {
            id,
            user_type_id,
            invite_type,
            language,
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::body::parse_json;
    use super::super::invitations::validate_bulk;
    use super::*;

    /// A body of `groups` groups of `size` items like `item`.
    fn bulk(groups: usize, size: usize, item: &str) -> String {
        let data = vec![item; size].join(",");
        let groups = vec![format!(r#"{{"data":[{data}]}}"#); groups].join(",");
        format!(r#"{{"portal_invite":[{groups}]}}"#)
    }

    const ITEM: &str = r#"{"id":"11","user_type_id":"7","type":"invite"}"#;

    #[test]
    fn plain_bodies_give_the_items_the_tree_checks_give() {
        let plain = [
            bulk(1, 1, ITEM),
            bulk(100, 100, ITEM),
            bulk(
                2,
                3,
                r#"{"type":"reinvite","language":"de_DE","user_type_id":"7","id":"1"}"#,
            ),
            bulk(
                1,
                2,
                r#"{"id":"1","user_type_id":"7","type":"invite","language":null}"#,
            ),
            bulk(
                1,
                2,
                r#"{"id":"1","user_type_id":"7","type":"invite","language":""}"#,
            ),
            // Escaped ids and keys read as they say; space anywhere.
            bulk(
                1,
                1,
                r#" { "\u0069d" : "\u0031\n" , "user_type_id":"", "type":"invite" } "#,
            ),
            format!(" {}\n", bulk(3, 1, ITEM)),
        ];
        for body in plain {
            let tree = parse_json(body.as_bytes()).expect("JSON");
            let expected = validate_bulk(&tree).expect("valid");
            assert_eq!(items(body.as_bytes()), Some(expected), "{body}");
        }
    }

    #[test]
    fn other_bodies_are_left_to_the_tree() {
        let others = [
            String::new(),
            "  ".into(),
            "[]".into(),
            "{}".into(),
            r#"{"portal_invite":[]}"#.into(),
            r#"{"portal_invite":null}"#.into(),
            r#"{"portal_invite":[{"data":[]}]}"#.into(),
            r#"{"portal_invite":[{}]}"#.into(),
            r#"{"portal_invite":[4]}"#.into(),
            bulk(101, 1, ITEM),
            bulk(1, 101, ITEM),
            format!(r#"{{"other":1,{}"#, &bulk(1, 1, ITEM)[1..]),
            format!("{}x", bulk(1, 1, ITEM)),
            bulk(1, 1, r#"{"id":11,"user_type_id":"7","type":"invite"}"#),
            bulk(1, 1, r#"{"id":null,"user_type_id":"7","type":"invite"}"#),
            bulk(1, 1, r#"{"user_type_id":"7","type":"invite"}"#),
            bulk(
                1,
                1,
                r#"{"id":"1","id":"2","user_type_id":"7","type":"invite"}"#,
            ),
            bulk(
                1,
                1,
                r#"{"id":"1","user_type_id":"7","type":"invite","extra":1}"#,
            ),
            bulk(1, 1, r#"{"id":"1","user_type_id":"7","type":"Invite"}"#),
            bulk(
                1,
                1,
                r#"{"id":"1","user_type_id":"7","type":"\u0069nvite"}"#,
            ),
            bulk(1, 1, r#"{"id":"1","user_type_id":"7"}"#),
            bulk(
                1,
                1,
                r#"{"id":"1","user_type_id":"7","type":"invite","language":"xx"}"#,
            ),
            bulk(
                1,
                1,
                r#"{"id":"1","user_type_id":"7","type":"invite","language":5}"#,
            ),
            format!(r#"{{"data":[{ITEM}],"data":[{ITEM}]}}"#),
            format!(r#"{{"portal_invite":[{{"data":[{ITEM}],"data":[{ITEM}]}}]}}"#),
            format!(r#"{{"portal_invite":[{{"data":[{ITEM}]}}],"portal_invite":[]}}"#),
        ];
        for body in others {
            assert_eq!(items(body.as_bytes()), None, "{body}");
        }
    }
}
