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
use portals_mock::{AppState, Clock, Config, FixtureSet, MockServer, Store};
use rusqlite::Connection;

const V1_SAMPLE: &str = include_str!("data/v1_sample.sql");

fn temp_db(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "portals-mock-migrations-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("mock.sqlite")
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
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let config = Config {
            job_interval: None,
            ..Config::default()
        };
        MockServer::start(listener, AppState::new(store, Clock::real(), config)).unwrap()
    });
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = agent
        .get(format!("{}{path}", server.base_url()))
        .header("Authorization", format!("Zoho-oauthtoken {token}"))
        .call()
        .unwrap();
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_string().unwrap_or_default();
    runtime.block_on(server.stop());
    (status, body)
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
