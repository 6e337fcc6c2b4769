//! Schema creation and upgrades, versioned with `PRAGMA user_version`.
//!
//! The schema is written once, as steps: `sql/schema_v1.sql` (the version-1 schema, frozen) and
//! the upgrade steps in `sql/migrations/`. An older database runs the steps from its version up,
//! in one transaction. A newer one is refused. Steps are append-only: never edit one after it
//! has shipped. With the first `k - 1` steps the same files rebuild a database of any version
//! `k` ([`create_at_version`]), which the migration tests open with the current code.
//!
//! A fresh database gets what all the steps leave, in one go: `sql/current.json`, the schema as
//! SQLite holds it after them (running the steps' table rebuilds and renames took a third of
//! the start-up). `docs/schema.md` shows the same schema; a test keeps both current
//! (`PORTALS_MOCK_WRITE_SCHEMA_DOC=1 cargo test -p portals-mock --lib schema` rewrites them)
//! and another that a fresh database holds exactly what the steps make.

use rusqlite::{Connection, TransactionBehavior};

use super::StoreError;

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 5;

/// The schema of version 1, as it shipped (never edited).
pub(super) const SCHEMA_V1: &str = include_str!("sql/schema_v1.sql");

/// Upgrade steps: `MIGRATIONS[i]` takes version `i + 1` to `i + 2`.
const MIGRATIONS: &[&str] = &[
    include_str!("sql/migrations/002_records_clock_snapshots.sql"),
    include_str!("sql/migrations/003_foreign_keys.sql"),
    include_str!("sql/migrations/004_portal_user_source.sql"),
    include_str!("sql/migrations/005_user_type_counts.sql"),
];

/// What every step leaves, as SQLite holds it (`sqlite_master`'s rows, as JSON data): the schema
/// of a fresh database, written from the steps by a test, which fails when it is stale.
const CURRENT: &str = include_str!("sql/current.json");

/// [`CURRENT`]: the version it is the schema of, and each object's SQL in SQLite's order.
#[derive(serde::Deserialize)]
struct Current {
    version: i64,
    objects: Vec<CurrentObject>,
}

/// One row of `sqlite_master` in [`Current`] (its type and name are there for readers).
#[derive(serde::Deserialize)]
struct CurrentObject {
    sql: String,
}

/// The SQL of [`CURRENT`], when it is the schema of this version.
fn current_schema() -> Option<String> {
    let current: Current = serde_json::from_str(CURRENT).ok()?;
    (current.version == SCHEMA_VERSION).then(|| {
        current
            .objects
            .iter()
            .map(|object| format!("{};\n", object.sql))
            .collect()
    })
}

/// Brings the database to [`SCHEMA_VERSION`]. An upgrade runs with foreign keys deferred (the
/// steps rebuild tables parents first) and checks every key before it commits: rows the steps
/// could not repair refuse the upgrade, named, and the file is left as it was.
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let empty: bool = tx.query_row(
        "SELECT NOT EXISTS (SELECT 1 FROM sqlite_master)",
        [],
        |row| row.get(0),
    )?;
    if let Some(schema) = current_schema().filter(|_| found == 0 && empty) {
        tx.execute_batch(&schema)?;
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        tx.commit()?;
        return Ok(());
    }
    tx.pragma_update(None, "defer_foreign_keys", true)?;
    // A file of version 0 that holds tables (v1's statements keep what exists).
    let from = if found == 0 {
        tx.execute_batch(SCHEMA_V1)?;
        1
    } else {
        found
    };
    for step in &MIGRATIONS[(from - 1) as usize..] {
        tx.execute_batch(step)?;
    }
    let broken = super::invariants::foreign_keys(&tx, None)?;
    if !broken.is_empty() {
        return Err(StoreError::Broken {
            context: format!("upgrading the database from schema version {found}"),
            rows: broken.iter().map(ToString::to_string).collect(),
        });
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(())
}

/// Creates the schema as version `version` had it: the frozen version-1 schema, then the
/// first `version - 1` upgrade steps; sets `user_version`. For migration tests.
pub fn create_at_version(conn: &mut Connection, version: i64) -> Result<(), StoreError> {
    let steps = usize::try_from(version - 1)
        .ok()
        .filter(|steps| *steps <= MIGRATIONS.len())
        .ok_or(StoreError::TooNew {
            found: version,
            supported: SCHEMA_VERSION,
        })?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.pragma_update(None, "defer_foreign_keys", true)?;
    tx.execute_batch(SCHEMA_V1)?;
    for step in &MIGRATIONS[..steps] {
        tx.execute_batch(step)?;
    }
    tx.pragma_update(None, "user_version", version)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database made by running every step.
    fn by_steps() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        create_at_version(&mut conn, SCHEMA_VERSION).unwrap();
        conn
    }

    /// Every object of the schema, (type, name, table, SQL), in the order SQLite holds them
    /// (tables before their indexes).
    fn objects(conn: &Connection) -> Vec<(String, String, String, Option<String>)> {
        let mut objects = conn
            .prepare("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid")
            .unwrap();
        objects
            .query_map([], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    /// `sql/current.json` as the steps make it.
    fn current_json() -> String {
        let objects: Vec<serde_json::Value> = objects(&by_steps())
            .into_iter()
            .filter_map(|(kind, name, _, sql)| {
                Some(serde_json::json!({ "type": kind, "name": name, "sql": sql? }))
            })
            .collect();
        let current = serde_json::json!({
            "about": "The schema every step of sql/schema_v1.sql and sql/migrations/ leaves: the \
                      rows of sqlite_master, in SQLite's order. A fresh database is created from \
                      it. Written by a test (PORTALS_MOCK_WRITE_SCHEMA_DOC=1 cargo test -p \
                      portals-mock --lib schema), which fails when it is stale.",
            "version": SCHEMA_VERSION,
            "objects": objects,
        });
        format!("{current:#}\n")
    }

    /// Fails unless the file at `path` (from the crate) holds `expected`; rewrites it first
    /// with `PORTALS_MOCK_WRITE_SCHEMA_DOC` set.
    fn keep_current(path: &str, expected: &str) {
        let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        if std::env::var_os("PORTALS_MOCK_WRITE_SCHEMA_DOC").is_some() {
            std::fs::write(&file, expected).unwrap();
        }
        let committed = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(
            committed == expected,
            "{path} is not current: run PORTALS_MOCK_WRITE_SCHEMA_DOC=1 cargo test -p portals-mock --lib schema"
        );
    }

    #[test]
    fn the_fresh_schema_is_current() {
        keep_current("src/store/sql/current.json", &current_json());
    }

    #[test]
    fn a_fresh_database_holds_what_the_steps_make() {
        assert!(
            current_schema().is_some(),
            "sql/current.json is not this version's"
        );
        let mut fresh = Connection::open_in_memory().unwrap();
        migrate(&mut fresh).unwrap();
        let by_name = |conn: &Connection| {
            let mut all = objects(conn);
            all.sort();
            all
        };
        assert_eq!(by_name(&fresh), by_name(&by_steps()));
        let version: i64 = fresh
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
    }

    /// The schema as SQLite holds it after every step, as `docs/schema.md` shows it.
    fn schema_doc() -> String {
        let mut doc = String::from(
            "# The database schema\n\nWhat a fresh database holds after every step of \
             `mock-server/src/store/sql/` (version 1, then each migration), as SQLite stores it. \
             Written by a test (`PORTALS_MOCK_WRITE_SCHEMA_DOC=1 cargo test -p portals-mock --lib \
             schema`), which fails when this page is not current.\n",
        );
        doc.push_str(&format!("\nSchema version: {SCHEMA_VERSION}.\n"));
        let rank = |kind: &str| match kind {
            "table" => 0,
            "index" => 1,
            _ => 2,
        };
        let mut shown: Vec<(String, String, String)> = objects(&by_steps())
            .into_iter()
            .filter(|(_, name, _, _)| !name.starts_with("sqlite_"))
            .filter_map(|(kind, name, _, sql)| Some((kind, name, sql?)))
            .collect();
        shown.sort_by(|a, b| (rank(&a.0), &a.1).cmp(&(rank(&b.0), &b.1)));
        for (kind, name, sql) in shown {
            doc.push_str(&format!("\n## {kind} `{name}`\n\n```sql\n{sql};\n```\n"));
        }
        doc
    }

    #[test]
    fn the_schema_page_is_current() {
        keep_current("../docs/schema.md", &schema_doc());
    }

    #[test]
    fn the_migration_list_reaches_the_current_version() {
        assert_eq!(MIGRATIONS.len() as i64, SCHEMA_VERSION - 1);
    }

    #[test]
    fn migrating_twice_is_harmless_and_sets_the_version() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
    }

    fn columns(conn: &Connection) -> Vec<(String, String)> {
        let mut statement = conn
            .prepare(
                "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
                 WHERE m.type = 'table' ORDER BY m.name, p.name",
            )
            .unwrap();
        statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn an_upgraded_version_1_database_has_the_columns_of_a_fresh_one() {
        let mut old = Connection::open_in_memory().unwrap();
        old.execute_batch(SCHEMA_V1).unwrap();
        old.pragma_update(None, "user_version", 1).unwrap();
        migrate(&mut old).unwrap();
        assert_eq!(columns(&old), columns(&by_steps()));
    }

    #[test]
    fn a_newer_database_is_refused_with_a_clear_message() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        let error = migrate(&mut conn).unwrap_err();
        assert!(error.to_string().contains("newer than this portals-mock"));
    }
}
