//! The small JSON path language captures use (`$.user_type[0].details.id`), parsed once at
//! load time.

use std::fmt;

use serde_json::Value;

/// A parsed path, with its text for messages.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonPath {
    text: String,
    segments: Vec<Segment>,
}

/// One step of a JSON path.
#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    /// `.key`
    Key(String),
    /// `[index]`
    Index(usize),
}

impl JsonPath {
    /// Parses `$.a.b[0].c` (also `$` alone).
    pub fn parse(path: &str) -> Result<JsonPath, String> {
        let rest = path
            .strip_prefix('$')
            .ok_or_else(|| format!("JSON path {path:?} must start with $"))?;
        let mut segments = Vec::new();
        let mut chars = rest.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '.' => {
                    let mut key = String::new();
                    while let Some(&next) = chars.peek() {
                        if next == '.' || next == '[' {
                            break;
                        }
                        key.push(next);
                        chars.next();
                    }
                    if key.is_empty() {
                        return Err(format!("JSON path {path:?} has an empty key"));
                    }
                    segments.push(Segment::Key(key));
                }
                '[' => {
                    let mut digits = String::new();
                    for next in chars.by_ref() {
                        if next == ']' {
                            break;
                        }
                        digits.push(next);
                    }
                    let index = digits
                        .parse()
                        .map_err(|_| format!("JSON path {path:?}: [{digits}] is not an index"))?;
                    segments.push(Segment::Index(index));
                }
                other => return Err(format!("JSON path {path:?}: unexpected {other:?}")),
            }
        }
        Ok(JsonPath {
            text: path.to_owned(),
            segments,
        })
    }

    /// The value at this path, if any.
    pub fn extract<'a>(&self, value: &'a Value) -> Option<&'a Value> {
        let mut current = value;
        for segment in &self.segments {
            current = match segment {
                Segment::Key(key) => current.get(key)?,
                Segment::Index(index) => current.get(*index)?,
            };
        }
        Some(current)
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_extract_and_bad_paths_are_refused() {
        let body = json!({"user_type":[{"details":{"id":"7"}}]});
        let extract = |path: &str| JsonPath::parse(path).unwrap().extract(&body).cloned();
        assert_eq!(extract("$.user_type[0].details.id"), Some(json!("7")));
        assert_eq!(extract("$.user_type[1]"), None);
        assert!(JsonPath::parse("user_type").is_err());
        assert!(JsonPath::parse("$.a[x]").is_err());
    }
}
