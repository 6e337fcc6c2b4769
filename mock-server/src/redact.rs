//! Redaction, one way everywhere: the request journal, the conformance runner's console, JSON,
//! JUnit and HTML reports, and its `diff` and `record` output hide the same secrets behind the
//! same [`PLACEHOLDER`]. A secret is known by its name (a query parameter, form field or JSON
//! key such as `client_secret`), by its shape (an OAuth token, `1000.<hex>.<hex>`), or because
//! the caller names it (the runner's own credentials).

use serde_json::Value;

/// What stands where a secret was.
pub const PLACEHOLDER: &str = "[REDACTED]";

/// Query parameters and form fields whose values are secrets.
pub const SECRET_PARAMS: [&str; 7] = [
    "client_secret",
    "refresh_token",
    "access_token",
    "id_token",
    "code",
    "token",
    "password",
];

/// JSON keys whose values are secrets (fewer than the parameters: `code` and `token` are
/// ordinary keys of Zoho's answers, e.g. `"code": "INVALID_TOKEN"`).
pub const SECRET_JSON_KEYS: [&str; 5] = [
    "client_secret",
    "refresh_token",
    "access_token",
    "id_token",
    "password",
];

/// `1000.` followed by two hexadecimal parts of 16 or more: an OAuth token.
pub fn is_token(word: &str) -> bool {
    let mut parts = word.split('.');
    parts.next() == Some("1000")
        && parts.clone().count() == 2
        && parts.all(|part| part.len() >= 16 && part.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A text with every `secrets` string and every token-shaped word replaced.
pub fn text(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_owned();
    for secret in secrets.iter().filter(|secret| !secret.is_empty()) {
        out = out.replace(secret.as_str(), PLACEHOLDER);
    }
    mask_tokens(&out)
}

/// A text with every token-shaped word (`1000.<hex>.<hex>`) replaced: tokens nobody named
/// (issued during a run) never show either.
pub fn mask_tokens(text: &str) -> String {
    // Every token starts `1000.`: a text without it has none.
    if !text.contains("1000.") {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    for c in text.chars().chain(std::iter::once('\0')) {
        if c.is_ascii_alphanumeric() || c == '.' {
            word.push(c);
            continue;
        }
        let trimmed = word.trim_end_matches('.');
        if is_token(trimmed) {
            out.push_str(PLACEHOLDER);
            out.push_str(&word[trimmed.len()..]);
        } else {
            out.push_str(&word);
        }
        word.clear();
        if c != '\0' {
            out.push(c);
        }
    }
    out
}

/// A query parameter's or form field's value: replaced when its name is a secret's.
pub fn param(name: &str, value: &str) -> String {
    if SECRET_PARAMS.contains(&name.to_ascii_lowercase().as_str()) {
        PLACEHOLDER.to_owned()
    } else {
        mask_tokens(value)
    }
}

/// An `Authorization` value: `Zoho-oauthtoken 1000.abc` becomes `Zoho-oauthtoken [REDACTED]`
/// (the scheme stays, so a test can still see which scheme its client used).
pub fn credentials(value: &str) -> String {
    match value.trim().split_once(' ') {
        Some((scheme, _)) => format!("{scheme} {PLACEHOLDER}"),
        None => PLACEHOLDER.to_owned(),
    }
}

/// A JSON value with the values of secret keys, and token-shaped words in strings, replaced.
pub fn json(value: &Value) -> Value {
    match value {
        Value::String(text) => Value::String(mask_tokens(text)),
        Value::Array(items) => Value::Array(items.iter().map(json).collect()),
        Value::Object(object) => Value::Object(
            object
                .iter()
                .map(|(key, member)| {
                    let secret = SECRET_JSON_KEYS.contains(&key.to_ascii_lowercase().as_str())
                        && !member.is_null();
                    let shown = if secret {
                        Value::String(PLACEHOLDER.to_owned())
                    } else {
                        json(member)
                    };
                    (key.clone(), shown)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TOKEN: &str = "1000.0123456789abcdef0123.fedcba9876543210fedc";

    #[test]
    fn secrets_by_name_shape_and_naming_are_replaced_by_one_placeholder() {
        assert_eq!(
            text(&format!("Bearer {TOKEN}. and hunter2"), &["hunter2".into()]),
            "Bearer [REDACTED]. and [REDACTED]"
        );
        assert_eq!(param("Client_Secret", "x"), PLACEHOLDER);
        assert_eq!(param("page", TOKEN), PLACEHOLDER);
        assert_eq!(param("page", "2"), "2");
        assert_eq!(
            credentials(&format!("Zoho-oauthtoken {TOKEN}")),
            "Zoho-oauthtoken [REDACTED]"
        );
        assert_eq!(
            json(
                &json!({"access_token": "a", "code": "INVALID_TOKEN", "note": TOKEN, "password": null})
            ),
            json!({"access_token": "[REDACTED]", "code": "INVALID_TOKEN", "note": "[REDACTED]", "password": null})
        );
        assert!(!is_token("1000.zylker.admin"));
    }
}
