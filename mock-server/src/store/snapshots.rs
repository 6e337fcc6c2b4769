//! Snapshots of an org: every row it owns, table by table, saved in the `snapshots` table and put
//! back exactly on restore (the org's settings, id sequence and clock included).
//!
//! The tables are found from the schema (every table with an `org_id` column), so a table added
//! by a later migration is captured without touching this file.

use rusqlite::types::Value as Sql;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Map, Number, Value};

use super::StoreError;
use super::row::{from_row, rows};

/// A snapshot's id and when it was taken.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotRow {
    /// Its id (`snap-1`, …), unique in the org.
    pub id: String,
    /// When it was taken (Unix seconds).
    pub created_time: i64,
}

/// Saves the org as it is now; answers the snapshot's id.
pub fn take(conn: &Connection, org_id: &str, now: i64) -> Result<String, StoreError> {
    let data = capture(conn, org_id)?;
    let next: i64 = conn
        .prepare_cached(
            "SELECT COALESCE(MAX(CAST(SUBSTR(id, 6) AS INTEGER)), 0) + 1 FROM snapshots
             WHERE org_id = ?1",
        )?
        .query_row([org_id], |row| row.get(0))?;
    let id = format!("snap-{next}");
    conn.prepare_cached(
        "INSERT INTO snapshots (org_id, id, created_time, data) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![org_id, id, now, data.to_string()])?;
    Ok(id)
}

/// The org's snapshots, oldest first.
pub fn list(conn: &Connection, org_id: &str) -> Result<Vec<SnapshotRow>, StoreError> {
    rows(
        conn,
        "SELECT id, created_time FROM snapshots WHERE org_id = ?1 ORDER BY created_time, rowid",
        [org_id],
        |row| from_row!(row => SnapshotRow { id, created_time }),
    )
}

/// Deletes a snapshot; `false` when there is none.
pub fn delete(conn: &Connection, org_id: &str, id: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("DELETE FROM snapshots WHERE org_id = ?1 AND id = ?2")?
        .execute(params![org_id, id])?
        > 0)
}

/// Puts the org back as the snapshot holds it; `false` when there is no such snapshot.
pub fn restore(conn: &Connection, org_id: &str, id: &str) -> Result<bool, StoreError> {
    let Some(data) = conn
        .prepare_cached("SELECT data FROM snapshots WHERE org_id = ?1 AND id = ?2")?
        .query_row(params![org_id, id], |row| row.get::<_, String>(0))
        .optional()?
    else {
        return Ok(false);
    };
    let data: Value = serde_json::from_str(&data).map_err(|e| StoreError::Fixture {
        fixture: format!("snapshot {id}"),
        message: format!("unreadable snapshot: {e}"),
    })?;
    // Every table is emptied before any is filled (deleting a user type clears the jobs' links
    // to it), with the keys checked when the transaction commits.
    conn.pragma_update(None, "defer_foreign_keys", true)?;
    let tables = org_tables(conn)?;
    for table in &tables {
        conn.execute(
            &format!("DELETE FROM \"{table}\" WHERE org_id = ?1"),
            [org_id],
        )?;
    }
    for table in tables {
        let Some(saved) = data["tables"].get(&table) else {
            continue;
        };
        let columns: Vec<&str> = saved["columns"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let placeholders = vec!["?"; columns.len()].join(", ");
        let quoted: Vec<String> = columns.iter().map(|c| format!("\"{c}\"")).collect();
        let mut insert = conn.prepare(&format!(
            "INSERT INTO \"{table}\" ({}) VALUES ({placeholders})",
            quoted.join(", ")
        ))?;
        for row in saved["rows"].as_array().into_iter().flatten() {
            let values: Vec<Sql> = row.as_array().into_iter().flatten().map(to_sql).collect();
            insert.execute(rusqlite::params_from_iter(values))?;
        }
    }
    if let Some(settings) = data["org"].as_object() {
        for (column, value) in settings {
            if column != "id" {
                conn.execute(
                    &format!("UPDATE orgs SET \"{column}\" = ?2 WHERE id = ?1"),
                    params![org_id, to_sql(value)],
                )?;
            }
        }
    }
    // A snapshot taken before jobs were linked to their user types (schema 2) restores them
    // unlinked: link them to the types the restored org holds.
    super::jobs::link_types(conn, org_id)?;
    // The saved counts, and the triggers' additions as the users went back in: counted afresh.
    super::user_types::recount(conn, org_id)?;
    Ok(true)
}

/// Every row of the org: `{"org": {column: value}, "tables": {name: {"columns", "rows"}}}`.
/// Rows are in rowid order, so two captures of the same state are equal.
pub fn capture(conn: &Connection, org_id: &str) -> Result<Value, StoreError> {
    let mut tables = Map::new();
    for table in org_tables(conn)? {
        let mut statement = conn.prepare(&format!(
            "SELECT * FROM \"{table}\" WHERE org_id = ?1 ORDER BY rowid"
        ))?;
        let columns: Vec<String> = statement
            .column_names()
            .into_iter()
            .map(str::to_owned)
            .collect();
        let width = columns.len();
        let rows = statement
            .query_map([org_id], |row| {
                (0..width)
                    .map(|i| row.get::<_, Sql>(i).map(|v| to_json(&v)))
                    .collect::<Result<Vec<_>, _>>()
            })?
            .collect::<Result<Vec<_>, _>>()?;
        tables.insert(
            table,
            serde_json::json!({ "columns": columns, "rows": rows }),
        );
    }
    let mut statement = conn.prepare("SELECT * FROM orgs WHERE id = ?1")?;
    let columns: Vec<String> = statement
        .column_names()
        .into_iter()
        .map(str::to_owned)
        .collect();
    let org = statement
        .query_row([org_id], |row| {
            let mut object = Map::new();
            for (i, column) in columns.iter().enumerate() {
                object.insert(column.clone(), to_json(&row.get::<_, Sql>(i)?));
            }
            Ok(Value::Object(object))
        })
        .optional()?
        .unwrap_or(Value::Null);
    Ok(serde_json::json!({ "org": org, "tables": tables }))
}

/// The tables an org owns rows in (every table with an `org_id` column but `snapshots`).
fn org_tables(conn: &Connection) -> Result<Vec<String>, StoreError> {
    rows(
        conn,
        "SELECT m.name FROM sqlite_master m
         WHERE m.type = 'table' AND m.name <> 'snapshots'
           AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) p WHERE p.name = 'org_id')
         ORDER BY m.name",
        [],
        |row| row.get(0),
    )
}

fn to_json(value: &Sql) -> Value {
    match value {
        Sql::Null => Value::Null,
        Sql::Integer(n) => Value::Number((*n).into()),
        Sql::Real(x) => Number::from_f64(*x).map_or(Value::Null, Value::Number),
        Sql::Text(text) => Value::String(text.clone()),
        Sql::Blob(bytes) => Value::Array(bytes.iter().map(|b| Value::from(*b)).collect()),
    }
}

fn to_sql(value: &Value) -> Sql {
    match value {
        Value::Null => Sql::Null,
        Value::Bool(b) => Sql::Integer(i64::from(*b)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Sql::Integer(i),
            None => Sql::Real(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(text) => Sql::Text(text.clone()),
        Value::Array(bytes) => Sql::Blob(
            bytes
                .iter()
                .filter_map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok()))
                .collect(),
        ),
        Value::Object(_) => Sql::Text(value.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::FixtureSet;
    use crate::store::Store;

    #[test]
    fn a_restored_org_is_the_org_that_was_saved() {
        let store = Store::open_in_memory(FixtureSet::embedded().unwrap()).unwrap();
        let (before, id) = store
            .write(|tx| {
                let before = capture(tx, "zylker")?;
                let id = take(tx, "zylker", 1)?;
                Ok::<_, StoreError>((before, id))
            })
            .unwrap();
        store
            .write(|tx| {
                tx.execute("DELETE FROM portal_users WHERE org_id = 'zylker'", [])?;
                tx.execute(
                    "UPDATE orgs SET next_seq = 5, clock_shift = 60 WHERE id = 'zylker'",
                    [],
                )?;
                tx.execute(
                    "UPDATE portals SET name = 'Changed1' WHERE org_id = 'zylker'",
                    [],
                )?;
                Ok::<_, StoreError>(())
            })
            .unwrap();
        let blank_before = store.read(|conn| capture(conn, "blank")).unwrap();
        assert!(store.write(|tx| restore(tx, "zylker", &id)).unwrap());
        let after = store.read(|conn| capture(conn, "zylker")).unwrap();
        assert_eq!(before, after);
        assert_eq!(
            blank_before,
            store.read(|conn| capture(conn, "blank")).unwrap()
        );
        assert!(!store.write(|tx| restore(tx, "zylker", "snap-9")).unwrap());
        assert_eq!(store.read(|conn| list(conn, "zylker")).unwrap().len(), 1);
        assert_eq!(store.write(|tx| take(tx, "zylker", 2)).unwrap(), "snap-2");
    }
}
