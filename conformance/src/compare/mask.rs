//! The JSON paths `diff --mask` takes: `$.portals[*].zaid`, where `[*]` is any index and `.*`
//! any key; a path masks everything below it.

use std::fmt;

use serde_json::Value;

/// A parsed `--mask` path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaskPath {
    text: String,
    segments: Vec<Pattern>,
}

/// One step of a mask path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Pattern {
    /// `.key`
    Key(String),
    /// `.*`
    AnyKey,
    /// `[n]`
    Index(usize),
    /// `[*]`
    AnyIndex,
}

/// One step of a concrete path, while walking a value.
#[derive(Debug, Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// What a masked value becomes.
pub const MASKED: &str = "<masked>";

impl MaskPath {
    /// Parses `$`, `.key`, `.*`, `[n]`, `[*]` in any sequence.
    pub fn parse(text: &str) -> Result<MaskPath, String> {
        let mut rest = text
            .strip_prefix('$')
            .ok_or_else(|| format!("{text:?}: a JSON path starts with $"))?;
        let mut segments = Vec::new();
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('.') {
                let end = after.find(['.', '[']).unwrap_or(after.len());
                let key = &after[..end];
                segments.push(match key {
                    "" => return Err(format!("{text:?}: an empty key")),
                    "*" => Pattern::AnyKey,
                    key => Pattern::Key(key.to_owned()),
                });
                rest = &after[end..];
            } else if let Some(after) = rest.strip_prefix('[') {
                let end = after
                    .find(']')
                    .ok_or_else(|| format!("{text:?}: [ without ]"))?;
                segments.push(match &after[..end] {
                    "*" => Pattern::AnyIndex,
                    digits => Pattern::Index(
                        digits
                            .parse()
                            .map_err(|_| format!("{text:?}: [{digits}] is not an index"))?,
                    ),
                });
                rest = &after[end + 1..];
            } else {
                return Err(format!("{text:?}: expected .key or [index] at {rest:?}"));
            }
        }
        Ok(MaskPath {
            text: text.to_owned(),
            segments,
        })
    }

    fn matches(&self, at: &[Step<'_>]) -> bool {
        self.segments.len() == at.len()
            && self
                .segments
                .iter()
                .zip(at)
                .all(|(pattern, step)| match (pattern, step) {
                    (Pattern::AnyKey, Step::Key(_)) | (Pattern::AnyIndex, Step::Index(_)) => true,
                    (Pattern::Key(wanted), Step::Key(key)) => wanted == key,
                    (Pattern::Index(wanted), Step::Index(index)) => wanted == index,
                    _ => false,
                })
    }
}

impl fmt::Display for MaskPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The value with everything at one of the paths replaced by [`MASKED`].
pub fn apply(value: &Value, paths: &[MaskPath]) -> Value {
    if paths.is_empty() {
        return value.clone();
    }
    walk(value, paths, &mut Vec::new())
}

fn walk<'a>(value: &'a Value, paths: &[MaskPath], at: &mut Vec<Step<'a>>) -> Value {
    if paths.iter().any(|path| path.matches(at)) {
        return Value::String(MASKED.into());
    }
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, member)| {
                    at.push(Step::Key(key));
                    let masked = walk(member, paths, at);
                    at.pop();
                    (key.clone(), masked)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(index, item)| {
                    at.push(Step::Index(index));
                    let masked = walk(item, paths, at);
                    at.pop();
                    masked
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

    fn masks(paths: &[&str]) -> Vec<MaskPath> {
        paths.iter().map(|p| MaskPath::parse(p).unwrap()).collect()
    }

    #[test]
    fn wildcards_mask_every_index_and_key_and_a_path_masks_its_subtree() {
        let value = json!({"portals":[{"name":"a","zaid":"1"},{"name":"b","zaid":"2"}],
            "info":{"x":{"n":1},"y":{"n":2}},"keep":true});
        assert_eq!(
            apply(&value, &masks(&["$.portals[*].zaid", "$.info.*.n"])),
            json!({"portals":[{"name":"a","zaid":MASKED},{"name":"b","zaid":MASKED}],
                "info":{"x":{"n":MASKED},"y":{"n":MASKED}},"keep":true})
        );
        assert_eq!(
            apply(&value, &masks(&["$.portals[1]", "$.info"])),
            json!({"portals":[{"name":"a","zaid":"1"},MASKED],"info":MASKED,"keep":true})
        );
        assert_eq!(apply(&value, &masks(&["$"])), json!(MASKED));
    }

    #[test]
    fn a_malformed_path_is_refused() {
        for bad in ["portals", "$.", "$[x]", "$[1", "$x"] {
            assert!(MaskPath::parse(bad).is_err(), "{bad}");
        }
    }
}
