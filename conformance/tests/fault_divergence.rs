//! A fault injected through the mock's control plane is what the conformance runner reports as
//! a divergence: the runner, pointed at a portals-mock by URL, replays a built-in scenario while
//! every `GET …/settings/portals` answers the documented 500.

use std::path::Path;

use portals_conformance::runner::{self, Options};
use portals_conformance::scenario::{self, Mode};
use portals_conformance::target::Target;
use portals_mock::{Config, FixtureSet, Store};

mod common;
use common::Mock;

/// Every scenario may run: the target is a local mock.
const OPTIONS: Options = Options {
    mode: Mode::Strict,
    allow_writes: true,
    allow_irreversible: true,
    check: true,
    keep_orgs: false,
    vars: Vec::new(),
};

#[test]
fn an_injected_fault_is_reported_as_a_divergence_and_removing_it_passes() {
    let mock = Mock::start(Config::default());
    let base = mock.base.clone();
    mock.inject_fault(
        r#"{"method":"GET","url_path_pattern":"/settings/portals$","error":{"code":"INTERNAL_ERROR"}}"#,
    );

    let dir = Path::new(portals_conformance::BUILT_IN_SCENARIOS).join("portals");
    let loaded = scenario::load_dir(&dir).unwrap();
    let sample = loaded
        .iter()
        .find(|s| {
            s.name
                .ends_with("get_portals_reproduces_the_kaizen_72_sample")
        })
        .expect("the Kaizen #72 Get Portals scenario");
    let target = Target::url(&base, None).unwrap();
    let (result, _) = runner::run(&target, sample, &OPTIONS);
    assert_eq!(result.outcome, "failed");
    let status = result
        .steps
        .iter()
        .flat_map(|step| &step.divergences)
        .find(|d| d.path == "status")
        .expect("a status divergence");
    assert_eq!(
        (status.expected.as_str(), status.actual.as_str()),
        ("200", "500")
    );

    mock.clear_faults();
    let (result, _) = runner::run(&target, sample, &OPTIONS);
    assert_eq!(result.outcome, "passed", "{:?}", result.steps);
}

/// A scenario that leaves its org's state broken fails, with what is broken, even when every
/// answer was as expected: here a trigger put into the mock's database file by another writer
/// takes the default flag off the org's user types when its portal is renamed.
#[test]
fn a_scenario_that_leaves_a_broken_state_fails_with_the_check() {
    let dir =
        std::env::temp_dir().join(format!("portals-conformance-check-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("mock.sqlite");
    let store = Store::open(&path, FixtureSet::embedded().unwrap()).unwrap();
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch(
            "CREATE TRIGGER corrupt AFTER UPDATE OF name ON portals BEGIN
                 UPDATE user_types SET is_default = 0 WHERE org_id = NEW.org_id;
             END;",
        )
        .unwrap();
    let mock = Mock::start_on(store, Config::default());
    let dir_of = Path::new(portals_conformance::BUILT_IN_SCENARIOS).join("portals");
    let loaded = scenario::load_dir(&dir_of).unwrap();
    let rename = loaded
        .iter()
        .find(|s| s.name.ends_with("create_then_rename_a_portal"))
        .expect("the rename scenario");
    let target = Target::url(&mock.base, None).unwrap();
    let (result, _) = runner::run(&target, rename, &OPTIONS);
    assert_eq!(result.outcome, "failed");
    let check = result.steps.last().expect("a check step");
    assert!(
        check.divergences.is_empty()
            && check.request.ends_with("/check")
            && check
                .error
                .as_deref()
                .is_some_and(|e| e.contains("one_default_type")),
        "{check:?}"
    );
    // Every step before it passed: the answers were right, the state was not.
    assert!(
        result.steps[..result.steps.len() - 1]
            .iter()
            .all(|s| !s.failed())
    );
    let _ = std::fs::remove_dir_all(&dir);
}
