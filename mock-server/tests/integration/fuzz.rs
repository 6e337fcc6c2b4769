//! A short, repeatable pass of every fuzz target (`portals_mock::fuzz`): the seeds, every saved
//! regression input under `mock-server/fuzz/<target>/`, then mutated inputs. `make fuzz` runs the
//! same targets longer (`FUZZ_ITERATIONS`, `FUZZ_SEED`).

use std::path::PathBuf;

use portals_mock::fuzz::{self, BodyTarget};

fn regressions(target: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(target)
}

const PATHS: &[&str] = &[
    "/crm/v8/settings/portals",
    "/crm/v4/settings/portals/ZylkerAutos/user_type/1306462000001813022/users?type=active&page=2&per_page=5",
    "/crm/v8/settings/portals/ZylkerAutos/user_type/1/users/2/actions/change_status?active=true",
    "/crm/v8/settings/portals/ZylkerAutos/user_type/1/users/action/transfer?transfer_To=2&personality_ids=3,4",
    "/crm/v6/Contacts/1306462000000670001/actions/portal_invite?user_type_id=1&type=invite",
    "/crm/v8/Contacts/actions/portal_invite?job_id=5",
    "/crm/v8/settings/portals/meta?module=Contacts",
    "/crm/v8/settings/portals/Zylker%20Autos/?filters=%5B%7B%22a%22%3A1%7D%5D&name=a+b",
    "/oauth/v2/token/revoke?token=1000.zylker.refresh",
    "/__mock/orgs/zylker/users/1306462000000670001/confirm",
    "/__mock/orgs/blank-1/jobs/run",
    "//crm//v8///settings/portals/%ff%fe?%=%&&=&a=%zz",
];

#[test]
fn the_request_parser_holds_under_mutated_paths_and_queries() {
    let (iterations, seed) = fuzz::settings(4000);
    fuzz::run(
        "request",
        PATHS,
        &regressions("request"),
        iterations,
        seed,
        fuzz::request_target,
    );
}

#[test]
fn the_router_answers_a_route_or_a_documented_error_for_any_method_and_path() {
    let (iterations, seed) = fuzz::settings(4000);
    let seeds = PATHS.iter().enumerate().map(|(i, path)| {
        let mut seed = vec![i as u8];
        seed.extend_from_slice(path.as_bytes());
        seed
    });
    fuzz::run(
        "router",
        seeds,
        &regressions("router"),
        iterations,
        seed,
        fuzz::router_target,
    );
}

#[test]
fn every_body_and_query_validator_answers_a_documented_error_never_a_500() {
    let (iterations, seed) = fuzz::settings(1500);
    let target = BodyTarget::new();
    fuzz::run(
        "body",
        fuzz::body_seeds(),
        &regressions("body"),
        iterations,
        seed,
        |input| target.run(input),
    );
}
