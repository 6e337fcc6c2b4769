//! On the embedded mock an org outlives its scenario when it can be handed to the next one as a
//! new copy of its fixture would be: a scenario that changed it (a user type created) is
//! followed, on the same org, by one that needs the fixture as it is (the exact list of user
//! types); the org of a scenario that failed is not handed on.

use std::path::Path;

use portals_conformance::runner::{self, Options, ScenarioResult};
use portals_conformance::scenario::{self, LoadedScenario, Mode};
use portals_conformance::target::Target;

const CREATES: &str = "user_types/create_on_v5_to_v7_answers_the_v4_success_body.json";
const LISTS: &str = "user_types/get_user_types_reproduces_the_kaizen_72_sample.json";
const FAILS: &str = "tests/bad_scenarios/wrong/wrong_portal_name_and_status.json";

fn options() -> Options {
    Options {
        mode: Mode::Strict,
        allow_writes: false,
        allow_irreversible: false,
        check: true,
        keep_orgs: false,
        vars: Vec::new(),
    }
}

/// `path` (under the repository's scenarios, or this crate's `tests/`) loaded.
fn load(path: &str) -> LoadedScenario {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let source = if path.starts_with("tests/") {
        crate_dir.join(path)
    } else {
        crate_dir.join("../fixtures/scenarios").join(path)
    };
    let mut loaded = scenario::load_path(&source).unwrap();
    assert_eq!(loaded.len(), 1, "{path}");
    loaded.remove(0)
}

fn run(target: &Target, path: &str) -> ScenarioResult {
    runner::run(target, &load(path), &options()).0
}

/// The org and token a scenario on `path` would be handed, given back at once.
fn handed(target: &Target, path: &str) -> (Option<String>, Option<String>) {
    let session = target.session(&load(path).scenario).unwrap();
    target.end_session(&session, true).unwrap();
    (session.org_id, session.token)
}

#[test]
fn a_changed_org_is_put_back_and_handed_to_the_next_scenario() {
    let target = Target::embedded().unwrap();
    let first = handed(&target, LISTS);
    assert!(exists(&target, first.0.as_deref().unwrap()));
    let created = run(&target, CREATES);
    assert_eq!(created.outcome, "passed", "{created:?}");
    assert_eq!(created.org_id, first.0);
    // The same org and token: put back, not deleted and made anew.
    assert_eq!(handed(&target, LISTS), first);
    let listed = run(&target, LISTS);
    assert_eq!(listed.outcome, "passed", "{listed:?}");
    assert_eq!(listed.org_id, first.0);
    assert_eq!(
        handed(&target, LISTS),
        first,
        "unchanged: handed on as it is"
    );

    let failed = run(&target, FAILS);
    assert_eq!(failed.outcome, "failed");
    assert_eq!(failed.org_id, first.0, "the spare");
    let org_id = failed.org_id.unwrap();
    assert!(
        !exists(&target, &org_id),
        "a failed scenario's org is deleted"
    );
    let after = handed(&target, LISTS);
    assert_ne!(after.1, first.1, "a new org, a new token");
}

/// Whether the target's control plane knows org `org_id` (its summary is 200, else 404).
fn exists(target: &Target, org_id: &str) -> bool {
    let url = format!("{}/__mock/orgs/{org_id}/summary", target.base);
    let answer = target.agent().get(&url).call().unwrap();
    answer.status() == 200
}
