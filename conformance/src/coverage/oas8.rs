//! Zoho's documented v8 examples (`fixtures/oas8/examples.jsonl`) in the coverage map: the set,
//! the `oas8:<id>` citations of scenarios and of `fixtures/FIDELITY.md`, and the section of
//! `fixtures/COVERAGE.md` that counts, per operation, the examples reproduced, explained, or not
//! yet accounted for.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::Value;

use crate::scenario::LoadedScenario;

/// Zoho's documented v8 examples (`fixtures/oas8/examples.jsonl`), embedded at build time for
/// a binary run without the checkout.
pub const OAS8_EXAMPLES: &str = include_str!("../../fixtures/oas8/examples.jsonl");

/// The fidelity ledger (`fixtures/FIDELITY.md`), embedded at build time for the same reason.
pub const FIDELITY_LEDGER: &str = include_str!("../../fixtures/FIDELITY.md");

/// The prefix that cites one of Zoho's v8 examples: `oas8:<id>`.
pub const OAS8_CITATION: &str = "oas8:";

/// One of Zoho's documented v8 examples.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// `<operation>:<status or request>:<name>`, unique in the set.
    pub id: String,
    /// Zoho's operation id (`getPortals`, `createPortalUserType`, …).
    pub operation: String,
}

/// The examples of `examples.jsonl` (one JSON object a line), in the file's order.
pub fn oas8_examples(jsonl: &str) -> Result<Vec<Example>, String> {
    let mut examples = Vec::new();
    let mut seen = BTreeSet::new();
    for (index, line) in jsonl.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value: Value =
            serde_json::from_str(line).map_err(|e| format!("line {}: {e}", index + 1))?;
        let field = |name: &str| {
            value
                .get(name)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| format!("line {}: no string `{name}`", index + 1))
        };
        let example = Example {
            id: field("id")?,
            operation: field("operation")?,
        };
        if !seen.insert(example.id.clone()) {
            return Err(format!("line {}: `{}` again", index + 1, example.id));
        }
        examples.push(example);
    }
    Ok(examples)
}

/// The example ids `text` cites as `oas8:<id>`, in order, each once. An id runs over letters,
/// digits and `_:.-`; a trailing `.`, `:` or `-` is punctuation, not part of it.
pub fn oas8_cited_in(text: &str) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for (start, _) in text.match_indices(OAS8_CITATION) {
        let preceded = text[..start]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric());
        if preceded {
            continue;
        }
        let rest = &text[start + OAS8_CITATION.len()..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || "_:.-".contains(c)))
            .unwrap_or(rest.len());
        let id = rest[..end].trim_end_matches(['.', ':', '-']);
        if !id.is_empty() && !ids.iter().any(|known| known == id) {
            ids.push(id.to_owned());
        }
    }
    ids
}

/// Who cites which example: scenarios (by name) in their `source`, ledger rows (by their
/// `behaviour` cell) anywhere in the row.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Oas8Citations {
    /// Example id -> the scenarios whose `source` cites it.
    pub scenarios: BTreeMap<String, Vec<String>>,
    /// Example id -> the `FIDELITY.md` rows (their first cell) that cite it.
    pub ledger: BTreeMap<String, Vec<String>>,
}

impl Oas8Citations {
    /// The citations of `scenarios` and of the rows of the fidelity ledger `ledger`.
    pub fn collect(scenarios: &[LoadedScenario], ledger: &str) -> Self {
        let mut citations = Self::default();
        for loaded in scenarios {
            for id in oas8_cited_in(&loaded.scenario.source) {
                citations
                    .scenarios
                    .entry(id)
                    .or_default()
                    .push(loaded.name.clone());
            }
        }
        for line in ledger.lines().filter(|l| l.starts_with("| ")) {
            let behaviour = line.trim_matches('|').split(" | ").next().unwrap_or("");
            for id in oas8_cited_in(line) {
                citations
                    .ledger
                    .entry(id)
                    .or_default()
                    .push(behaviour.trim().to_owned());
            }
        }
        citations
    }

    /// The cited ids that are not in `examples`, each with who cites it.
    pub fn unknown(&self, examples: &[Example]) -> Vec<(String, String)> {
        let known: BTreeSet<&str> = examples.iter().map(|e| e.id.as_str()).collect();
        let scenarios = self
            .scenarios
            .iter()
            .map(|(id, names)| (id, format!("scenario {}", names.join(", "))));
        let rows = self
            .ledger
            .iter()
            .map(|(id, rows)| (id, format!("FIDELITY.md row \"{}\"", rows.join("\", \""))));
        scenarios
            .chain(rows)
            .filter(|(id, _)| !known.contains(id.as_str()))
            .map(|(id, who)| (id.clone(), who))
            .collect()
    }

    /// Whether a scenario reproduces `id`.
    pub fn reproduced(&self, id: &str) -> bool {
        self.scenarios.contains_key(id)
    }

    /// Whether a ledger row, and no scenario, accounts for `id`.
    pub fn explained(&self, id: &str) -> bool {
        !self.reproduced(id) && self.ledger.contains_key(id)
    }

    /// The examples of `examples` neither reproduced nor explained, in the set's order.
    pub fn unaccounted<'a>(&self, examples: &'a [Example]) -> Vec<&'a Example> {
        examples
            .iter()
            .filter(|e| !self.reproduced(&e.id) && !self.explained(&e.id))
            .collect()
    }
}

/// The section of the map on Zoho's v8 examples: totals, per operation, the examples not yet
/// accounted for, and each example with what cites it.
pub fn oas8_markdown(examples: &[Example], citations: &Oas8Citations) -> String {
    let mut operations: Vec<(&str, [usize; 3])> = Vec::new();
    let mut totals = [0usize; 3];
    for example in examples {
        let column = if citations.reproduced(&example.id) {
            0
        } else if citations.explained(&example.id) {
            1
        } else {
            2
        };
        totals[column] += 1;
        let index = match operations
            .iter()
            .position(|(op, _)| *op == example.operation)
        {
            Some(index) => index,
            None => {
                operations.push((&example.operation, [0; 3]));
                operations.len() - 1
            }
        };
        operations[index].1[column] += 1;
    }
    let mut text = String::from(
        "\n## Zoho's documented v8 examples\n\nThe examples of `fixtures/oas8/examples.jsonl`: \
         reproduced by a scenario whose `source` cites `oas8:<id>`, explained by a row of \
         `fixtures/FIDELITY.md` that cites it, or neither (not yet accounted for).\n\n",
    );
    let _ = writeln!(
        text,
        "{} examples: {} reproduced, {} explained, {} not yet accounted for.\n",
        examples.len(),
        totals[0],
        totals[1],
        totals[2]
    );
    text.push_str(
        "| operation | examples | reproduced | explained | not yet accounted for |\n\
         |---|---|---|---|---|\n",
    );
    for (operation, [reproduced, explained, neither]) in &operations {
        let _ = writeln!(
            text,
            "| {operation} | {} | {reproduced} | {explained} | {neither} |",
            reproduced + explained + neither
        );
    }
    let _ = writeln!(
        text,
        "| **total** | {} | {} | {} | {} |",
        examples.len(),
        totals[0],
        totals[1],
        totals[2]
    );
    let unaccounted = citations.unaccounted(examples);
    if !unaccounted.is_empty() {
        text.push_str("\n### Not yet accounted for\n\n");
        for example in unaccounted {
            let _ = writeln!(text, "- `{}`", example.id);
        }
    }
    text.push_str(
        "\n### Each example\n\n| example | reproduced by | explained by |\n|---|---|---|\n",
    );
    for example in examples {
        let names = |cited: Option<&Vec<String>>, quote: bool| {
            cited.map_or_else(
                || "-".to_owned(),
                |names| {
                    names
                        .iter()
                        .map(|n| if quote { format!("`{n}`") } else { n.clone() })
                        .collect::<Vec<_>>()
                        .join(", ")
                },
            )
        };
        let _ = writeln!(
            text,
            "| `{}` | {} | {} |",
            example.id,
            names(citations.scenarios.get(&example.id), true),
            names(citations.ledger.get(&example.id), false)
        );
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_examples_are_zohos_252_with_unique_ids() {
        let examples = oas8_examples(OAS8_EXAMPLES).unwrap();
        assert_eq!(examples.len(), 252);
        let operations: BTreeSet<&str> = examples.iter().map(|e| e.operation.as_str()).collect();
        assert_eq!(operations.len(), 17);
    }

    #[test]
    fn citations_are_found_in_prose_and_lists() {
        assert_eq!(
            oas8_cited_in(
                "[OAS8-new] oas8:getPortals:403:example1, oas8:createPortal:request:request."
            ),
            vec!["getPortals:403:example1", "createPortal:request:request"]
        );
        assert_eq!(
            oas8_cited_in("`oas8:a:400:b` and (oas8:a:400:b); noas8:x"),
            vec!["a:400:b"]
        );
        assert!(oas8_cited_in("[OAS8] only").is_empty());
    }
}
