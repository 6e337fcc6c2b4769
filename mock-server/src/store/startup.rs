//! Start-up seeding: every fixture org the database lacks, written with the kept user counts
//! (schema step 5) counted once per seeded org instead of by a trigger per seeded portal user.
//!
//! Only at start-up: no statement is prepared yet, so dropping and recreating the triggers costs
//! no re-preparation, and nothing else can see the database in between (one transaction).
//!
//! Into a fresh database the rows go in without their CHECK constraints (a constraint
//! `x IN ('a', 'b', 'c')` builds a temporary table on every insert: a third of start-up), and
//! one `PRAGMA quick_check` over what was written checks them all at once. Should it find a row
//! that breaks one, the seeding is undone and done again with the constraints, so a bad fixture
//! fails with the very error it always did.

use rusqlite::Transaction;

use super::{StoreError, orgs, seed, user_types};
use crate::fixtures::{FixtureSet, OrgFixture};

/// The triggers of schema step 5 that keep `user_types`' counts of portal users.
const COUNT_TRIGGERS: &str = "SELECT name, sql FROM sqlite_master
                              WHERE type = 'trigger' AND tbl_name = 'portal_users'
                                AND name LIKE 'portal_users_counted_on_%'";

/// Seeds each org of `fixtures` not in the database yet (named after its fixture, with its
/// tokens); the counts come out as the triggers would have kept them.
pub fn seed_missing(tx: &Transaction<'_>, fixtures: &FixtureSet) -> Result<(), StoreError> {
    let fresh = !tx.prepare("SELECT 1 FROM orgs LIMIT 1")?.exists([])?;
    let mut missing: Vec<(&str, &OrgFixture)> = Vec::new();
    for (name, fixture) in fixtures.orgs() {
        if !orgs::exists(tx, name)? {
            missing.push((name, fixture));
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let triggers: Vec<(String, String)> = {
        let mut statement = tx.prepare(COUNT_TRIGGERS)?;
        let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    for (name, _) in &triggers {
        tx.execute_batch(&format!("DROP TRIGGER \"{}\"", name.replace('"', "\"\"")))?;
    }
    if !(fresh && seed_unchecked(tx, &missing)?) {
        seed_all(tx, &missing)?;
    }
    for (_, sql) in &triggers {
        tx.execute_batch(sql)?;
    }
    Ok(())
}

/// Seeds `missing` with the CHECK constraints off, and checks them once after; answers whether
/// every row keeps them (if not, nothing was written).
fn seed_unchecked(
    tx: &Transaction<'_>,
    missing: &[(&str, &OrgFixture)],
) -> Result<bool, StoreError> {
    tx.execute_batch("SAVEPOINT unchecked_seed; PRAGMA ignore_check_constraints = ON")?;
    let seeded = seed_all(tx, missing);
    tx.execute_batch("PRAGMA ignore_check_constraints = OFF")?;
    let kept = seeded.is_ok() && quick_check_passes(tx)?;
    tx.execute_batch(if kept {
        "RELEASE unchecked_seed"
    } else {
        "ROLLBACK TO unchecked_seed; RELEASE unchecked_seed"
    })?;
    Ok(kept)
}

fn seed_all(tx: &Transaction<'_>, missing: &[(&str, &OrgFixture)]) -> Result<(), StoreError> {
    for (name, fixture) in missing {
        seed::seed_org(tx, name, name, fixture, seed::Tokens::FromFixture)?;
        user_types::recount(tx, name)?;
    }
    Ok(())
}

/// Whether `PRAGMA quick_check` (which checks every row's NOT NULL and CHECK constraints) finds
/// nothing wrong in the tables that have CHECK constraints (checked one by one: less to hold
/// than the whole database at once).
fn quick_check_passes(conn: &rusqlite::Connection) -> Result<bool, StoreError> {
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master
             WHERE type = 'table' AND sql LIKE '%CHECK%' ORDER BY name",
        )?
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    for table in tables {
        let mut statement = conn.prepare(&format!(
            "PRAGMA quick_check(\"{}\")",
            table.replace('"', "\"\"")
        ))?;
        let findings: Vec<String> = statement
            .query_map([], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        if findings != ["ok"] {
            return Ok(false);
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::super::Store;
    use super::*;

    #[test]
    fn seeded_counts_are_the_recounted_ones_and_the_triggers_are_back() {
        let store = Store::open_in_memory(FixtureSet::embedded().unwrap()).unwrap();
        store
            .read(|conn| {
                let triggers: i64 = conn.query_row(
                    &format!("SELECT COUNT(*) FROM ({COUNT_TRIGGERS})"),
                    [],
                    |row| row.get(0),
                )?;
                assert_eq!(triggers, 3);
                let (types, off): (i64, i64) = conn.query_row(
                    "SELECT COUNT(*), COALESCE(SUM(
                         active_users <> (SELECT COUNT(*) FROM portal_users p
                                          WHERE p.org_id = t.org_id AND p.user_type_id = t.id
                                            AND p.active = 1)
                         OR inactive_users <> (SELECT COUNT(*) FROM portal_users p
                                               WHERE p.org_id = t.org_id
                                                 AND p.user_type_id = t.id AND p.active = 0)), 0)
                     FROM user_types t",
                    [],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )?;
                assert!(types > 0);
                assert_eq!(off, 0);
                let counted: i64 = conn.query_row(
                    "SELECT COALESCE(SUM(active_users + inactive_users), 0) FROM user_types",
                    [],
                    |row| row.get(0),
                )?;
                assert!(counted > 0);
                Ok::<_, StoreError>(())
            })
            .unwrap();
    }

    #[test]
    fn quick_check_finds_a_row_that_breaks_a_check_constraint() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE t (kind TEXT NOT NULL CHECK (kind IN ('a', 'b', 'c')));
             INSERT INTO t VALUES ('a');",
        )
        .unwrap();
        assert!(quick_check_passes(&conn).unwrap());
        conn.execute_batch(
            "PRAGMA ignore_check_constraints = ON; INSERT INTO t VALUES ('z');
             PRAGMA ignore_check_constraints = OFF;",
        )
        .unwrap();
        assert!(!quick_check_passes(&conn).unwrap());
    }

    #[test]
    fn a_fixture_row_that_breaks_a_check_constraint_fails_as_seeding_with_them_does() {
        let seed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/seed");
        let read = |path: &str| std::fs::read_to_string(seed.join(path)).unwrap();
        let crm = read("crm/zylker_crm.json");
        assert!(crm.contains(r#""approval": "under_review""#));
        let set = || {
            FixtureSet::from_files([
                ("orgs/zylker.json".to_owned(), read("orgs/zylker.json")),
                (
                    "crm/zylker_crm.json".to_owned(),
                    crm.replace(r#""approval": "under_review""#, r#""approval": "bogus""#),
                ),
            ])
            .unwrap()
        };
        let expected = {
            let fixtures = set();
            let mut conn = rusqlite::Connection::open_in_memory().unwrap();
            super::super::schema::migrate(&mut conn).unwrap();
            let tx = conn.transaction().unwrap();
            let missing: Vec<(&str, &OrgFixture)> = fixtures.orgs().collect();
            seed_all(&tx, &missing).err().unwrap().to_string()
        };
        assert!(expected.contains("CHECK constraint failed"), "{expected}");
        let found = Store::open_in_memory(set()).err().unwrap().to_string();
        assert_eq!(found, expected);
    }
}
