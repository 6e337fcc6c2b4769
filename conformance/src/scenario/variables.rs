//! The `{{variables}}` of a scenario: the names each step uses, found at load time, so that a
//! name nothing defines (not built in, not captured by an earlier step, not given with `--var`)
//! is an error naming the file and the line instead of a request sent with literal braces.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{LoadedScenario, RequestBody, Step, Token};
use crate::vars::BUILT_IN;

/// Every `{{name}}` in `text`, trimmed, in order (`env.NAME` included).
pub fn names_in(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        names.push(after[..end].trim().to_owned());
        rest = &after[end + 2..];
    }
    names
}

/// The names a step's request and expectations use (kept in [`Step::variables`] when it is
/// parsed).
pub(super) fn used_by(step: &Step) -> Vec<String> {
    let request = &step.request;
    let mut texts: Vec<String> = vec![request.path.clone()];
    texts.extend(
        request
            .query
            .iter()
            .flat_map(|(k, v)| [k.clone(), v.clone()]),
    );
    texts.extend(request.headers.values().cloned());
    match &request.body {
        RequestBody::Json(body) => strings_of(body, &mut texts),
        RequestBody::Text { text, .. } => texts.push(text.clone()),
        RequestBody::None => {}
    }
    if let Token::Given(token) = &request.token {
        texts.push(token.clone());
    }
    let expect = &step.expect;
    texts.extend(expect.body_bytes.clone());
    for expected in expect.headers.values().chain(&expect.body) {
        strings_of(&expected.to_value(None), &mut texts);
    }
    texts.iter().flat_map(|text| names_in(text)).collect()
}

fn strings_of(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(text) => out.push(text.clone()),
        Value::Array(items) => items.iter().for_each(|item| strings_of(item, out)),
        Value::Object(members) => {
            for (key, member) in members {
                out.push(key.clone());
                strings_of(member, out);
            }
        }
        _ => {}
    }
}

/// The names the steps use before any step captures them, and that are not built in, each with
/// the line of `text` that first mentions it. Steps run setup, steps, then cleanup; a cleanup
/// step may use what any step before it captures.
pub(super) fn free_variables<'a>(
    steps: impl Iterator<Item = &'a Step>,
    text: &str,
) -> Vec<(String, usize)> {
    let mut captured: BTreeSet<String> = BTreeSet::new();
    let mut free: Vec<(String, usize)> = Vec::new();
    for step in steps {
        for name in step.variables.iter().cloned() {
            let defined = name.starts_with("env.")
                || BUILT_IN.contains(&name.as_str())
                || captured.contains(&name);
            if !defined && !free.iter().any(|(known, _)| *known == name) {
                let needle = format!("{{{{{name}");
                let line = text
                    .lines()
                    .position(|line| line.replace("{{ ", "{{").contains(&needle))
                    .map_or(1, |index| index + 1);
                free.push((name, line));
            }
        }
        captured.extend(step.capture.keys().cloned());
    }
    free
}

/// Fails, naming every file, variable and line, when a scenario uses a variable that nothing
/// defines: not built in, not captured by an earlier step, and not in `given` (`--var`).
pub fn check_variables(scenarios: &[LoadedScenario], given: &[String]) -> Result<(), String> {
    let problems: Vec<String> = scenarios
        .iter()
        .flat_map(|loaded| {
            loaded
                .scenario
                .free_variables
                .iter()
                .filter(|(name, _)| !given.contains(name))
                .map(|(name, line)| {
                    format!(
                        "{}: {{{{{name}}}}} is neither built in nor captured by an earlier step \
                         (line {line}); capture it first, or give it with --var {name}=VALUE",
                        loaded.path.display()
                    )
                })
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;
    use std::path::Path;

    fn free(text: &str) -> Vec<(String, usize)> {
        parse(Path::new("x.json"), text).unwrap().free_variables
    }

    #[test]
    fn names_are_found_trimmed_in_order() {
        assert_eq!(names_in("/a/{{ id }}/b/{{env.X}}{{"), ["id", "env.X"]);
    }

    #[test]
    fn a_variable_used_before_its_capture_is_free_with_its_line() {
        let text = r#"{"description":"d","source":"s","steps":[
{"request":{"method":"GET","path":"/{{later}}/{{run_id}}/{{env.HOME}}"}},
{"request":{"method":"GET","path":"/"},"capture":{"later":"$.a"}},
{"request":{"method":"POST","path":"/","body":{"k":"{{later}}","t":"{{typo}}"}}}]}"#;
        assert_eq!(
            free(text),
            [("later".to_owned(), 2), ("typo".to_owned(), 4)]
        );
    }

    #[test]
    fn cleanup_may_use_any_earlier_capture_and_expectations_count() {
        let text = r#"{"description":"d","source":"s",
"steps":[{"request":{"method":"GET","path":"/"},"capture":{"id":"$.id"},
          "expect":{"body":{"a":"{{id}}"}}}],
"cleanup":[{"request":{"method":"DELETE","path":"/{{id}}"}}]}"#;
        // The expectation of the capturing step is checked before it captures.
        assert_eq!(free(text), [("id".to_owned(), 3)]);
    }

    #[test]
    fn the_check_names_the_file_and_accepts_given_variables() {
        let text = r#"{"description":"d","source":"s","steps":[
{"request":{"method":"GET","path":"/{{email}}"}}]}"#;
        let loaded = LoadedScenario {
            name: "a::x".into(),
            area: "a".into(),
            path: "a/x.json".into(),
            scenario: parse(Path::new("a/x.json"), text).unwrap(),
        };
        let error = check_variables(std::slice::from_ref(&loaded), &[]).unwrap_err();
        assert!(error.contains("a/x.json: {{email}}"), "{error}");
        assert!(error.contains("line 2"), "{error}");
        check_variables(&[loaded], &["email".to_owned()]).unwrap();
    }
}
