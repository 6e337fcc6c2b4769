//! The suite's completeness, kept honest by `make test`:
//! - every documented outcome has a scenario that expects it;
//! - `fixtures/COVERAGE.md` is the map `make coverage` writes now (regenerate it when this fails);
//! - every row of `fixtures/FIDELITY.md` names scenarios (or, for what no scenario can send,
//!   `test:<module>::<fn>` integration tests of the mock) that exist and pin it;
//! - no two scenarios send the same requests and expect the same answers (none is redundant);
//! - every `oas8:<id>` a scenario's `source` or a ledger row cites is one of Zoho's documented
//!   v8 examples (`fixtures/oas8/examples.jsonl`);
//! - every one of those examples is accounted for: reproduced by a scenario or explained by a
//!   ledger row, and at least [`MIN_REPRODUCED`] of them reproduced.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use portals_conformance::BUILT_IN_SCENARIOS;
use portals_conformance::coverage;
use portals_conformance::scenario::{self, LoadedScenario};

fn scenarios() -> Vec<LoadedScenario> {
    scenario::load_dir(Path::new(BUILT_IN_SCENARIOS)).expect("the built-in scenarios load")
}

fn oas8_examples() -> Vec<coverage::Example> {
    coverage::oas8_examples(&fixtures_file("oas8/examples.jsonl"))
        .unwrap_or_else(|e| panic!("fixtures/oas8/examples.jsonl: {e}"))
}

fn fixtures_file(name: &str) -> String {
    let path = Path::new(BUILT_IN_SCENARIOS).join("..").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_documented_outcome_has_a_scenario() {
    let map = coverage::map(&scenarios());
    let missing = coverage::uncovered(&map);
    assert!(
        missing.is_empty(),
        "documented outcomes no scenario expects: {missing:?}"
    );
}

#[test]
fn the_committed_coverage_map_is_current() {
    let expected = coverage::document(
        &scenarios(),
        &fixtures_file("FIDELITY.md"),
        &oas8_examples(),
    );
    assert!(
        fixtures_file("COVERAGE.md") == expected,
        "fixtures/COVERAGE.md is out of date: run `make coverage` and commit it"
    );
}

/// The fewest of Zoho's 252 documented v8 examples the scenarios must reproduce (issue #16);
/// the rest each need a ledger row saying why the mock answers otherwise.
const MIN_REPRODUCED: usize = 230;

#[test]
fn every_oas8_example_is_reproduced_or_explained_and_most_are_reproduced() {
    let examples = oas8_examples();
    let citations = coverage::Oas8Citations::collect(&scenarios(), &fixtures_file("FIDELITY.md"));
    let unaccounted: Vec<&str> = citations
        .unaccounted(&examples)
        .iter()
        .map(|example| example.id.as_str())
        .collect();
    assert!(
        unaccounted.is_empty(),
        "examples neither reproduced by a scenario nor explained by a ledger row: {unaccounted:?}"
    );
    let reproduced = examples
        .iter()
        .filter(|example| citations.reproduced(&example.id))
        .count();
    assert!(
        reproduced >= MIN_REPRODUCED,
        "{reproduced} of {} examples reproduced; at least {MIN_REPRODUCED} must be",
        examples.len()
    );
}

#[test]
fn every_cited_oas8_example_is_in_the_set() {
    let citations = coverage::Oas8Citations::collect(&scenarios(), &fixtures_file("FIDELITY.md"));
    let unknown = citations.unknown(&oas8_examples());
    assert!(
        unknown.is_empty(),
        "cited as oas8:<id> but not in fixtures/oas8/examples.jsonl: {unknown:?}"
    );
}

#[test]
fn every_fidelity_row_names_existing_scenarios() {
    let names: BTreeSet<String> = scenarios().into_iter().map(|s| s.name).collect();
    let ledger = fixtures_file("FIDELITY.md");
    let mut rows = 0;
    for line in ledger.lines().filter(|l| l.starts_with("| ")) {
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").collect();
        if cells.first().is_some_and(|c| c.trim() == "behaviour") {
            continue;
        }
        rows += 1;
        let pinned = cells.last().copied().unwrap_or("").trim();
        let named: Vec<&str> = pinned
            .split('`')
            .skip(1)
            .step_by(2)
            .filter(|n| n.contains("::"))
            .collect();
        let (tests, named): (Vec<&str>, Vec<&str>) =
            named.into_iter().partition(|n| n.starts_with("test:"));
        for test in &tests {
            let (module, function) = test["test:".len()..]
                .split_once("::")
                .unwrap_or_else(|| panic!("`{test}` is not test:<module>::<fn>: {line}"));
            let source = fixtures_file(&format!("../mock-server/tests/integration/{module}.rs"));
            assert!(
                source.contains(&format!("fn {function}(")),
                "FIDELITY.md names `{test}`, which is not a test of the mock: {line}"
            );
        }
        assert!(
            !named.is_empty() || !tests.is_empty(),
            "FIDELITY.md row names no scenario in its last column: {line}"
        );
        for name in named {
            assert!(
                names.contains(name),
                "FIDELITY.md names `{name}`, which is not a scenario: {line}"
            );
        }
    }
    assert!(rows > 0, "FIDELITY.md has no rows");
}

#[test]
fn no_two_scenarios_are_the_same_exchange() {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for loaded in scenarios() {
        let s = &loaded.scenario;
        let exchanges: Vec<_> = s
            .steps
            .iter()
            .map(|step| (&step.request, &step.expect))
            .collect();
        let key = format!("{:?} {exchanges:?}", s.requires);
        if let Some(other) = seen.insert(key, loaded.name.clone()) {
            panic!("{} and {other} are the same exchange", loaded.name);
        }
    }
}
