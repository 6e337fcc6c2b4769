//! The items of a stored bulk-invite job, read typed: a 10,000-item payload becomes 10,000
//! small structs, not a tree of 10,000 order-preserving maps.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// One item of an invite job's payload, as the run reads it: a field that is missing or not a
/// string reads as `""` (`language` as `None`: the default language).
#[derive(Debug, Default, PartialEq, Deserialize)]
pub struct InviteItem {
    #[serde(default, deserialize_with = "text")]
    pub id: String,
    #[serde(default, deserialize_with = "text")]
    pub user_type_id: String,
    #[serde(default, rename = "type", deserialize_with = "text")]
    pub invite_type: String,
    #[serde(default, deserialize_with = "optional_text")]
    pub language: Option<String>,
}

/// The payload `{"items":[…]}`.
#[derive(Deserialize)]
struct Payload {
    #[serde(default)]
    items: Vec<InviteItem>,
}

/// The items of the payload `text`. A payload the typed reading refuses (not an object, an item
/// that is not one, a repeated key) is read as a tree instead, with the same rules: what is not
/// an array of items holds none.
pub fn items(text: &str) -> Vec<InviteItem> {
    if let Ok(payload) = serde_json::from_str::<Payload>(text) {
        return payload.items;
    }
    let payload: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    let field = |item: &Value, key: &str| item.get(key).and_then(Value::as_str).map(str::to_owned);
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

fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(optional_text(deserializer)?.unwrap_or_default())
}

fn optional_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::String(text) => Some(text),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_and_tree_readings_agree() {
        let item = |id: &str, language: Option<&str>| InviteItem {
            id: id.into(),
            user_type_id: "7".into(),
            invite_type: "invite".into(),
            language: language.map(str::to_owned),
        };
        let cases = [
            (
                r#"{"items":[{"id":"1","user_type_id":"7","type":"invite"},{"id":"2","user_type_id":"7","type":"invite","language":"de_DE"}]}"#,
                vec![item("1", None), item("2", Some("de_DE"))],
            ),
            // Not strings: empty, and the default language.
            (
                r#"{"items":[{"id":5,"user_type_id":"7","type":"invite","language":{"a":1}}]}"#,
                vec![item("", None)],
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
