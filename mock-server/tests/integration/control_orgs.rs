//! Orgs in bulk and orgs of the caller's making: `DELETE /__mock/orgs?created=true`,
//! `POST /__mock/reset`, an inline fixture (`fixture_json`) and a chosen `org_id`.

use serde_json::{Value, json};

use crate::common::{ADMIN, TestServer, first_portal_name, start};

const PORTALS: &str = "/crm/v8/settings/portals";

fn create(server: &TestServer, body: Value) -> crate::common::Reply {
    server.control("POST", "/__mock/orgs", &body.to_string())
}

fn org_ids(server: &TestServer) -> Vec<String> {
    crate::common::orgs(server)
        .iter()
        .map(|org| org["org_id"].as_str().unwrap().to_owned())
        .collect()
}

/// The minimal example org of fixtures/README.md.
fn minimal() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/examples/orgs/minimal.json"
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn every_org_created_at_run_time_goes_in_one_call() {
    let server = start();
    let before = org_ids(&server);
    for body in [json!({"fixture": "blank"}), json!({"fixture": "zylker"})] {
        assert_eq!(create(&server, body).status, 201);
    }
    assert_eq!(
        create(&server, json!({"fixture": "blank", "org_id": "mine"})).status,
        201
    );
    assert_eq!(org_ids(&server).len(), before.len() + 3);
    let refused = server.call("DELETE", "/__mock/orgs", None, None);
    assert_eq!(refused.status, 400);
    assert!(
        refused.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("?created=true")
    );
    let deleted = server.call("DELETE", "/__mock/orgs?created=true", None, None);
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    assert_eq!(
        deleted.json(),
        json!({"deleted": ["blank-1", "mine", "zylker-1"]})
    );
    assert_eq!(org_ids(&server), before);
}

#[test]
fn a_server_reset_puts_every_org_back_and_forgets_the_runs_traces() {
    let server = start();
    let created = create(&server, json!({"fixture": "blank"})).json();
    server.put(
        &format!("{PORTALS}/ZylkerAutos"),
        ADMIN,
        r#"{"portals":[{"name":"Renamed"}]}"#,
    );
    server.call("DELETE", "/__mock/orgs/trial", None, None);
    server.control(
        "POST",
        "/__mock/faults",
        r#"{"url_path":"/nowhere","latency_ms":1}"#,
    );
    let reset = server.call("POST", "/__mock/reset", None, None);
    assert_eq!(reset.status, 200, "{}", reset.body);
    let body = reset.json();
    assert_eq!(body["deleted"], json!([created["org_id"]]));
    assert_eq!(body["orgs"], json!(["blank", "crowded", "trial", "zylker"]));
    assert_eq!(org_ids(&server), ["blank", "crowded", "trial", "zylker"]);
    assert_eq!(first_portal_name(&server, ADMIN), "ZylkerAutos");
    assert_eq!(server.get(PORTALS, "1000.trial.admin").status, 200);
    let token = created["access_token"].as_str().unwrap();
    assert_eq!(server.get(PORTALS, token).status, 401);
    assert_eq!(
        server.call("GET", "/__mock/faults", None, None).json()["faults"],
        json!([])
    );
    // Only what came after the reset is in the journal.
    let journal = server.call("GET", "/__mock/requests", None, None).json();
    assert_eq!(journal["requests"].as_array().unwrap().len(), 3);
}

#[test]
fn an_inline_fixture_makes_an_org_that_serves_and_resets_to_it() {
    let server = start();
    let made = create(
        &server,
        json!({"fixture_json": minimal(), "org_id": "acme-test_1"}),
    );
    assert_eq!(made.status, 201, "{}", made.body);
    let made = made.json();
    assert_eq!(made["org_id"], "acme-test_1");
    let token = made["access_token"].as_str().unwrap();
    assert_eq!(first_portal_name(&server, token), "MinimalPortal");
    server.put(
        &format!("{PORTALS}/MinimalPortal"),
        token,
        r#"{"portals":[{"name":"Changed"}]}"#,
    );
    let reset = server.call("POST", "/__mock/orgs/acme-test_1/reset", None, None);
    assert_eq!(reset.status, 200, "{}", reset.body);
    assert_eq!(first_portal_name(&server, token), "MinimalPortal");
    // Without a chosen id: inline-1; an inline CRM may also be a named one of the server's.
    let mut named_crm = minimal();
    named_crm["crm"] = json!("zylker_crm");
    named_crm["portal"] = Value::Null;
    named_crm["user_types"] = json!([]);
    named_crm["portal_users"] = json!([]);
    let second = create(&server, json!({"fixture_json": named_crm}));
    assert_eq!(second.json()["org_id"], "inline-1", "{}", second.body);
}

#[test]
fn a_bad_inline_fixture_or_org_id_is_refused_with_the_reason() {
    let server = start();
    let mut typo = minimal();
    typo["org"]["colour"] = json!("red");
    let reply = create(&server, json!({"fixture_json": typo}));
    assert_eq!(reply.status, 400);
    let message = reply.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        message.starts_with("fixture_json: ") && message.contains("colour"),
        "{message}"
    );
    let mut dangling = minimal();
    dangling["portal_users"][0]["user_type_id"] = json!("5550000000000009999");
    let reply = create(&server, json!({"fixture_json": dangling}));
    assert_eq!(reply.status, 400, "{}", reply.body);
    for (org_id, says) in [
        (json!("has space"), "not an org id"),
        (json!(""), "not an org id"),
        (json!(7), "not an org id"),
        (json!("zylker"), "name of a fixture"),
    ] {
        let reply = create(&server, json!({"fixture": "blank", "org_id": org_id}));
        assert_eq!(reply.status, 400, "{}", reply.body);
        assert!(reply.body.contains(says), "{}", reply.body);
    }
    assert_eq!(
        create(&server, json!({"fixture": "blank", "org_id": "taken"})).status,
        201
    );
    let again = create(&server, json!({"fixture": "blank", "org_id": "taken"}));
    assert_eq!(again.status, 409);
    assert_eq!(again.json()["error"]["code"], "ORG_EXISTS");
    let both = create(
        &server,
        json!({"fixture": "blank", "fixture_json": minimal()}),
    );
    assert!(both.body.contains("not both"), "{}", both.body);
}
