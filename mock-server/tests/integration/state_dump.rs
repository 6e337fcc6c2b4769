//! `GET /__mock/orgs/{id}/state` and `portals-mock dump`: an org dumped as fixture JSON loads
//! back with `--fixtures` and dumps the same; `DELETE /__mock/orgs/{id}`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::common::{JSON, TestServer, start_with, start_with_fixtures};
use portals_mock::{Clock, Config, FixtureSet};

/// Every built-in org fixture: (org id, its admin token).
const ORGS: [(&str, &str); 3] = [
    ("zylker", "1000.zylker.admin"),
    ("blank", "1000.blank.admin"),
    ("trial", "1000.trial.admin"),
];

/// Jobs wait for the control plane, so a scheduled one is still scheduled when dumped.
fn manual_jobs() -> Config {
    Config {
        job_interval: None,
        ..Config::default()
    }
}

fn clock() -> Clock {
    Clock::fixed(portals_mock::clock::parse_timestamp("2023-03-01T10:00:00+05:30").unwrap())
}

fn temp_dir(name: &str) -> PathBuf {
    crate::common::fresh_dir(&format!("dump-{name}"))
}

#[track_caller]
fn ok(reply: &crate::common::Reply) -> Value {
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()
}

/// Adds a Contact through the Records API and answers its id.
fn add_contact(server: &TestServer, token: &str, name: &str) -> String {
    let reply = server.post(
        "/crm/v8/Contacts",
        token,
        &format!(r#"{{"data":[{{"Last_Name":"{name}","Email":"{name}@example.com"}}]}}"#),
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.json()["data"][0]["details"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// What the round trip changes in one org, and where to look at it afterwards.
struct Changed {
    portal: String,
    default_type: String,
    contact: String,
    job: String,
}

/// Changes an org the way a test suite would: a portal (if it has none) with SAML, a user type,
/// a contact invited, confirmed and deactivated, and a bulk invite left scheduled.
fn change(server: &TestServer, org: &str, token: &str) -> Changed {
    let listed = server.get("/crm/v8/settings/portals", token);
    if listed.status == 204 {
        let name = format!("RoundTrip{org}");
        ok(&server.post(
            "/crm/v8/settings/portals",
            token,
            &format!(r#"{{"portals":[{{"name":"{name}"}}]}}"#),
        ));
    }
    let portal = ok(&server.get("/crm/v8/settings/portals", token))["portals"][0]["name"]
        .as_str()
        .unwrap()
        .to_owned();
    let portal_path = format!("/crm/v8/settings/portals/{portal}");
    ok(&server.put(
        &portal_path,
        token,
        r#"{"portals":[{"saml_configuration":{"login_url":"https://www.example.com/in","logout_url":"https://www.example.com/out","public_key":"-----BEGIN CERTIFICATE-----","active":true}}]}"#,
    ));
    let types_path = format!("/crm/v4/settings/portals/{portal}/user_type");
    ok(&server.post(
        &types_path,
        token,
        r#"{"user_type":[{"name":"Customer","personality_module":{"api_name":"Customer"},"active":true,
            "modules":[{"layouts":[{"id":"1306462000000095055"}],"permissions":{"view":true},
                        "views":{"id":"1306462000000091501","type":"custom_view"},"filters":null,
                        "fields":[{"id":"18936550000000063924","read_only":false}],
                        "id":"1306462000000000125","shared_type":"private"},
                       {"layouts":null,"views":null,"filters":null,"permissions":{"view":true},
                        "id":"1306462000000000147","shared_type":"private"}]}]}"#,
    ));
    let default_type = ok(&server.get(&types_path, token))["user_type"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["default"] == true)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let users_path = format!("{types_path}/{default_type}/users");
    if org == "trial" {
        // The trial edition is at its 10 portal users: make room by deleting three.
        let listed = ok(&server.get(&users_path, token));
        let ids: Vec<&str> = listed["users"].as_array().unwrap()[..3]
            .iter()
            .map(|u| u["personality_id"].as_str().unwrap())
            .collect();
        ok(&server.call(
            "DELETE",
            &format!("{users_path}?personality_ids={}", ids.join(",")),
            Some(token),
            None,
        ));
    }
    let contact = add_contact(server, token, "x");
    ok(&server.post(
        &format!("/crm/v4/Contacts/{contact}/actions/portal_invite?user_type_id={default_type}&type=invite"),
        token,
        "",
    ));
    ok(&server.call(
        "POST",
        &format!("/__mock/orgs/{org}/users/{contact}/confirm"),
        None,
        None,
    ));
    ok(&server.call(
        "PUT",
        &format!("{users_path}/{contact}/actions/change_status?active=false"),
        Some(token),
        None,
    ));
    let second = add_contact(server, token, "y");
    let scheduled = ok(&server.post(
        "/crm/v4/Contacts/actions/portal_invite",
        token,
        &format!(
            r#"{{"portal_invite":[{{"data":[{{"id":"{second}","user_type_id":"{default_type}","type":"invite"}}]}}]}}"#
        ),
    ));
    let job = scheduled["portal_invite"][0]["details"]["job_id"]
        .as_str()
        .unwrap_or_else(|| panic!("no job id in {scheduled}"))
        .to_owned();
    Changed {
        portal,
        default_type,
        contact,
        job,
    }
}

/// `GET /__mock/orgs/{org}/state`, checked for status and content type.
fn state(server: &TestServer, org: &str) -> Value {
    let reply = server.call("GET", &format!("/__mock/orgs/{org}/state"), None, None);
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.content_type.as_deref(), Some(JSON));
    reply.json()
}

/// Every answer of the API that shows what [`change`] did, for comparing two servers.
fn api_view(server: &TestServer, token: &str, changed: &Changed) -> Vec<(String, u16, String)> {
    let portal = &changed.portal;
    let types = format!("/crm/v8/settings/portals/{portal}/user_type");
    [
        "/crm/v8/settings/portals".to_owned(),
        format!("/crm/v8/settings/portals/{portal}"),
        format!("{types}?include=modules"),
        format!("{types}/{}/users", changed.default_type),
        format!("{types}/{}/users?type=DeactiveUsers", changed.default_type),
        format!("/crm/v8/Contacts/{}", changed.contact),
        format!(
            "/crm/v4/Contacts/actions/portal_invite?job_id={}",
            changed.job
        ),
    ]
    .into_iter()
    .map(|path| {
        let reply = server.get(&path, token);
        (path, reply.status, reply.body)
    })
    .collect()
}

#[test]
fn every_fixture_org_dumps_loads_back_with_fixtures_and_dumps_the_same() {
    // Arrange: every built-in org, changed over HTTP.
    let first = start_with(clock(), manual_jobs());
    let changed: Vec<Changed> = ORGS
        .iter()
        .map(|(org, token)| change(&first, org, token))
        .collect();
    // Act: dump each into a fixture directory, and start a second server from it.
    let dir = temp_dir("round-trip");
    std::fs::create_dir_all(dir.join("orgs")).unwrap();
    let mut dumps = Vec::new();
    for (org, _) in ORGS {
        let reply = first.call("GET", &format!("/__mock/orgs/{org}/state"), None, None);
        assert_eq!(reply.status, 200, "{}", reply.body);
        std::fs::write(dir.join(format!("orgs/{org}.json")), &reply.body).unwrap();
        dumps.push(reply.json());
    }
    let fixtures = FixtureSet::from_dir(&dir).unwrap();
    let second = start_with_fixtures(fixtures, clock(), manual_jobs());
    // Assert: the same dump, and the same answers from the API.
    for (((org, token), dumped), changed) in ORGS.iter().zip(&dumps).zip(&changed) {
        assert_eq!(
            &state(&second, org),
            dumped,
            "{org}: the second dump differs"
        );
        assert_eq!(
            api_view(&first, token, changed),
            api_view(&second, token, changed),
            "{org}: the API answers differ"
        );
        // What changed is in the dump.
        assert!(dumped["crm"].is_object(), "{org}: the CRM is inline");
        assert_eq!(dumped["portal"]["name"], changed.portal.as_str());
        assert_eq!(
            dumped["portal"]["saml_configuration"]["login_url"],
            "https://www.example.com/in"
        );
        let record = dumped["crm"]["records"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == changed.contact.as_str())
            .unwrap_or_else(|| panic!("{org}: no record {}", changed.contact));
        assert_eq!(record["created_time"], "2023-03-01T10:00:00+05:30");
        let user = dumped["portal_users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["personality_id"] == changed.contact.as_str())
            .unwrap();
        assert_eq!(
            (&user["confirm"], &user["active"]),
            (&true.into(), &false.into())
        );
        assert!(
            dumped["user_types"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["name"] == "Customer"),
            "{org}"
        );
        assert_eq!(dumped["jobs"][0]["id"], changed.job.as_str());
        assert_eq!(dumped["jobs"][0]["status"], "scheduled");
    }
    // Ids continue where the first server left off.
    let next_first = add_contact(&first, ORGS[0].1, "z");
    let next_second = add_contact(&second, ORGS[0].1, "z");
    assert_eq!(next_first, next_second);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_state_of_an_unknown_org_is_404_unknown_org() {
    let server = start_with(clock(), manual_jobs());
    let reply = server.call("GET", "/__mock/orgs/nope/state", None, None);
    assert_eq!(reply.status, 404, "{}", reply.body);
    assert_eq!(reply.json()["error"]["code"], "UNKNOWN_ORG");
    let wrong_method = server.call("POST", "/__mock/orgs/zylker/state", None, None);
    assert_eq!(wrong_method.status, 405, "{}", wrong_method.body);
}

#[test]
fn a_deleted_org_is_gone_its_token_is_invalid_and_a_second_delete_is_404() {
    // Arrange: an org created from a fixture, with a token of its own.
    let server = start_with(clock(), manual_jobs());
    let created = server.control("POST", "/__mock/orgs", r#"{"fixture":"blank"}"#);
    assert_eq!(created.status, 201, "{}", created.body);
    let created = created.json();
    let org = created["org_id"].as_str().unwrap();
    let token = created["access_token"].as_str().unwrap();
    assert_eq!(server.get("/crm/v8/settings/portals", token).status, 204);
    // Act
    let deleted = server.call("DELETE", &format!("/__mock/orgs/{org}"), None, None);
    let again = server.call("DELETE", &format!("/__mock/orgs/{org}"), None, None);
    // Assert
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    assert_eq!(deleted.content_type.as_deref(), Some(JSON));
    assert_eq!(
        deleted.json(),
        serde_json::json!({ "org_id": org, "deleted": true })
    );
    let listed = crate::common::orgs(&server);
    assert!(listed.iter().all(|o| o["org_id"] != org), "{listed:?}");
    let refused = server.get("/crm/v8/settings/portals", token);
    assert_eq!(refused.status, 401, "{}", refused.body);
    assert_eq!(refused.json()["code"], "INVALID_TOKEN");
    assert_eq!(again.status, 404, "{}", again.body);
    assert_eq!(again.json()["error"]["code"], "UNKNOWN_ORG");
    let state = server.call("GET", &format!("/__mock/orgs/{org}/state"), None, None);
    assert_eq!(state.status, 404);
    // The other orgs are untouched.
    assert_eq!(
        server
            .get("/crm/v8/settings/portals", "1000.zylker.admin")
            .status,
        200
    );
}

/// Runs `portals-mock` with these arguments to completion.
fn run_binary(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_portals-mock"))
        .args(args)
        .output()
        .unwrap()
}

/// Starts the binary on `db`, lets `act` talk to it, and stops it with SIGTERM.
fn with_binary_on(db: &Path, act: impl FnOnce(&str)) {
    let db = db.to_str().expect("a UTF-8 temporary path");
    let (mut child, base) = crate::common::spawn_mock(
        &["--log-level", "warn", "--job-interval-ms", "0", "--db", db],
        Stdio::null(),
    );
    act(&base);
    crate::common::terminate(&mut child, Duration::from_secs(10));
}

#[test]
fn the_dump_command_prints_what_the_server_answered_and_leaves_the_file_alone() {
    // Arrange: a server on a file, a record added, its HTTP dump.
    let dir = temp_dir("dump-command");
    let db = dir.join("mock.sqlite");
    let mut http_dump = Value::Null;
    with_binary_on(&db, |base| {
        let agent = crate::common::agent();
        let added = agent
            .post(format!("{base}/crm/v8/Contacts"))
            .header("Authorization", "Zoho-oauthtoken 1000.zylker.admin")
            .send(r#"{"data":[{"Last_Name":"x","Email":"x@example.com"}]}"#)
            .unwrap();
        assert_eq!(added.status().as_u16(), 201);
        let mut state = agent
            .get(format!("{base}/__mock/orgs/zylker/state"))
            .call()
            .unwrap();
        assert_eq!(state.status().as_u16(), 200);
        http_dump = serde_json::from_str(&state.body_mut().read_to_string().unwrap()).unwrap();
    });
    let before = std::fs::read(&db).unwrap();
    let db_arg = db.to_str().unwrap();
    // Act
    let output = run_binary(&["dump", "--db", db_arg, "--org", "zylker"]);
    // Assert: the same JSON on stdout, exit 0, the file unchanged.
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let cli_dump: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(cli_dump, http_dump);
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "the dump wrote to the file"
    );
    // With the built-in fixtures as a directory instead, the same.
    let fixtures_dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/seed");
    let with_dir = run_binary(&[
        "dump",
        "--db",
        db_arg,
        "--org",
        "zylker",
        "--only-fixtures",
        fixtures_dir,
    ]);
    assert!(with_dir.status.success());
    assert_eq!(
        serde_json::from_slice::<Value>(&with_dir.stdout).unwrap(),
        http_dump
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_dump_command_refuses_a_missing_file_an_unknown_org_and_a_newer_schema() {
    let dir = temp_dir("dump-refusals");
    // A missing file is refused and not created.
    let missing = dir.join("missing.sqlite");
    let output = run_binary(&["dump", "--db", missing.to_str().unwrap(), "--org", "zylker"]);
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("missing.sqlite") && stderr.contains("no such database file"),
        "{stderr}"
    );
    assert!(!missing.exists(), "the dump created the file");
    // An unknown org names the orgs there are.
    let db = dir.join("mock.sqlite");
    drop(portals_mock::Store::open(&db, FixtureSet::embedded().unwrap()).unwrap());
    let output = run_binary(&["dump", "--db", db.to_str().unwrap(), "--org", "nope"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no org \"nope\"") && stderr.contains("zylker"),
        "{stderr}"
    );
    // A newer schema is refused.
    let newer = dir.join("newer.sqlite");
    rusqlite::Connection::open(&newer)
        .unwrap()
        .pragma_update(
            None,
            "user_version",
            portals_mock::store::SCHEMA_VERSION + 1,
        )
        .unwrap();
    let output = run_binary(&["dump", "--db", newer.to_str().unwrap(), "--org", "zylker"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("newer than this portals-mock"), "{stderr}");
    // Server flags do not mix with the command.
    let output = run_binary(&["--port", "0", "dump", "--db", "x", "--org", "y"]);
    assert!(!output.status.success());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_org_made_again_under_a_deleted_ones_id_starts_with_no_credits_faults_or_journal_of_it() {
    let server = start_with(clock(), manual_jobs());
    let create = || {
        let created = crate::common::new_org(&server, "zylker");
        (
            created["org_id"].as_str().unwrap().to_owned(),
            created["access_token"].as_str().unwrap().to_owned(),
        )
    };
    let (org, token) = create();
    let limits = format!("/__mock/orgs/{org}/limits");
    let set = server.control("PUT", &limits, r#"{"enforce":true,"credits":1}"#);
    assert_eq!(set.status, 200, "{}", set.body);
    assert_eq!(server.get("/crm/v8/settings/portals", &token).status, 200);
    assert_eq!(server.get("/crm/v8/settings/portals", &token).status, 429);
    let fault = server.control(
        "POST",
        &format!("/__mock/orgs/{org}/faults"),
        r#"{"method":"GET","url_path_pattern":"portals$","error":{"code":"INTERNAL_ERROR"}}"#,
    );
    assert_eq!(fault.status, 201, "{}", fault.body);
    let deleted = server.call("DELETE", &format!("/__mock/orgs/{org}"), None, None);
    assert_eq!(deleted.status, 200, "{}", deleted.body);

    let (again, token) = create();
    assert_eq!(again, org, "the lowest free id is reused");
    // Its journal and its faults are empty lists.
    for what in ["requests", "faults"] {
        let listed = server.call("GET", &format!("/__mock/orgs/{org}/{what}"), None, None);
        assert_eq!(
            listed.json()[what],
            serde_json::json!([]),
            "{}",
            listed.body
        );
    }
    let limits = server.call("GET", &limits, None, None).json();
    assert_eq!(limits["credits"]["used"], 0, "{limits}");
    assert_eq!(server.get("/crm/v8/settings/portals", &token).status, 200);
}
