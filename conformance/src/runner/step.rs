//! One step, as hurl runs an entry: build the request, send it, check the answer against the
//! expectations, capture values for later steps.

use std::collections::BTreeMap;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;

use super::{Options, StepResult};
use crate::matching::{Divergence, compare, render};
use crate::scenario::{Expect, Mode, Request, RequestBody, Section, Step, Token};
use crate::target::{Session, Target};
use crate::vars::Vars;

/// What every step of one scenario run shares: where requests go and how they are checked
/// (read), the variables and the (expected, actual) body diffs (written).
pub struct StepRunner<'a> {
    /// The target.
    pub target: &'a Target,
    /// The scenario's session on it (base URL, token, org).
    pub session: &'a Session,
    /// The run's options.
    pub options: &'a Options,
    /// The scenario's variables: steps read them and captures add to them.
    pub vars: &'a mut Vars,
    /// Pretty (expected, actual) JSON of every body that diverged.
    pub diffs: &'a mut Vec<(String, String)>,
}

/// An answer, read once.
struct Answer {
    status: u16,
    /// Header names in lower case.
    headers: BTreeMap<String, String>,
    text: String,
    /// The body, when it is JSON.
    json: Option<Value>,
}

impl StepRunner<'_> {
    /// Runs one step: build, send, check (unless the run only records), capture; with `retry`,
    /// again (after its interval) while it diverges or fails, up to its count. A step that
    /// needs a variable nothing set (its capture failed) is not sent: a cleanup step is
    /// skipped with the reason, any other fails with it.
    pub fn run(&mut self, step: &Step, section: Section, index: usize) -> StepResult {
        let missing: Vec<&String> = step
            .variables
            .iter()
            .filter(|name| !self.vars.has(name))
            .collect();
        if !missing.is_empty() {
            let mut result = StepResult::new(section, index, &step.name);
            result.request = format!("{} {}", step.request.method, step.request.path);
            let names: Vec<String> = missing.iter().map(|n| format!("{{{{{n}}}}}")).collect();
            let reason = format!(
                "not sent: it needs {}, which no earlier step set (a capture failed, or the \
                 environment variable is not set)",
                names.join(", ")
            );
            if section == Section::Cleanup {
                result.skipped = Some(reason);
            } else {
                result.error = Some(reason);
            }
            return result;
        }
        let diffs_before = self.diffs.len();
        let mut result = self.attempt(step, section, index);
        result.attempts = 1;
        if let Some(retry) = step.retry {
            while result.failed() && result.attempts <= retry.count {
                std::thread::sleep(retry.interval);
                self.diffs.truncate(diffs_before);
                let attempts = result.attempts;
                result = self.attempt(step, section, index);
                result.attempts = attempts + 1;
            }
        }
        result
    }

    /// Sends the step once and checks and captures its answer.
    fn attempt(&mut self, step: &Step, section: Section, index: usize) -> StepResult {
        let mut result = StepResult::new(section, index, &step.name);
        let (url, shown) = self.address(&step.request);
        result.request = shown;
        let (builder, body) = match self.build(&step.request, &url) {
            Ok(built) => built,
            Err(error) => {
                result.error = Some(error);
                return result;
            }
        };
        if !body.is_empty() {
            result.request_body = Some(body.clone());
        }
        let answer = match self.send(builder, body) {
            Ok(answer) => answer,
            Err(error) => {
                result.error = Some(format!("request failed: {error}"));
                return result;
            }
        };
        result.status = answer.status;
        result.body = answer.json.clone();
        if answer.json.is_none() && !answer.text.is_empty() {
            result.body_text = Some(answer.text.clone());
        }
        if self.options.check {
            self.check(&step.expect, &answer, &mut result);
        }
        self.capture(step, answer.json.as_ref(), &mut result);
        result
    }

    /// The URL and how the request is shown (`METHOD path?query`), variables filled in.
    fn address(&mut self, request: &Request) -> (String, String) {
        self.vars.note_env_secrets(&request.path);
        for value in request.query.values().chain(request.headers.values()) {
            self.vars.note_env_secrets(value);
        }
        let path = self.vars.interpolate(&request.path);
        let query = request
            .query
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(&self.vars.interpolate(v))))
            .collect::<Vec<_>>()
            .join("&");
        let path_and_query = if query.is_empty() {
            path
        } else {
            format!("{path}?{query}")
        };
        (
            format!("{}{path_and_query}", self.session.base),
            format!("{} {path_and_query}", request.method),
        )
    }

    /// The request with its token and headers, and its body; fails when no token can be had.
    fn build(
        &mut self,
        request: &Request,
        url: &str,
    ) -> Result<(ureq::http::request::Builder, String), String> {
        let mut builder = ureq::http::Request::builder()
            .method(request.method.clone())
            .uri(url);
        if let Some(token) = self.token(&request.token)? {
            self.vars.add_secret(&token);
            builder = builder.header("Authorization", format!("Zoho-oauthtoken {token}"));
        }
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), self.vars.interpolate(value));
        }
        let body = match &request.body {
            RequestBody::Json(body) => render(&self.vars.interpolate_value(body)),
            RequestBody::Text { text, repeat } => self.vars.interpolate(text).repeat(*repeat),
            RequestBody::None => String::new(),
        };
        Ok((builder, body))
    }

    /// The token to send, if any: the step's, the session's, or the target's.
    fn token(&mut self, token: &Token) -> Result<Option<String>, String> {
        Ok(match token {
            Token::None => None,
            Token::Given(given) => Some(self.vars.interpolate(given)),
            Token::Target => match &self.session.token {
                Some(token) => Some(token.clone()),
                None => self.target.token()?,
            },
        })
    }

    /// Sends the request and reads the whole answer.
    fn send(&self, builder: ureq::http::request::Builder, body: String) -> Result<Answer, String> {
        let mut response = builder
            .body(body)
            .map_err(|e| e.to_string())
            .and_then(|req| self.target.agent().run(req).map_err(|e| e.to_string()))?;
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        let text = response.body_mut().read_to_string().unwrap_or_default();
        let json = if text.is_empty() {
            None
        } else {
            serde_json::from_str(&text).ok()
        };
        Ok(Answer {
            status: response.status().as_u16(),
            headers,
            text,
            json,
        })
    }

    /// Checks status, headers, the empty body and the body; records every divergence.
    fn check(&mut self, expect: &Expect, answer: &Answer, result: &mut StepResult) {
        let vars: &Vars = self.vars;
        let divergences = &mut result.divergences;
        if let Some(status) = expect.status
            && status != answer.status
        {
            divergences.push(Divergence {
                path: "status".into(),
                expected: status.to_string(),
                actual: answer.status.to_string(),
            });
        }
        for (name, expected) in &expect.headers {
            let name = name.to_ascii_lowercase();
            let actual = answer.headers.get(&name).map(|v| Value::String(v.clone()));
            let at = format!("headers.{name}");
            compare(
                expected,
                actual.as_ref(),
                vars,
                Mode::Strict,
                &at,
                divergences,
            );
        }
        if expect.empty_body && !answer.text.is_empty() {
            divergences.push(Divergence {
                path: "body".into(),
                expected: "(no body)".into(),
                actual: answer.text.chars().take(500).collect(),
            });
        }
        if let Some(bytes) = &expect.body_bytes {
            let wanted = vars.interpolate(bytes);
            if wanted != answer.text {
                let at = wanted
                    .bytes()
                    .zip(answer.text.bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                divergences.push(Divergence {
                    path: format!("body_bytes (first difference at byte {at})"),
                    expected: wanted,
                    actual: if answer.text.is_empty() {
                        "(no body)".into()
                    } else {
                        answer.text.clone()
                    },
                });
            }
        }
        let Some(expected) = &expect.body else {
            return;
        };
        let before = divergences.len();
        match &answer.json {
            Some(actual) => {
                let mode = expect.mode.unwrap_or(self.options.mode);
                compare(expected, Some(actual), vars, mode, "$", divergences);
            }
            None => divergences.push(Divergence {
                path: "$".into(),
                expected: render(&expected.to_value(Some(vars))),
                actual: if answer.text.is_empty() {
                    "(no body)".into()
                } else {
                    let start: String = answer.text.chars().take(500).collect();
                    format!("(not JSON) {start}")
                },
            }),
        }
        if divergences.is_empty() {
            return;
        }
        let expected = expected.to_value(Some(vars));
        if divergences.len() > before
            && let Some(actual) = &answer.json
        {
            let pretty = |value: &Value| serde_json::to_string_pretty(value).unwrap_or_default();
            self.diffs.push((pretty(&expected), pretty(actual)));
        }
        result.expected_body = Some(expected);
    }

    /// Remembers each captured value; a missing one is the step's error.
    fn capture(&mut self, step: &Step, body: Option<&Value>, result: &mut StepResult) {
        for (name, json_path) in &step.capture {
            match body.and_then(|body| json_path.extract(body)) {
                Some(value) => self.vars.set(name, value.clone()),
                None => result.error = Some(format!("capture {name}: nothing at {json_path}")),
            }
        }
    }
}

/// What a query component keeps as is: the unreserved characters (space becomes `%20`).
const QUERY_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes a query component.
fn encode(text: &str) -> String {
    utf8_percent_encode(text, QUERY_COMPONENT).to_string()
}
