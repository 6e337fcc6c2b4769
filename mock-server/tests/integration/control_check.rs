//! The state check (`GET /__mock/orgs/{id}/check`) over real HTTP, on a database file another
//! writer corrupts.

use portals_mock::{Clock, Config};
use serde_json::json;

use crate::common::{fresh_dir, start_with_store};

/// `GET /__mock/orgs/{id}/check`: 200 with no violations on a sound org, 409 naming every broken
/// row once another writer (here, raw SQL on the database file with keys off) corrupts it, 404
/// for an unknown org, and the control plane's 400 for another method.
#[test]
fn the_state_check_names_what_is_broken() {
    let dir = fresh_dir("check");
    let path = dir.join("mock.sqlite");
    let store =
        portals_mock::Store::open(&path, portals_mock::FixtureSet::embedded().unwrap()).unwrap();
    let server = start_with_store(store, Clock::real(), Config::default());

    let sound = server.call("GET", "/__mock/orgs/zylker/check", None, None);
    assert_eq!(sound.status, 200, "{}", sound.body);
    assert_eq!(
        sound.json(),
        json!({ "org_id": "zylker", "ok": true, "violations": [] })
    );

    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    raw.execute_batch(
        "PRAGMA foreign_keys = OFF;
         UPDATE portal_users SET user_type_id = '1306462000000000042'
         WHERE org_id = 'zylker' AND personality_id = '1306462000000659009';
         UPDATE user_types SET is_default = 0 WHERE org_id = 'zylker';",
    )
    .unwrap();
    let broken = server.call("GET", "/__mock/orgs/zylker/check", None, None);
    assert_eq!(broken.status, 409, "{}", broken.body);
    let body = broken.json();
    assert_eq!(body["ok"], false);
    let text = body["violations"].to_string();
    assert!(
        text.contains("portal_users row (org_id='zylker', personality_id='1306462000000659009')")
            && text.contains("one_default_type"),
        "{text}"
    );
    // Other orgs are not concerned.
    let other = server.call("GET", "/__mock/orgs/blank/check", None, None);
    assert_eq!(other.status, 200, "{}", other.body);

    let unknown = server.call("GET", "/__mock/orgs/nowhere/check", None, None);
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    assert!(unknown.body.contains("UNKNOWN_ORG"), "{}", unknown.body);
    let wrong_method = server.call("POST", "/__mock/orgs/zylker/check", None, None);
    assert_eq!(wrong_method.status, 405, "{}", wrong_method.body);
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
