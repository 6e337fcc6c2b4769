//! The control plane: isolated orgs from fixtures, and reset.

use crate::common::{ADMIN, new_org, orgs, start, start_configured};
use portals_mock::ControlPlane;

#[test]
fn a_created_org_is_isolated_and_its_token_selects_it() {
    let server = start();
    // Arrange: two orgs from the blank fixture.
    let first = server.control("POST", "/__mock/orgs", r#"{"fixture":"blank"}"#);
    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(first.content_type.as_deref(), Some(crate::common::JSON));
    let first = first.json();
    let second = server
        .control("POST", "/__mock/orgs", r#"{"fixture":"blank"}"#)
        .json();
    assert_ne!(first["org_id"], second["org_id"]);
    let first_token = first["access_token"].as_str().unwrap();
    let second_token = second["access_token"].as_str().unwrap();
    // Act: a portal in the first org.
    let created = server.post(
        "/crm/v8/settings/portals",
        first_token,
        r#"{"portals":[{"name":"FirstOrgPortal"}]}"#,
    );
    assert_eq!(created.status, 200, "{}", created.body);
    // Assert: the second org and the seeded blank org still have none.
    assert_eq!(
        server.get("/crm/v8/settings/portals", second_token).status,
        204
    );
    assert_eq!(
        server
            .get("/crm/v8/settings/portals", "1000.blank.admin")
            .status,
        204
    );
    // Portal names are global: the second org cannot take the name.
    let taken = server.post(
        "/crm/v8/settings/portals",
        second_token,
        r#"{"portals":[{"name":"FirstOrgPortal"}]}"#,
    );
    assert_eq!(taken.json()["portals"][0]["code"], "ALREADY_USED");
    // The list shows them all.
    let orgs = orgs(&server);
    let ids: Vec<&str> = orgs.iter().map(|o| o["org_id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["blank", "blank-1", "blank-2", "crowded", "trial", "zylker"]
    );
}

#[test]
fn a_copy_of_zylker_keeps_the_fixture_portal_name() {
    let server = start();
    let org = new_org(&server, "zylker");
    let token = org["access_token"].as_str().unwrap();
    let portals = server.get("/crm/v8/settings/portals", token).json();
    assert_eq!(portals["portals"][0]["name"], "ZylkerAutos");
}

#[test]
fn reset_restores_the_fixture_and_keeps_the_org_token_working() {
    let server = start();
    let org = server
        .control("POST", "/__mock/orgs", r#"{"fixture":"blank"}"#)
        .json();
    let org_id = org["org_id"].as_str().unwrap();
    let token = org["access_token"].as_str().unwrap();
    server.post(
        "/crm/v8/settings/portals",
        token,
        r#"{"portals":[{"name":"WillBeGone"}]}"#,
    );
    let reset = server.call("POST", &format!("/__mock/orgs/{org_id}/reset"), None, None);
    assert_eq!(reset.status, 200, "{}", reset.body);
    assert_eq!(server.get("/crm/v8/settings/portals", token).status, 204);
    // The seeded zylker org resets too: a rename is undone, its fixture tokens still work.
    server.put(
        "/crm/v8/settings/portals/ZylkerAutos",
        ADMIN,
        r#"{"portals":[{"name":"Renamed1"}]}"#,
    );
    server.call("POST", "/__mock/orgs/zylker/reset", None, None);
    let portals = server.get("/crm/v8/settings/portals", ADMIN).json();
    assert_eq!(portals["portals"][0]["name"], "ZylkerAutos");
}

#[test]
fn control_plane_errors_name_the_problem() {
    let server = start();
    let unknown = server.control("POST", "/__mock/orgs", r#"{"fixture":"nope"}"#);
    assert_eq!(unknown.status, 400);
    assert_eq!(
        unknown.body,
        r#"{"error":{"code":"UNKNOWN_FIXTURE","message":"no fixture named \"nope\"; known: blank, crowded, trial, zylker"}}"#
    );
    let bad = server.control("POST", "/__mock/orgs", "{");
    assert_eq!(bad.status, 400);
    let missing = server.call("POST", "/__mock/orgs/nope/reset", None, None);
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.body,
        r#"{"error":{"code":"UNKNOWN_ORG","message":"no org \"nope\""}}"#
    );
}

#[test]
fn a_disabled_control_plane_is_an_unknown_path() {
    let server = start_configured(|config| config.control_plane = ControlPlane::Off);
    let reply = server.control("POST", "/__mock/orgs", r#"{"fixture":"blank"}"#);
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json()["code"], "INVALID_URL_PATTERN");
}

#[test]
fn every_control_plane_body_refuses_a_key_it_does_not_know_and_names_it() {
    let server = start();
    // Arrange: each endpoint that takes a JSON object, with its keys and one typo.
    let cases = [
        (
            "POST",
            "/__mock/orgs",
            r#"{"fixture":"blank","fixtrue":"x"}"#,
            "fixtrue",
            "fixture, fixture_json, org_id, jobs",
        ),
        (
            "PUT",
            "/__mock/orgs/blank/clock",
            r#"{"nowe":"2024-01-01T00:00:00Z"}"#,
            "nowe",
            "now",
        ),
        (
            "POST",
            "/__mock/orgs/blank/clock/advance",
            r#"{"seconds":5,"unit":"s"}"#,
            "unit",
            "seconds, by",
        ),
        (
            "PUT",
            "/__mock/orgs/blank/limits",
            r#"{"enforced":true}"#,
            "enforced",
            "enforce, credits, concurrency",
        ),
        (
            "PUT",
            "/__mock/orgs/blank/environment",
            r#"{"env":"sandbox"}"#,
            "env",
            "environment",
        ),
    ];
    for (method, path, body, key, known) in cases {
        // Act
        let reply = server.call(method, path, None, Some(body));
        // Assert: 400, nothing applied, and the message names the key and the known ones.
        let expected = format!(
            r#"{{"error":{{"code":"BAD_REQUEST","message":"unknown key \"{key}\" (known: {known})"}}}}"#
        );
        assert_eq!(
            (reply.status, reply.body.as_str()),
            (400, expected.as_str()),
            "{method} {path}"
        );
    }
    let orgs = orgs(&server);
    assert!(
        orgs.iter()
            .all(|o| o["fixture"] != "blank" || o["org_id"] == "blank"),
        "an org was created: {orgs:?}"
    );
    let clock = server
        .call("GET", "/__mock/orgs/blank/clock", None, None)
        .json();
    assert_eq!(clock["fixed"], false);
    assert_eq!(clock["shift_seconds"], 0);
}
