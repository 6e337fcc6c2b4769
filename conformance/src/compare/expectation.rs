//! An answer turned into an expectation, for `record`: what varies from run to run becomes a
//! matcher (`{"$id": true}`, `{"$datetime": true}`, `{"$type": "string"}` for a redacted
//! secret), what the run itself chose becomes a variable (`{{run_id}}`, `{{org_id}}`, a value
//! captured earlier), and an id an earlier step answered becomes a capture on that step and a
//! `{{variable}}` here: the steps wired together as a person writing the scenario would.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use super::diff::{is_id, replace_word};
use crate::matching::is_datetime;

/// The placeholder redaction leaves where a secret was.
const REDACTED: &str = portals_mock::redact::PLACEHOLDER;

/// Keys whose numbers count seconds from the moment of the answer.
const SECONDS_FROM_NOW: [&str; 1] = ["retry_after"];

/// Keys whose value names an org: a new one on every run.
const ORG_KEYS: [&str; 2] = ["org_id", "zaid"];

/// Shortest captured string that stands for itself in a later answer (shorter values, like
/// `"ok"`, would be replaced where they only happen to be equal).
const SHORTEST_VARIABLE: usize = 4;

/// Turns one scenario run's answers into expectations, step after step.
#[derive(Debug)]
pub struct Recorder {
    /// Values the replay will know as variables before the current step: value, name.
    known: Vec<(Value, String)>,
    /// Ids answered by earlier steps: id, (step position, capture path).
    seen: BTreeMap<String, (usize, String)>,
    /// Captures to add to earlier steps: step position, name -> path.
    added: BTreeMap<usize, BTreeMap<String, String>>,
    /// Names already used (the scenario's captures and the built-in variables).
    taken: BTreeSet<String>,
    /// The run's `{{run_id}}`.
    run_id: String,
    /// The run's `{{org_id}}`, when the target made an org.
    org_id: Option<String>,
    /// The target's address (answers may carry it, e.g. `api_domain`).
    base: String,
}

impl Recorder {
    /// A recorder for one run; `taken` are the names the scenario already captures into.
    pub fn new(run_id: &str, org_id: Option<&str>, base: &str, taken: BTreeSet<String>) -> Self {
        let mut recorder = Recorder {
            known: Vec::new(),
            seen: BTreeMap::new(),
            added: BTreeMap::new(),
            taken,
            run_id: run_id.to_owned(),
            org_id: org_id.map(str::to_owned),
            base: base.to_owned(),
        };
        recorder
            .taken
            .extend(["run_id", "org_id", "token"].map(String::from));
        recorder
    }

    /// The expectation for the body step `position` answered; secrets by their key
    /// (`access_token`, `client_secret`, …) or their shape become `{"$type": "string"}`.
    pub fn expect_body(&mut self, position: usize, body: &Value) -> Value {
        let masked = portals_mock::redact::json(body);
        self.walk(position, &masked, "$", true, None)
    }

    /// The expectation for a body that is not JSON (`body_bytes`): the run id as a variable;
    /// `None` when it holds a secret (only the status is then expected).
    pub fn expect_text(&self, text: &str) -> Option<String> {
        let masked = portals_mock::redact::mask_tokens(text);
        (!masked.contains(REDACTED)).then(|| self.with_run_variables(&masked))
    }

    /// After a step: a value it captured, which later steps know as `{{name}}`.
    pub fn captured(&mut self, name: &str, value: &Value) {
        let standing = match value {
            Value::String(text) => {
                text.chars().count() >= SHORTEST_VARIABLE && !text.contains(REDACTED)
            }
            Value::Number(number) => is_id(&number.to_string()),
            _ => false,
        };
        if standing {
            self.known.push((value.clone(), name.to_owned()));
        }
    }

    /// The captures to add to each step (by position), name -> JSON path.
    pub fn added_captures(&self) -> &BTreeMap<usize, BTreeMap<String, String>> {
        &self.added
    }

    fn walk(
        &mut self,
        position: usize,
        value: &Value,
        path: &str,
        capturable: bool,
        key: Option<&str>,
    ) -> Value {
        match value {
            Value::Object(map) if map.len() == 1 && map.keys().all(|k| k.starts_with('$')) => {
                // A literal object that would read as a matcher.
                json!({"$type": "object"})
            }
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, member)| {
                        let plain = !k.is_empty() && !k.contains(['.', '[', ']']);
                        let at = format!("{path}.{k}");
                        (
                            k.clone(),
                            self.walk(position, member, &at, capturable && plain, Some(k)),
                        )
                    })
                    .collect::<Map<_, _>>(),
            ),
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        self.walk(position, item, &format!("{path}[{i}]"), capturable, None)
                    })
                    .collect(),
            ),
            Value::String(text) => self.string(position, text, path, capturable, key),
            Value::Number(number) => {
                if let Some(name) = self.variable_for(value) {
                    return Value::String(format!("{{{{{name}}}}}"));
                }
                if key.is_some_and(|k| SECONDS_FROM_NOW.contains(&k)) || is_id(&number.to_string())
                {
                    return json!({"$type": "number"});
                }
                value.clone()
            }
            other => other.clone(),
        }
    }

    fn string(
        &mut self,
        position: usize,
        text: &str,
        path: &str,
        capturable: bool,
        key: Option<&str>,
    ) -> Value {
        // A secret, or a paging token (`next_page_token` carries its expiry time).
        if text.contains(REDACTED)
            || portals_mock::redact::is_token(text)
            || key.is_some_and(super::diff::is_token_key)
        {
            return json!({"$type": "string"});
        }
        let value = Value::String(text.to_owned());
        if let Some(name) = self.variable_for(&value) {
            return Value::String(format!("{{{{{name}}}}}"));
        }
        if is_id(text) {
            return self.id(position, text, path, capturable);
        }
        if is_datetime(text) {
            return json!({"$datetime": true});
        }
        if text.contains("{{") {
            // Literal braces would read as a variable.
            return json!({"$regex": format!("^{}$", regex_lite::escape(text))});
        }
        if !self.base.is_empty()
            && let Some(rest) = text.strip_prefix(self.base.as_str())
        {
            return json!({"$regex": format!("^https?://[^/]+{}$", regex_lite::escape(rest))});
        }
        if self.org_id.as_deref() == Some(text) {
            return Value::String("{{org_id}}".into());
        }
        if key.is_some_and(|k| ORG_KEYS.contains(&k)) {
            // An org's id, whatever its shape: each run makes its own orgs.
            return json!({"$type": "string"});
        }
        Value::String(self.with_run_variables(text))
    }

    /// An id: the variable of the earlier step that answered it (captured there now), or a
    /// matcher, remembering where it was first answered.
    fn id(&mut self, position: usize, text: &str, path: &str, capturable: bool) -> Value {
        match self.seen.get(text).cloned() {
            Some((earlier, at)) if earlier < position => {
                let name = self.fresh_name(&at);
                self.added
                    .entry(earlier)
                    .or_default()
                    .insert(name.clone(), at);
                self.known
                    .push((Value::String(text.to_owned()), name.clone()));
                Value::String(format!("{{{{{name}}}}}"))
            }
            Some(_) => json!({"$id": true}),
            None => {
                if capturable {
                    self.seen
                        .insert(text.to_owned(), (position, path.to_owned()));
                }
                json!({"$id": true})
            }
        }
    }

    /// The variable whose value this is, if any (the latest of equal ones).
    fn variable_for(&self, value: &Value) -> Option<String> {
        self.known
            .iter()
            .rev()
            .find(|(known, _)| known == value)
            .map(|(_, name)| name.clone())
    }

    /// A name for a capture at `path`: its last key (`id`, `user_id`) and a number, unused.
    fn fresh_name(&mut self, path: &str) -> String {
        let last = path
            .rsplit('.')
            .next()
            .map(|k| k.split('[').next().unwrap_or(k))
            .filter(|k| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or("id");
        let name = (1..)
            .map(|n| format!("recorded_{last}_{n}"))
            .find(|name| !self.taken.contains(name))
            .unwrap_or_default();
        self.taken.insert(name.clone());
        name
    }

    /// The run id as `{{run_id}}`, the org id as `{{org_id}}`.
    fn with_run_variables(&self, text: &str) -> String {
        let mut text = if self.run_id.is_empty() {
            text.to_owned()
        } else {
            text.replace(&self.run_id, "{{run_id}}")
        };
        if let Some(org_id) = self.org_id.as_deref().filter(|o| !o.is_empty()) {
            text = replace_word(&text, org_id, "{{org_id}}");
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_varies_becomes_a_matcher_or_a_variable() {
        let mut recorder = Recorder::new(
            "r1a2b",
            Some("zylker-3"),
            "http://127.0.0.1:9",
            BTreeSet::new(),
        );
        recorder.captured("portal", &json!("ZylkerAutos"));
        let body = json!({"id":"1306462000001856005","created_time":"2023-02-07T20:13:20+05:30",
            "name":"Type r1a2b","portal":"ZylkerAutos","access_token":"[REDACTED]",
            "api_domain":"http://127.0.0.1:9","url":"http://127.0.0.1:9/crm/v8/x?a=b",
            "note":"in zylker-3","details":{"retry_after":59},"count":3,"ok":true,"zaid":"org7","org_id":"zylker-4",
            "odd":"{{not_a_variable}}","weird":{"$regex":"x"},"client_secret":"mocksecret"});
        assert_eq!(
            recorder.expect_body(0, &body),
            json!({"id":{"$id":true},"created_time":{"$datetime":true},"name":"Type {{run_id}}",
                "portal":"{{portal}}","access_token":{"$type":"string"},
                "api_domain":{"$regex":"^https?://[^/]+$"},
                "url":{"$regex":"^https?://[^/]+/crm/v8/x\\?a=b$"},"note":"in {{org_id}}",
                "details":{"retry_after":{"$type":"number"}},"count":3,"ok":true,"zaid":{"$type":"string"},
                "org_id":{"$type":"string"},
                "odd":{"$regex":"^\\{\\{not_a_variable\\}\\}$"},"weird":{"$type":"object"},
                "client_secret":{"$type":"string"}})
        );
    }

    #[test]
    fn a_text_answer_is_expected_byte_for_byte_unless_it_holds_a_secret() {
        let recorder = Recorder::new("r1", None, "", BTreeSet::new());
        assert_eq!(
            recorder.expect_text("made r1").as_deref(),
            Some("made {{run_id}}")
        );
        let token = "1000.0123456789abcdef0123.fedcba9876543210fe";
        assert_eq!(recorder.expect_text(&format!("token={token}")), None);
    }

    #[test]
    fn an_id_an_earlier_step_answered_is_captured_there_and_used_here() {
        let mut recorder =
            Recorder::new("r1", None, "", BTreeSet::from(["recorded_id_1".to_owned()]));
        let created =
            json!({"user_type":[{"code":"SUCCESS","details":{"id":"1306462000001856005"}}]});
        assert_eq!(
            recorder.expect_body(0, &created)["user_type"][0]["details"]["id"],
            json!({"$id": true})
        );
        let read =
            json!({"user_type":[{"id":"1306462000001856005","other":"1306462000001856006"}]});
        assert_eq!(
            recorder.expect_body(1, &read),
            json!({"user_type":[{"id":"{{recorded_id_2}}","other":{"$id":true}}]})
        );
        assert_eq!(
            recorder.added_captures(),
            &BTreeMap::from([(
                0,
                BTreeMap::from([(
                    "recorded_id_2".to_owned(),
                    "$.user_type[0].details.id".to_owned()
                )])
            )])
        );
        // Known from now on, also in later steps.
        assert_eq!(
            recorder.expect_body(2, &json!("1306462000001856005")),
            json!("{{recorded_id_2}}")
        );
    }
}
