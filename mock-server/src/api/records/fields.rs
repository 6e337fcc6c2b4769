//! The checks a record's fields pass before it is written (add, update, upsert): the default
//! layout's mandatory fields, each known field's data type, and the display name and email the
//! invitation checks read, derived from the fields.

use serde_json::{Map, Value};

use super::KEY;
use crate::api::error::ApiError;
use crate::store::crm::{FieldRow, ModuleMeta};

/// The fields of one item of `data` that the module knows, checked. `partial` (an update):
/// mandatory fields may be absent, but not `null` or blank. Keys that are not fields of the
/// module are left out, as Zoho ignores them.
pub(super) fn check(
    meta: &ModuleMeta,
    item: &Value,
    index: usize,
    partial: bool,
) -> Result<Map<String, Value>, ApiError> {
    let path = |api_name: &str| format!("$.data[{index}].{api_name}");
    let item = item
        .as_object()
        .ok_or_else(|| ApiError::expected_type("jsonobject", KEY, &format!("$.data[{index}]")))?;
    let mandatory = meta.mandatory_field_ids();
    for field in meta
        .fields
        .iter()
        .filter(|f| mandatory.contains(&f.id.as_str()))
    {
        let missing = match item.get(&field.api_name) {
            None => !partial,
            Some(Value::Null) => true,
            Some(Value::String(text)) => text.trim().is_empty(),
            Some(_) => false,
        };
        if missing {
            return Err(ApiError::mandatory(&field.api_name, &path(&field.api_name)));
        }
    }
    let mut fields = Map::new();
    for field in &meta.fields {
        let Some(value) = item.get(&field.api_name) else {
            continue;
        };
        if !value.is_null() {
            check_type(field, value, &path(&field.api_name))?;
        }
        fields.insert(field.api_name.clone(), value.clone());
    }
    Ok(fields)
}

/// The display name (`First_Name Last_Name`, or the first text field) and the email (the first
/// email field) of a record with these fields.
pub(super) fn name_and_email(
    meta: &ModuleMeta,
    fields: &Map<String, Value>,
) -> (String, Option<String>) {
    let text = |api_name: &str| fields.get(api_name).and_then(Value::as_str).map(str::trim);
    let name = match (text("First_Name"), text("Last_Name")) {
        (Some(first), Some(last)) if !first.is_empty() => format!("{first} {last}"),
        (_, Some(last)) => last.to_owned(),
        _ => meta
            .fields
            .iter()
            .filter(|f| f.data_type == "text")
            .find_map(|f| text(&f.api_name))
            .unwrap_or_default()
            .to_owned(),
    };
    let email = primary_email(meta)
        .and_then(|field| text(&field.api_name))
        .filter(|email| !email.is_empty())
        .map(str::to_owned);
    (name, email)
}

/// The module's first email field: the one whose value is the record's email (what invitations
/// go to, and what a search by email reads through its index).
pub(super) fn primary_email(meta: &ModuleMeta) -> Option<&FieldRow> {
    meta.fields.iter().find(|f| f.data_type == "email")
}

/// `INVALID_DATA` with the field's expected type when a value does not fit it.
fn check_type(field: &FieldRow, value: &Value, json_path: &str) -> Result<(), ApiError> {
    let (fits, expected) = match field.data_type.as_str() {
        "email" => (value.as_str().is_some_and(is_email), "email"),
        "integer" => (value.as_i64().is_some(), "integer"),
        "currency" | "double" => (value.is_number(), "double"),
        "boolean" => (value.is_boolean(), "boolean"),
        "lookup" | "ownerlookup" => (
            value
                .get("id")
                .and_then(Value::as_str)
                .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())),
            "jsonobject",
        ),
        "multiselectlookup" => (value.is_array(), "jsonarray"),
        _ => (value.is_string(), "text"),
    };
    if fits {
        Ok(())
    } else {
        Err(ApiError::expected_type(
            expected,
            &field.api_name,
            json_path,
        ))
    }
}

/// A plain check of an email address's shape: one `@`, text on both sides, a dot in the domain.
pub(super) fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !text.chars().any(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_need_one_at_and_a_dotted_domain() {
        assert!(is_email("ravi.kumar@example.com"));
        assert!(is_email("a+b@x.co"));
        assert!(!is_email("ravi.kumar"));
        assert!(!is_email("a@b"));
        assert!(!is_email("a@@b.com"));
        assert!(!is_email("a b@c.com"));
        assert!(!is_email("@c.com"));
    }
}
