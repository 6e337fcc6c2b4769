//! The items of a stored bulk-invite job, read typed: a 10,000-item payload becomes 10,000
//! small structs borrowing its text, not a tree of 10,000 order-preserving maps.

use std::borrow::Cow;

use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// One item of an invite job's payload, as the run reads it: a field that is missing or not a
/// string reads as `""` (`language` as `None`: the default language).
#[derive(Debug, Default, PartialEq, Deserialize)]
pub struct InviteItem<'a> {
    #[serde(default, borrow, deserialize_with = "text")]
    pub id: Cow<'a, str>,
    #[serde(default, borrow, deserialize_with = "text")]
    pub user_type_id: Cow<'a, str>,
    #[serde(default, borrow, rename = "type", deserialize_with = "text")]
    pub invite_type: Cow<'a, str>,
    #[serde(default, borrow, deserialize_with = "optional_text")]
    pub language: Option<Cow<'a, str>>,
}

/// The payload `{"items":[…]}`.
#[derive(Deserialize)]
struct Payload<'a> {
    #[serde(default, borrow)]
    items: Vec<InviteItem<'a>>,
}

/// The items of the payload `text`. A payload the typed reading refuses (not an object, an item
/// that is not one, a repeated key) is read as a tree instead, with the same rules: what is not
/// an array of items holds none.
pub fn items(text: &str) -> Vec<InviteItem<'_>> {
    if let Ok(payload) = serde_json::from_str::<Payload>(text) {
        return payload.items;
    }
    let payload: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    let field = |item: &Value, key: &str| {
        item.get(key)
            .and_then(Value::as_str)
            .map(|text| Cow::Owned(text.to_owned()))
    };
    payload["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|item| InviteItem {
            id: field(item, "id").unwrap_or_default(),
            user_type_id: field(item, "user_type_id").unwrap_or_default(),
            invite_type: field(item, "type").unwrap_or_default(),
            language: field(item, "language"),
        })
        .collect()
}

fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Cow<'de, str>, D::Error> {
    Ok(optional_text(deserializer)?.unwrap_or_default())
}

fn optional_text<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Cow<'de, str>>, D::Error> {
    deserializer.deserialize_any(TextVisitor)
}

/// A string (borrowed from the text when it has no escapes); any other value, read through
/// and dropped, is `None`.
struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Option<Cow<'de, str>>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Self::Value, E> {
        Ok(Some(Cow::Borrowed(text)))
    }
    fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(text.to_owned())))
    }
    fn visit_string<E>(self, text: String) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(text)))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_and_tree_readings_agree() {
        let item = |id: &'static str, language: Option<&'static str>| InviteItem {
            id: id.into(),
            user_type_id: "7".into(),
            invite_type: "invite".into(),
            language: language.map(Cow::Borrowed),
        };
        let cases = [
            (
                r#"{"items":[{"id":"1","user_type_id":"7","type":"invite"},{"id":"2","user_type_id":"7","type":"invite","language":"de_DE"}]}"#,
                vec![item("1", None), item("2", Some("de_DE"))],
            ),
            // Not strings: empty, and the default language; an escaped string read as it says.
            (
                r#"{"items":[{"id":5,"user_type_id":"7","type":"invite","language":{"a":[1]}}]}"#,
                vec![item("", None)],
            ),
            (
                r#"{"items":[{"id":"\u0031","user_type_id":"7","type":"invite","language":null}]}"#,
                vec![item("1", None)],
            ),
            // Refused by the typed reading, read as a tree.
            (
                r#"{"items":[{"id":"1","id":"3","user_type_id":"7","type":"invite"}, 4]}"#,
                vec![item("3", None), InviteItem::default()],
            ),
            (r#"{"items":{}}"#, vec![]),
            (r#"{}"#, vec![]),
            ("not json", vec![]),
        ];
        for (text, expected) in cases {
            assert_eq!(items(text), expected, "{text}");
        }
    }
}
