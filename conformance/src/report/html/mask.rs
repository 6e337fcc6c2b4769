//! What the HTML report never shows: values secret by their name (`access_token`,
//! `client_secret`, …) or their shape (`1000.<hex>.<hex>`), in JSON, forms and query strings.

use serde_json::Value;

/// What is shown instead of a secret found by its name or shape.
pub(super) const REDACTED: &str = "<redacted>";

/// JSON keys, form fields and query parameters whose values are secrets.
pub(super) const SECRET_NAMES: [&str; 7] = [
    "access_token",
    "refresh_token",
    "id_token",
    "client_secret",
    "password",
    "code",
    "token",
];

/// JSON keys whose values are secrets (a subset: `code` and `token` are ordinary keys of Zoho
/// answers, e.g. `"code": "INVALID_TOKEN"`).
pub(super) const SECRET_KEYS: [&str; 5] = [
    "access_token",
    "refresh_token",
    "id_token",
    "client_secret",
    "password",
];

/// `a=1&b=x%20y` as decoded pairs, secrets by name masked.
pub(super) fn form_pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = percent_decode(name);
            let value = if SECRET_NAMES.contains(&name.to_ascii_lowercase().as_str()) {
                REDACTED.to_owned()
            } else {
                mask_text(&percent_decode(value))
            };
            (name, value)
        })
        .collect()
}

/// Decodes a form or query component: `+` is a space, `%XX` a byte, a bad escape kept.
pub(super) fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(&text.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// Masks every token-shaped word of a text.
pub(super) fn mask_text(text: &str) -> String {
    crate::vars::mask_tokens(text, REDACTED)
}

/// Masks secrets in a JSON value: by key name, and by shape.
pub(super) fn mask_value(value: &Value) -> Value {
    match value {
        Value::String(text) => Value::String(mask_text(text)),
        Value::Array(items) => Value::Array(items.iter().map(mask_value).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, member)| {
                    let secret = SECRET_KEYS.contains(&key.to_ascii_lowercase().as_str())
                        && member.is_string();
                    let shown = if secret {
                        Value::String(REDACTED.into())
                    } else {
                        mask_value(member)
                    };
                    (key.clone(), shown)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}
