//! What the HTML report never shows: values secret by their name (`access_token`,
//! `client_secret`, …) or their shape (`1000.<hex>.<hex>`), in JSON, forms and query strings.

use portals_mock::redact;
use serde_json::Value;

/// `a=1&b=x%20y` as decoded pairs, secrets by name masked.
pub(super) fn form_pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = percent_decode(name);
            let value = redact::param(&name, &percent_decode(value));
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
    redact::mask_tokens(text)
}

/// Masks secrets in a JSON value: by key name, and by shape.
pub(super) fn mask_value(value: &Value) -> Value {
    redact::json(value)
}
