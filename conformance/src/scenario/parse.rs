//! Parsing one scenario file into typed values: the method checked, expectations parsed into
//! [`Expected`] trees (regexes compiled), capture paths parsed. Every error names the file, the
//! key and the line.

use std::path::Path;

use super::{Expect, Method, Request, RequestBody, Retry, Scenario, Section, Step, Token, raw};
use crate::expected::Expected;
use crate::json_path::JsonPath;

/// Parses one file strictly; errors name the file, the key and the line.
pub fn parse(path: &Path, text: &str) -> Result<Scenario, String> {
    let raw: raw::Scenario =
        serde_json::from_str(text).map_err(|error| format!("{}: {error}", path.display()))?;
    let file = File { path, text };
    let steps_of = |section: Section, steps: Vec<raw::Step>| {
        steps
            .into_iter()
            .enumerate()
            .map(|(index, step)| file.step(&format!("{section}[{index}]"), step))
            .collect::<Result<Vec<_>, _>>()
    };
    let setup = steps_of(Section::Setup, raw.setup)?;
    let steps = steps_of(Section::Steps, raw.steps)?;
    let cleanup = steps_of(Section::Cleanup, raw.cleanup)?;
    for requirement in &raw.requires {
        if requirement != "control-plane" && !requirement.starts_with("fixture:") {
            return Err(file.error(
                &format!(
                    "requires: unknown capability {requirement:?} (expected \"control-plane\" or \"fixture:<name>\")"
                ),
                requirement,
            ));
        }
    }
    if steps.is_empty() {
        return Err(format!(
            "{}: steps: a scenario needs at least one step",
            path.display()
        ));
    }
    let free_variables =
        super::variables::free_variables(setup.iter().chain(&steps).chain(&cleanup), text);
    Ok(Scenario {
        free_variables,
        description: raw.description,
        source: raw.source,
        tags: raw.tags,
        requires: raw.requires,
        writes: raw.writes,
        irreversible: raw.irreversible,
        environment: raw.environment,
        setup,
        steps,
        cleanup,
    })
}

/// The file being parsed, for messages.
struct File<'a> {
    path: &'a Path,
    text: &'a str,
}

impl File<'_> {
    /// `<file>: <problem> (line <n>)`, the line being the first that mentions `needle`.
    fn error(&self, problem: &str, needle: &str) -> String {
        format!(
            "{}: {problem} (line {})",
            self.path.display(),
            line_of(self.text, needle)
        )
    }

    fn step(&self, at: &str, step: raw::Step) -> Result<Step, String> {
        let request = self.request(at, step.request)?;
        let expect = self.expect(at, step.expect)?;
        let capture = step
            .capture
            .into_iter()
            .map(|(name, json_path)| match JsonPath::parse(&json_path) {
                Ok(parsed) => Ok((name, parsed)),
                Err(problem) => {
                    Err(self.error(&format!("{at}.capture.{name}: {problem}"), &json_path))
                }
            })
            .collect::<Result<_, _>>()?;
        let retry = match step.retry {
            None => None,
            Some(retry) => {
                let interval = std::time::Duration::from_millis(retry.interval_ms);
                if retry.count == 0 || retry.count > Retry::MAX_COUNT {
                    return Err(self.error(
                        &format!(
                            "{at}.retry.count: {} is not from 1 to {}",
                            retry.count,
                            Retry::MAX_COUNT
                        ),
                        "\"retry\"",
                    ));
                }
                if interval > Retry::MAX_INTERVAL {
                    return Err(self.error(
                        &format!(
                            "{at}.retry.interval_ms: {} is more than {}",
                            retry.interval_ms,
                            Retry::MAX_INTERVAL.as_millis()
                        ),
                        "\"retry\"",
                    ));
                }
                Some(Retry {
                    count: retry.count,
                    interval,
                })
            }
        };
        let mut step = Step {
            name: step.name,
            request,
            expect,
            capture,
            retry,
            variables: Vec::new(),
        };
        step.variables = super::variables::used_by(&step);
        Ok(step)
    }

    fn request(&self, at: &str, request: raw::Request) -> Result<Request, String> {
        let body = match (request.body, request.body_text, request.body_text_repeat) {
            (Some(_), Some(_), _) => {
                return Err(self.error(
                    &format!("{at}.request: give body or body_text, not both"),
                    "body_text",
                ));
            }
            (_, None, Some(_)) => {
                return Err(self.error(
                    &format!("{at}.request: body_text_repeat needs body_text"),
                    "body_text_repeat",
                ));
            }
            (Some(json), None, None) => RequestBody::Json(json),
            (None, Some(text), repeat) => RequestBody::Text {
                text,
                repeat: repeat.unwrap_or(1),
            },
            (None, None, None) => RequestBody::None,
        };
        let method = METHODS
            .iter()
            .find(|known| **known == request.method)
            .and_then(|known| Method::from_bytes(known.as_bytes()).ok())
            .ok_or_else(|| {
                self.error(
                    &format!(
                        "{at}.request.method: {:?} is not one of {}",
                        request.method,
                        METHODS.join(", ")
                    ),
                    &format!("{:?}", request.method),
                )
            })?;
        let token = match request.token {
            None => Token::Target,
            Some(token) if token == "none" => Token::None,
            Some(token) => Token::Given(token),
        };
        Ok(Request {
            method,
            path: request.path,
            query: request.query,
            headers: request.headers,
            body,
            token,
        })
    }

    fn expect(&self, at: &str, expect: raw::Expect) -> Result<Expect, String> {
        let expected = |where_: String, value: &serde_json::Value| {
            Expected::parse(value).map_err(|(key, problem)| {
                self.error(&format!("{where_}: matcher {key:?}: {problem}"), &key)
            })
        };
        if expect.body_bytes.is_some() && (expect.body.is_some() || expect.empty_body) {
            return Err(self.error(
                &format!("{at}.expect: give body_bytes alone, not with body or empty_body"),
                "body_bytes",
            ));
        }
        let body = match &expect.body {
            Some(body) => Some(expected(format!("{at}.expect.body"), body)?),
            None => None,
        };
        let headers = expect
            .headers
            .iter()
            .map(|(name, value)| {
                Ok((
                    name.clone(),
                    expected(format!("{at}.expect.headers.{name}"), value)?,
                ))
            })
            .collect::<Result<_, String>>()?;
        Ok(Expect {
            status: expect.status,
            headers,
            body,
            body_bytes: expect.body_bytes,
            empty_body: expect.empty_body,
            mode: expect.mode,
        })
    }
}

/// The methods a step may send, written in capitals as HTTP has them.
const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// The first line (1-based) that mentions `needle`, for error messages.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|line| line.contains(needle))
        .map_or(1, |index| index + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<Scenario, String> {
        parse(Path::new("x/y.json"), text)
    }

    #[test]
    fn an_unknown_key_names_the_file_the_key_and_the_line() {
        let error =
            parse_text("{\"description\":\"d\",\"source\":\"s\",\n\"stepz\":[]}").unwrap_err();
        assert!(error.contains("x/y.json"), "{error}");
        assert!(error.contains("stepz"), "{error}");
        assert!(error.contains("line 2"), "{error}");
    }

    #[test]
    fn a_bad_matcher_is_refused_at_load_time() {
        let error = parse_text(
            r#"{"description":"d","source":"s","steps":[{"request":{"method":"GET","path":"/"},
               "expect":{"body":{"a":{"$regexx":"x"}}}}]}"#,
        )
        .unwrap_err();
        assert!(error.contains("$regexx"), "{error}");
    }

    #[test]
    fn an_unknown_capability_is_refused() {
        let error = parse_text(
            r#"{"description":"d","source":"s","requires":["telepathy"],
               "steps":[{"request":{"method":"GET","path":"/"}}]}"#,
        )
        .unwrap_err();
        assert!(error.contains("telepathy"), "{error}");
    }

    #[test]
    fn body_text_repeat_needs_body_text() {
        let error = parse_text(
            r#"{"description":"d","source":"s",
               "steps":[{"request":{"method":"POST","path":"/","body_text_repeat":2}}]}"#,
        )
        .unwrap_err();
        assert!(
            error.contains("body_text_repeat needs body_text"),
            "{error}"
        );
    }

    #[test]
    fn body_bytes_is_exclusive_with_body_and_empty_body() {
        for other in [r#""body": {}"#, r#""empty_body": true"#] {
            let error = parse_text(&format!(
                r#"{{"description":"d","source":"s",
                   "steps":[{{"request":{{"method":"GET","path":"/"}},
                   "expect":{{"body_bytes":"{{}}", {other}}}}}]}}"#
            ))
            .unwrap_err();
            assert!(
                error.contains("steps[0].expect: give body_bytes alone"),
                "{error}"
            );
            assert!(error.contains("line 3"), "{error}");
        }
    }

    #[test]
    fn a_lowercase_or_unknown_method_is_refused_with_its_line() {
        for method in ["get", "FETCH"] {
            let error = parse_text(&format!(
                r#"{{"description":"d","source":"s",
               "steps":[{{"request":{{"method":"{method}","path":"/"}}}}]}}"#
            ))
            .unwrap_err();
            assert!(
                error.contains(&format!("{method:?} is not one of GET")),
                "{error}"
            );
            assert!(error.contains("line 2"), "{error}");
        }
    }

    #[test]
    fn retry_is_bounded() {
        let with = |retry: &str| {
            parse_text(&format!(
                r#"{{"description":"d","source":"s",
               "steps":[{{"request":{{"method":"GET","path":"/"}},
               "retry":{retry}}}]}}"#
            ))
        };
        let step = &with(r#"{"count":3,"interval_ms":50}"#).unwrap().steps[0];
        assert_eq!(step.retry.unwrap().count, 3);
        for bad in [
            r#"{"count":0}"#,
            r#"{"count":101}"#,
            r#"{"count":1,"interval_ms":60001}"#,
        ] {
            let error = with(bad).unwrap_err();
            assert!(error.contains("steps[0].retry"), "{error}");
            assert!(error.contains("line 3"), "{error}");
        }
    }

    #[test]
    fn a_bad_method_is_refused_at_load_time() {
        let error = parse_text(
            r#"{"description":"d","source":"s",
               "steps":[{"request":{"method":"GE T","path":"/"}}]}"#,
        )
        .unwrap_err();
        assert!(error.contains("steps[0].request.method"), "{error}");
        assert!(error.contains("line 2"), "{error}");
    }
}
