//! `--db FILE`: state survives a restart; a newer schema is refused.

use portals_mock::{FixtureSet, Store};

fn temp_db(name: &str) -> std::path::PathBuf {
    crate::common::fresh_dir(&format!("persistence-{name}")).join("mock.sqlite")
}

#[test]
fn a_portal_created_with_a_file_database_is_there_after_reopening() {
    let path = temp_db("reopen");
    let fixtures = FixtureSet::embedded().unwrap();
    {
        let store = Store::open(&path, fixtures.clone()).unwrap();
        store
            .write(|tx| {
                let org = portals_mock::store::orgs::get(tx, "blank")?.expect("the blank org");
                portals_mock::store::portals::insert(
                    tx,
                    &org,
                    "Persisted1",
                    "1306462000083528405",
                    1_700_000_000,
                )
            })
            .unwrap();
    }
    let store = Store::open(&path, fixtures).unwrap();
    let portal = store
        .read(|conn| portals_mock::store::portals::of_org(conn, "blank"))
        .unwrap()
        .unwrap();
    assert_eq!(portal.name, "Persisted1");
    // The seeded zylker org was not seeded twice.
    let orgs = store.read(portals_mock::store::orgs::list).unwrap();
    assert_eq!(orgs.len(), FixtureSet::embedded().unwrap().orgs().count());
    let _ = std::fs::remove_file(&path);
}

#[test]
fn a_database_from_a_newer_version_is_refused_with_a_clear_message() {
    let path = temp_db("newer");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(
            None,
            "user_version",
            portals_mock::store::SCHEMA_VERSION + 5,
        )
        .unwrap();
    }
    let error = match Store::open(&path, FixtureSet::embedded().unwrap()) {
        Ok(_) => panic!("a newer database was opened"),
        Err(error) => error.to_string(),
    };
    assert!(error.contains("newer than this portals-mock"), "{error}");
    let _ = std::fs::remove_file(&path);
}
