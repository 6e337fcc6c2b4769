//! The small JSON path `body_json` keys use: `$`, then `.key`, `["key"]` or `[index]` steps
//! (`$.portals[0].name`, `$["user_type"].id`). No wildcards or filters: one path names at most
//! one value, so "equals" and "matches" mean one thing.

use serde_json::Value;

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// `.key` or `["key"]`
    Key(String),
    /// `[n]`
    Index(usize),
}

/// Parses a path; the error says what is wrong.
pub fn parse(path: &str) -> Result<Vec<Step>, String> {
    let bad = |why: &str| format!("body_json path {path:?}: {why}");
    let mut rest = path.strip_prefix('$').ok_or_else(|| bad("starts with $"))?;
    let mut steps = Vec::new();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            if end == 0 {
                return Err(bad("a '.' is followed by a key"));
            }
            steps.push(Step::Key(after[..end].to_owned()));
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix("[\"") {
            let end = after
                .find("\"]")
                .ok_or_else(|| bad("[\"key\"] is closed"))?;
            steps.push(Step::Key(after[..end].to_owned()));
            rest = &after[end + 2..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']').ok_or_else(|| bad("[index] is closed"))?;
            let index = after[..end]
                .trim()
                .parse()
                .map_err(|_| bad("an index is a whole number from 0"))?;
            steps.push(Step::Index(index));
            rest = &after[end + 1..];
        } else {
            return Err(bad("expected .key, [\"key\"] or [index]"));
        }
    }
    Ok(steps)
}

/// The value a path names in `value`, if there is one.
pub fn select<'v>(value: &'v Value, steps: &[Step]) -> Option<&'v Value> {
    steps.iter().try_fold(value, |value, step| match step {
        Step::Key(key) => value.get(key),
        Step::Index(index) => value.get(index),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_name_keys_and_indexes() {
        let body = json!({"portals": [{"name": "ZylkerAutos", "a.b": 1}]});
        let name = parse("$.portals[0].name").unwrap();
        assert_eq!(select(&body, &name), Some(&json!("ZylkerAutos")));
        let quoted = parse("$.portals[0][\"a.b\"]").unwrap();
        assert_eq!(select(&body, &quoted), Some(&json!(1)));
        assert_eq!(select(&body, &parse("$").unwrap()), Some(&body));
        assert_eq!(select(&body, &parse("$.portals[1]").unwrap()), None);
        for bad in ["portals", "$.", "$[x]", "$[0", "$..a", "$a"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
