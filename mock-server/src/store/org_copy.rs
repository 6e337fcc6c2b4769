//! Orgs made from a fixture without seeding it again, orgs deleted table by table, and the
//! statements that read an org's rows table by table (`org_image`).
//!
//! The first org made from a fixture is seeded (`seed::seed_org`, every check included); its
//! rows are then kept, the org id replaced by the fixture's name, in `temp.template_<table>`
//! tables of the connection. Every later org from that fixture is copied from them inside
//! SQLite (`INSERT … SELECT`, in rowid order), table by table, parents before children, so
//! the keys hold at every row and no `PRAGMA defer_foreign_keys` is needed (setting a pragma
//! expires every prepared statement of the connection). The templates live as long as the
//! connection and roll back with the transaction that wrote them; tokens and snapshots are
//! never part of them (an org made by the control plane gets tokens of its own).
//!
//! Deleting an org removes its rows children first, so no cascade has to look for the
//! children of each deleted row.
//!
//! The tables are found from the schema (every table with an `org_id` column, ordered by
//! their foreign keys), so a table added by a later migration is copied and deleted without
//! touching this file.

use std::sync::OnceLock;

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;
use super::row::rows;

/// Tables whose rows are not part of a fixture's copy: tokens are server-wide strings (a copy
/// cannot reuse the fixture's), snapshots are taken at run time.
const NOT_COPIED: [&str; 2] = ["tokens", "snapshots"];

/// The org's tables as the schema has them, and the SQL that copies and deletes them.
struct Layout {
    /// `orgs`, then every table with an `org_id` column, parents before children.
    tables: Vec<Table>,
}

/// One table of an org.
struct Table {
    name: String,
    /// Copied into templates and out of them (not tokens or snapshots; `orgs` is).
    copied: bool,
    /// `CREATE TEMP TABLE IF NOT EXISTS template_<name> …` (empty, the table's columns).
    create_template: String,
    /// Rows of org `?1` into the template as fixture `?2`.
    capture: String,
    /// Rows of fixture `?2`'s template into the table as org `?1`.
    copy: String,
    /// Deletes the rows of org `?1`.
    delete: String,
    /// Every column of org `?1`'s rows, `rowid` first, in the order of the index on the key
    /// (no sort).
    read_all: String,
    /// `orgs` only: sets every column of org `?1`'s row (but its id) to fixture `?2`'s template.
    restore_row: String,
    /// The places in [`Layout::tables`] of the tables this one's foreign keys name (not `orgs`).
    parents: Vec<usize>,
}

/// The same for every connection of this build: the schema is migrated before any org is
/// made or deleted.
static LAYOUT: OnceLock<Layout> = OnceLock::new();

fn layout(conn: &Connection) -> Result<&'static Layout, StoreError> {
    if let Some(layout) = LAYOUT.get() {
        return Ok(layout);
    }
    let layout = Layout::read(conn)?;
    Ok(LAYOUT.get_or_init(|| layout))
}

impl Layout {
    fn read(conn: &Connection) -> Result<Layout, StoreError> {
        let names = texts(
            conn,
            "SELECT m.name FROM main.sqlite_master m
             WHERE m.type = 'table'
               AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) p WHERE p.name = 'org_id')
             ORDER BY m.name",
            [],
        )?;
        let mut parents = Vec::new();
        for name in &names {
            let sql = "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?1)";
            parents.push(texts(conn, sql, [name])?);
        }
        // Parents first: a table comes once every table it names (but `orgs` and itself) has.
        let mut ordered: Vec<String> = Vec::new();
        while ordered.len() < names.len() {
            let next = names.iter().zip(&parents).find(|(name, of)| {
                !ordered.contains(name)
                    && of
                        .iter()
                        .all(|p| p == "orgs" || p == *name || ordered.contains(p))
            });
            let Some((name, _)) = next else {
                return Err(StoreError::Broken {
                    context: "ordering the org's tables by their foreign keys".into(),
                    rows: vec!["the tables' foreign keys form a cycle".into()],
                });
            };
            ordered.push(name.clone());
        }
        let mut tables = vec![Table::read(conn, "orgs", "id")?];
        for name in &ordered {
            tables.push(Table::read(conn, name, "org_id")?);
        }
        // Each table's parents by place (`orgs` and itself left out: never deleted under it).
        for (name, of) in names.iter().zip(&parents) {
            let place = |n: &String| tables.iter().position(|t| &t.name == n);
            let under: Vec<usize> = of
                .iter()
                .filter(|p| *p != "orgs" && *p != name)
                .filter_map(place)
                .collect();
            if let Some(at) = place(name) {
                tables[at].parents = under;
            }
        }
        Ok(Layout { tables })
    }
}

impl Table {
    fn read(conn: &Connection, name: &str, key: &str) -> Result<Table, StoreError> {
        let columns = texts(
            conn,
            "SELECT name FROM pragma_table_info(?1) ORDER BY cid",
            [name],
        )?;
        let listed = columns
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let renamed = columns
            .iter()
            .map(|c| {
                if c == key {
                    "?1".to_owned()
                } else {
                    format!("\"{c}\"")
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        // The capture swaps the roles: the rows of org ?1 become the template's rows of ?2.
        let captured = renamed.replace("?1", "?2");
        let others: Vec<String> = columns
            .iter()
            .filter(|c| *c != key)
            .map(|c| format!("\"{c}\""))
            .collect();
        let others = others.join(", ");
        Ok(Table {
            copied: !NOT_COPIED.contains(&name),
            create_template: format!(
                "CREATE TEMP TABLE IF NOT EXISTS \"template_{name}\" AS SELECT * FROM main.\"{name}\" WHERE 0"
            ),
            capture: format!(
                "INSERT INTO temp.\"template_{name}\" ({listed}) SELECT {captured} FROM main.\"{name}\" WHERE \"{key}\" = ?1 ORDER BY rowid"
            ),
            copy: format!(
                "INSERT INTO main.\"{name}\" ({listed}) SELECT {renamed} FROM temp.\"template_{name}\" WHERE \"{key}\" = ?2 ORDER BY rowid"
            ),
            delete: format!("DELETE FROM main.\"{name}\" WHERE \"{key}\" = ?1"),
            read_all: format!("SELECT rowid, * FROM main.\"{name}\" WHERE \"{key}\" = ?1"),
            restore_row: format!(
                "UPDATE main.\"{name}\" SET ({others}) = (SELECT {others} FROM temp.\"template_{name}\" WHERE \"{key}\" = ?2) WHERE \"{key}\" = ?1"
            ),
            parents: Vec::new(),
            name: name.to_owned(),
        })
    }
}

/// For each of the org's tables (`orgs` first, tokens, snapshots and jobs included): its name
/// and the statement that reads every column of org `?1`'s rows, `rowid` first.
pub(super) fn row_readers(
    conn: &Connection,
) -> Result<Vec<(&'static str, &'static str)>, StoreError> {
    Ok(layout(conn)?
        .tables
        .iter()
        .map(|table| (table.name.as_str(), table.read_all.as_str()))
        .collect())
}

/// The one text column of every row `sql` answers.
fn texts(
    conn: &Connection,
    sql: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<String>, StoreError> {
    rows(conn, sql, args, |row| row.get(0))
}

/// Whether the templates hold fixture `fixture` (an org made from it can be copied).
pub fn has_template(conn: &Connection, fixture: &str) -> Result<bool, StoreError> {
    let made: bool = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM temp.sqlite_master
                            WHERE type = 'table' AND name = 'template_orgs')",
        )?
        .query_row([], |row| row.get(0))?;
    if !made {
        return Ok(false);
    }
    Ok(conn
        .prepare_cached("SELECT 1 FROM temp.template_orgs WHERE id = ?1")?
        .query_row([fixture], |row| row.get::<_, i64>(0))
        .optional()?
        .is_some())
}

/// Keeps org `org_id`, just seeded from fixture `fixture` (without tokens), as that fixture's
/// template.
pub fn capture(conn: &Connection, org_id: &str, fixture: &str) -> Result<(), StoreError> {
    for table in layout(conn)?.tables.iter().filter(|t| t.copied) {
        conn.execute(&table.create_template, [])?;
        conn.prepare_cached(&table.capture)?
            .execute(params![org_id, fixture])?;
    }
    Ok(())
}

/// Makes org `org_id` a copy of fixture `fixture`'s template ([`has_template`] first).
pub fn copy(conn: &Connection, fixture: &str, org_id: &str) -> Result<(), StoreError> {
    for table in layout(conn)?.tables.iter().filter(|t| t.copied) {
        conn.prepare_cached(&table.copy)?
            .execute(params![org_id, fixture])?;
    }
    // The user types came with the template's kept counts, and the portal users copied after
    // them counted themselves again (schema step 5's triggers): count them afresh.
    super::user_types::recount(conn, org_id)
}

/// Puts back the tables of org `org_id` that `changed` names (by place, as
/// [`row_readers`] lists them), and every table under them, as fixture `fixture`'s template
/// holds them: their rows deleted children first, copied parents first; the `orgs` row is set
/// back in place. `false` (nothing done) when that cannot make the org as it was: tokens or
/// snapshots changed (a template holds none), or there is no template of `fixture`.
pub fn restore_tables(
    conn: &Connection,
    org_id: &str,
    fixture: &str,
    changed: &[bool],
) -> Result<bool, StoreError> {
    let tables = &layout(conn)?.tables;
    if changed.len() != tables.len() || !has_template(conn, fixture)? {
        return Ok(false);
    }
    // Parents come first: one pass finds every table under a changed one.
    let mut redo = changed[1..].to_vec();
    for (at, table) in tables.iter().enumerate().skip(1) {
        redo[at - 1] |= table.parents.iter().any(|p| redo[p - 1]);
    }
    let redone = || tables[1..].iter().zip(&redo).filter(|(_, r)| **r);
    if redone().any(|(table, _)| !table.copied) {
        return Ok(false);
    }
    for (table, _) in redone().collect::<Vec<_>>().into_iter().rev() {
        conn.prepare_cached(&table.delete)?.execute([org_id])?;
    }
    if changed[0] {
        conn.prepare_cached(&tables[0].restore_row)?
            .execute(params![org_id, fixture])?;
    }
    for (table, _) in redone() {
        conn.prepare_cached(&table.copy)?
            .execute(params![org_id, fixture])?;
    }
    super::user_types::recount(conn, org_id)?;
    Ok(true)
}

/// Deletes an org and everything it holds, children first; `false` when there is no such org.
pub fn delete(conn: &Connection, org_id: &str) -> Result<bool, StoreError> {
    let tables = &layout(conn)?.tables;
    // `orgs` is first: deleted last.
    for table in tables.iter().rev() {
        let deleted = conn.prepare_cached(&table.delete)?.execute([org_id])?;
        if table.name == "orgs" {
            return Ok(deleted > 0);
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::FixtureSet;
    use crate::store::{Store, seed, snapshots};

    /// A copy holds what a seeded org holds: every row of every table, the org's settings.
    #[test]
    fn a_copied_org_is_the_org_seeding_makes() {
        let fixtures = FixtureSet::embedded().unwrap();
        let store = Store::open_in_memory(fixtures.clone()).unwrap();
        for (name, fixture) in fixtures.orgs() {
            let seeded = format!("{name}-seeded");
            let copied = format!("{name}-copied");
            store
                .write(|tx| {
                    assert!(!has_template(tx, name)?);
                    seed::seed_org(tx, &seeded, name, fixture, seed::Tokens::None)?;
                    capture(tx, &seeded, name)?;
                    assert!(has_template(tx, name)?);
                    copy(tx, name, &copied)?;
                    Ok::<_, StoreError>(())
                })
                .unwrap();
            let mut a = store.read(|c| snapshots::capture(c, &seeded)).unwrap();
            let mut b = store.read(|c| snapshots::capture(c, &copied)).unwrap();
            a["org"]["id"] = "x".into();
            b["org"]["id"] = "x".into();
            let same_ids = |v: &serde_json::Value, id: &str| {
                v.to_string().replace(&format!("\"{id}\""), "\"ORG\"")
            };
            assert_eq!(same_ids(&a, &seeded), same_ids(&b, &copied), "{name}");
            assert!(
                store
                    .read(|c| super::super::invariants::check_org(c, &copied))
                    .unwrap()
                    .is_empty()
            );
        }
    }

    /// Deleting children first leaves nothing of the org, and nothing of another org goes.
    #[test]
    fn a_deleted_org_leaves_no_row() {
        let store = Store::open_in_memory(FixtureSet::embedded().unwrap()).unwrap();
        let others = store.read(|c| snapshots::capture(c, "zylker")).unwrap();
        assert!(store.write(|tx| delete(tx, "crowded")).unwrap());
        assert!(!store.write(|tx| delete(tx, "crowded")).unwrap());
        for table in &layout_of(&store).tables {
            let left: i64 = store
                .read(|c| {
                    c.query_row(
                        &format!(
                            "SELECT COUNT(*) FROM \"{}\" WHERE {} = 'crowded'",
                            table.name,
                            if table.name == "orgs" { "id" } else { "org_id" }
                        ),
                        [],
                        |row| row.get(0),
                    )
                })
                .unwrap();
            assert_eq!(left, 0, "{}", table.name);
        }
        assert_eq!(
            store.read(|c| snapshots::capture(c, "zylker")).unwrap(),
            others
        );
    }

    fn layout_of(store: &Store) -> &'static Layout {
        store.read(layout).unwrap()
    }
}
