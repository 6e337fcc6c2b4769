//! Variables: `{{run_id}}`, captured values, and `{{env.NAME}}` from the environment; and the
//! redaction of secrets from every output.

use std::collections::BTreeMap;

use serde_json::Value;

/// The variables every scenario may use without capturing them: the run's id, and what the
/// control plane answers about the org made for the scenario (its token, id and OAuth
/// credentials; absent on a target without one).
pub const BUILT_IN: [&str; 7] = [
    "run_id",
    "token",
    "org_id",
    "client_id",
    "client_secret",
    "redirect_uri",
    "refresh_token",
];

/// The variables of one scenario run.
#[derive(Debug, Clone, Default)]
pub struct Vars {
    values: BTreeMap<String, Value>,
    /// Values that must never be printed (tokens, environment values).
    secrets: Vec<String>,
}

impl Vars {
    /// Sets a variable.
    pub fn set(&mut self, name: &str, value: Value) {
        self.values.insert(name.to_owned(), value);
    }

    /// Sets a variable whose value is a secret (redacted from every output).
    pub fn set_secret(&mut self, name: &str, value: &str) {
        self.add_secret(value);
        self.values
            .insert(name.to_owned(), Value::String(value.to_owned()));
    }

    /// Marks a value as secret.
    pub fn add_secret(&mut self, value: &str) {
        if value.len() >= 4 && !self.secrets.iter().any(|s| s == value) {
            self.secrets.push(value.to_owned());
        }
    }

    /// The secrets to redact.
    pub fn secrets(&self) -> &[String] {
        &self.secrets
    }

    /// Whether `{{name}}` has a value (`env.NAME`: the variable is set).
    pub fn has(&self, name: &str) -> bool {
        match name.strip_prefix("env.") {
            Some(variable) => std::env::var(variable).is_ok(),
            None => self.values.contains_key(name),
        }
    }

    /// A variable's value; `env.NAME` reads the environment (see [`Vars::note_env_secrets`]).
    fn lookup(&self, name: &str) -> Option<Value> {
        if let Some(variable) = name.strip_prefix("env.") {
            return std::env::var(variable).ok().map(Value::String);
        }
        self.values.get(name).cloned()
    }

    /// Replaces every `{{name}}` in a string; unknown names are left as written.
    pub fn interpolate(&self, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            match after.find("}}") {
                Some(end) => {
                    let name = after[..end].trim();
                    match self.lookup(name) {
                        Some(Value::String(value)) => out.push_str(&value),
                        Some(other) => out.push_str(&other.to_string()),
                        None => out.push_str(&rest[start..start + 2 + end + 2]),
                    }
                    rest = &after[end + 2..];
                }
                None => {
                    out.push_str(&rest[start..]);
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// Interpolates every string of a JSON value; a string that is exactly `{{name}}` becomes the
    /// variable's JSON value (so a captured number stays a number).
    pub fn interpolate_value(&self, value: &Value) -> Value {
        match value {
            Value::String(text) => {
                let trimmed = text.trim();
                if let Some(name) = trimmed
                    .strip_prefix("{{")
                    .and_then(|t| t.strip_suffix("}}"))
                    && !name.contains("{{")
                    && let Some(found) = self.lookup(name.trim())
                {
                    return found;
                }
                Value::String(self.interpolate(text))
            }
            Value::Array(items) => {
                Value::Array(items.iter().map(|v| self.interpolate_value(v)).collect())
            }
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), self.interpolate_value(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// Registers the environment values a text refers to as secrets.
    pub fn note_env_secrets(&mut self, text: &str) {
        let mut rest = text;
        while let Some(start) = rest.find("{{env.") {
            let after = &rest[start + 6..];
            let Some(end) = after.find("}}") else { break };
            if let Ok(value) = std::env::var(after[..end].trim()) {
                self.add_secret(&value);
            }
            rest = &after[end..];
        }
    }
}

/// Replaces every secret in a text, and every token-shaped word, with the one placeholder
/// (`[REDACTED]`) the mock's journal uses too ([`portals_mock::redact`]).
pub fn redact(text: &str, secrets: &[String]) -> String {
    portals_mock::redact::text(text, secrets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn variables_interpolate_in_strings_and_keep_their_type_alone() {
        let mut vars = Vars::default();
        vars.set("id", json!("1306462000001856005"));
        vars.set("n", json!(3));
        assert_eq!(
            vars.interpolate("/user_type/{{id}}?x={{n}}&y={{unknown}}"),
            "/user_type/1306462000001856005?x=3&y={{unknown}}"
        );
        assert_eq!(
            vars.interpolate_value(&json!({"a":"{{n}}","b":["{{id}}"]})),
            json!({"a":3,"b":["1306462000001856005"]})
        );
    }

    #[test]
    fn tokens_the_run_did_not_know_are_masked_by_their_shape() {
        let issued = "{\"access_token\":\"1000.0123456789abcdef0123.fedcba9876543210fe\"}";
        assert_eq!(redact(issued, &[]), "{\"access_token\":\"[REDACTED]\"}");
        assert_eq!(redact("1000.zylker.admin", &[]), "1000.zylker.admin");
    }

    #[test]
    fn secrets_are_redacted() {
        let mut vars = Vars::default();
        vars.set_secret("token", "1000.secret.token");
        assert_eq!(
            redact("Zoho-oauthtoken 1000.secret.token", vars.secrets()),
            "Zoho-oauthtoken [REDACTED]"
        );
    }
}
