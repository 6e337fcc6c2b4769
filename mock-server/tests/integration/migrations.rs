//! Schema upgrades with `--db FILE`: a database written at any older schema version opens with
//! the current code, keeps its data and gets the current `user_version`; one from a newer
//! version is refused with a clear message and left exactly as it was.
//!
//! Old databases are rebuilt from the frozen version-1 schema plus the first steps of the
//! migration list (`store::create_at_version`), and `data/v1_sample.sql` is a frozen dump of a
//! database written by the version-1 code. While the schema is at version 1 the upgrade is the
//! identity; the tests hold as steps are added.

use std::path::{Path, PathBuf};

use portals_mock::store::{SCHEMA_VERSION, create_at_version};
use portals_mock::{Clock, Config, FixtureSet, Store};

use crate::common::start_with_store;
use rusqlite::Connection;

const V1_SAMPLE: &str = include_str!("data/v1_sample.sql");

fn temp_db(name: &str) -> PathBuf {
    crate::common::fresh_dir(&format!("migrations-{name}")).join("mock.sqlite")
}

fn user_version(path: &Path) -> i64 {
    Connection::open(path)
        .unwrap()
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .unwrap()
}

/// Loads the frozen dump (its INSERTs are in table-name order, so foreign keys are checked
/// after loading, by [`integrity`]).
fn load_sample(conn: &Connection) {
    conn.pragma_update(None, "foreign_keys", false).unwrap();
    conn.execute_batch(V1_SAMPLE).unwrap();
}

/// Rows per table.
fn counts(path: &Path) -> Vec<(String, i64)> {
    let conn = Connection::open(path).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    tables
        .into_iter()
        .map(|table| {
            let count = conn
                .query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |row| {
                    row.get(0)
                })
                .unwrap();
            (table, count)
        })
        .collect()
}

fn integrity(path: &Path) {
    let conn = Connection::open(path).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let dangling: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |row| {
            row.get(0)
        })
        .unwrap();
    assert_eq!(dangling, 0, "rows whose foreign keys point nowhere");
}

/// GETs `path` with `token` from a server on `store`: (status, body).
fn get(store: Store, path: &str, token: &str) -> (u16, String) {
    let config = Config {
        job_interval: None,
        ..Config::default()
    };
    let reply = start_with_store(store, Clock::real(), config).get(path, token);
    (reply.status, reply.body)
}

#[test]
fn a_version_1_database_with_data_opens_with_the_current_code_and_keeps_its_data() {
    let path = temp_db("v1-data");
    {
        let mut conn = Connection::open(&path).unwrap();
        create_at_version(&mut conn, 1).unwrap();
        load_sample(&conn);
    }
    let before = counts(&path);
    let store = Store::open(&path, FixtureSet::embedded().unwrap()).unwrap();
    assert_eq!(user_version(&path), SCHEMA_VERSION);
    integrity(&path);
    // No row lost (a step may add rows, never drop them), and no fixture org seeded twice.
    let after = counts(&path);
    for (table, rows) in &before {
        let now = after.iter().find(|(t, _)| t == table).map(|(_, n)| *n);
        assert!(
            now >= Some(*rows),
            "{table}: {rows} rows before, {now:?} after"
        );
    }
    // The upgrade counted each type's users into its row, as the writes since keep them.
    for org in ["zylker", "blank"] {
        let broken = store
            .read(|conn| portals_mock::store::invariants::check_org(conn, org))
            .unwrap();
        assert!(
            broken.iter().all(|v| v.rule != "user_counts"),
            "{org}: {broken:?}"
        );
    }
    let kept = store
        .read(|conn| portals_mock::store::user_types::get(conn, "zylker", "1306462000001813022"))
        .unwrap()
        .unwrap();
    assert!(kept.active_users + kept.inactive_users > 0, "{kept:?}");
    // The data answers through the API as it did.
    let (status, body) = get(store, "/crm/v8/settings/portals", "1000.blank.admin");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(r#""name":"Migrated1""#), "{body}");
    let store = Store::open(&path, FixtureSet::embedded().unwrap()).unwrap();
    let (status, body) = get(
        store,
        "/crm/v4/settings/portals/ZylkerAutos/user_type/1306462000001813022/users",
        "1000.zylker.admin",
    );
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("jennifer.spears@abc.com"), "{body}");
}

#[test]
fn an_empty_database_of_every_older_version_upgrades_to_the_current_one() {
    for version in 1..=SCHEMA_VERSION {
        let path = temp_db(&format!("empty-v{version}"));
        {
            let mut conn = Connection::open(&path).unwrap();
            create_at_version(&mut conn, version).unwrap();
        }
        assert_eq!(user_version(&path), version);
        let store = Store::open(&path, FixtureSet::embedded().unwrap()).unwrap();
        assert_eq!(
            user_version(&path),
            SCHEMA_VERSION,
            "from version {version}"
        );
        integrity(&path);
        let orgs = store.read(portals_mock::store::orgs::list).unwrap();
        let fixtures = FixtureSet::embedded().unwrap().orgs().count();
        assert_eq!(orgs.len(), fixtures, "the fixture orgs are seeded once");
    }
}

#[test]
fn a_database_from_a_newer_version_is_refused_and_left_untouched() {
    let path = temp_db("newer");
    {
        let mut conn = Connection::open(&path).unwrap();
        create_at_version(&mut conn, 1).unwrap();
        load_sample(&conn);
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
    }
    let bytes = std::fs::read(&path).unwrap();
    let error = match Store::open(&path, FixtureSet::embedded().unwrap()) {
        Ok(_) => panic!("a newer database was opened"),
        Err(error) => error.to_string(),
    };
    assert!(
        error.contains(&format!("schema version {}", SCHEMA_VERSION + 1))
            && error.contains("newer than this portals-mock"),
        "{error}"
    );
    assert_eq!(user_version(&path), SCHEMA_VERSION + 1);
    assert!(std::fs::read(&path).unwrap() == bytes, "the file changed");

    // The binary says so on stderr and exits with a failure, without serving.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_portals-mock"))
        .args(["--port", "0", "--db"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(output.stdout.is_empty(), "it served");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("newer than this portals-mock"), "{stderr}");
    assert!(std::fs::read(&path).unwrap() == bytes, "the file changed");
}

/// A version-2 file holding the rows the job bug left (portal users in a user type deleted after
/// a transfer job into it was scheduled, and that type's module settings): the upgrade moves the
/// users to their portal's default type, drops the settings, and every key holds after.
#[test]
fn a_version_2_database_with_users_of_a_deleted_type_is_repaired_by_the_upgrade() {
    let path = temp_db("v2-orphans");
    {
        let mut conn = Connection::open(&path).unwrap();
        create_at_version(&mut conn, 1).unwrap();
        load_sample(&conn);
    }
    {
        // Version 2, as the old code wrote it (no keys between the org's rows).
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "UPDATE portal_users SET user_type_id = '1306462000009999999'
             WHERE org_id = 'zylker' AND rowid IN (SELECT rowid FROM portal_users
                                                   WHERE org_id = 'zylker' LIMIT 1);
             INSERT INTO user_type_modules (org_id, user_type_id, position, module_id, config)
             VALUES ('zylker', '1306462000009999999', 0, '1306462000000000129', '{}');",
        )
        .unwrap();
        let orphans: i64 = conn
            .query_row(
                "SELECT count(*) FROM portal_users WHERE user_type_id = '1306462000009999999'",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(orphans, 1, "the sample has a user to orphan");
        // The shipped version 1 -> 2 step, as the version-2 code ran it.
        conn.execute_batch(include_str!(
            "../../src/store/sql/migrations/002_records_clock_snapshots.sql"
        ))
        .unwrap();
        conn.pragma_update(None, "user_version", 2).unwrap();
    }
    // Opening also seeds the fixture orgs the file lacks: count the file's own orgs' users.
    const USERS_OF_THE_FILE: &str =
        "SELECT count(*) FROM portal_users WHERE org_id IN ('zylker', 'blank', 'trial')";
    let users_before: i64 = Connection::open(&path)
        .unwrap()
        .query_row(USERS_OF_THE_FILE, [], |row| row.get(0))
        .unwrap();
    let _store = Store::open(&path, FixtureSet::embedded().unwrap()).unwrap();
    assert_eq!(user_version(&path), SCHEMA_VERSION);
    integrity(&path);
    let conn = Connection::open(&path).unwrap();
    let (users_after, in_default, settings): (i64, i64, i64) = conn
        .query_row(
            &format!(
                "SELECT ({USERS_OF_THE_FILE}),
                    (SELECT count(*) FROM portal_users p JOIN user_types t
                       ON t.org_id = p.org_id AND t.id = p.user_type_id AND t.is_default = 1),
                    (SELECT count(*) FROM user_type_modules
                      WHERE user_type_id = '1306462000009999999')"
            ),
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .unwrap();
    assert_eq!(users_after, users_before, "no portal user is lost");
    let orphans_left: i64 = conn
        .query_row(
            "SELECT count(*) FROM portal_users WHERE user_type_id = '1306462000009999999'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(orphans_left, 0, "the orphaned user moved");
    assert!(in_default >= 1, "the orphaned user is in a default type");
    assert_eq!(settings, 0, "module settings of the missing type are gone");
}

/// A version-2 file with a row the upgrade cannot repair (a portal user whose record does not
/// exist) is refused with the row named, and left at version 2 with its rows as they were.
#[test]
fn a_version_2_database_with_a_row_it_cannot_repair_is_refused_and_left_as_it_was() {
    let path = temp_db("v2-refused");
    {
        let mut conn = Connection::open(&path).unwrap();
        create_at_version(&mut conn, 2).unwrap();
        conn.execute_batch(
            "INSERT INTO orgs (id, fixture, company_name, company_domain, utc_offset, edition,
                               trial, sandbox, zaid, id_prefix, next_seq)
             VALUES ('zylker', 'zylker', 'Zylker', 'zylker.com', '+05:30', 'Enterprise', 0, 0,
                     '1', '1306462000', 1);
             INSERT INTO portal_users (org_id, seq, personality_id, user_type_id, confirm, active,
                                       status_reason, invited_time, language)
             VALUES ('zylker', 1, '1306462000000000777', '1306462000000000888', 0, 1, NULL, 0,
                     'en_US');",
        )
        .unwrap();
    }
    let before = counts(&path);
    let error = match Store::open(&path, FixtureSet::embedded().unwrap()) {
        Ok(_) => panic!("an unrepairable database was upgraded"),
        Err(error) => error.to_string(),
    };
    assert!(
        error.contains("upgrading the database from schema version 2")
            && error.contains(
                "portal_users row (org_id='zylker', personality_id='1306462000000000777')"
            )
            && error.contains("nothing was changed"),
        "{error}"
    );
    assert_eq!(user_version(&path), 2);
    assert_eq!(counts(&path), before);
}
