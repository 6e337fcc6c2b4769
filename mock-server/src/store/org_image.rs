//! An org's image: every row it holds in every table (`orgs`, tokens, jobs and snapshots
//! included), each with its `rowid`, written out as bytes in the order SQLite reads them (by
//! the index on the org's key). Equal images of an org mean it holds the same rows as before,
//! each at the same rowid: no row added, removed, changed or put back elsewhere. (Rows read in
//! another order would make images differ while the rows are the same: a false "changed" costs
//! the reader a new org, never a wrong one.) The conformance runner compares the image of an org
//! it handed to a scenario with the image after the scenario, and gives an org left as it was to
//! the next scenario instead of deleting it and copying a new one.

use rusqlite::Connection;
use rusqlite::types::ValueRef;

use super::StoreError;
use super::org_copy;

/// What an org held when it was read (see the module's doc); compare two with `==` (which
/// compares the rows, not when they were read).
#[derive(Clone)]
pub struct OrgImage {
    /// The rows' values, table after table.
    values: Vec<u8>,
    /// The rows' rowids, in the same order.
    rowids: Vec<i64>,
    /// Where each table's part ends, in `values` and in `rowids`.
    ends: Vec<(usize, usize)>,
    /// The store's write generation when it was read.
    generation: u64,
}

impl PartialEq for OrgImage {
    fn eq(&self, other: &OrgImage) -> bool {
        self.values == other.values && self.rowids == other.rowids && self.ends == other.ends
    }
}

impl Eq for OrgImage {}

impl OrgImage {
    /// The store's write generation when it was read.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Whether the org holds the same rows as at `other`, maybe at other rowids.
    pub fn same_rows(&self, other: &OrgImage) -> bool {
        self.values == other.values
    }

    /// By table (in the order of [`org_copy::row_readers`]), whether its rows or their rowids
    /// differ from `other`'s.
    pub fn changed_tables(&self, other: &OrgImage) -> Vec<bool> {
        let (mine, theirs) = (self.parts(), other.parts());
        if mine.len() != theirs.len() {
            return vec![true; mine.len()];
        }
        mine.iter().zip(&theirs).map(|(a, b)| a != b).collect()
    }

    /// Each table's values and rowids.
    fn parts(&self) -> Vec<(&[u8], &[i64])> {
        let mut start = (0, 0);
        self.ends
            .iter()
            .map(|&end| {
                let part = (&self.values[start.0..end.0], &self.rowids[start.1..end.1]);
                start = end;
                part
            })
            .collect()
    }
}

impl std::fmt::Debug for OrgImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "OrgImage({} rows, {} bytes)",
            self.rowids.len(),
            self.values.len()
        )
    }
}

/// Marks written between the values of an image, so no two different sets of rows write the
/// same bytes: a row ends, and each value says its type.
mod mark {
    pub const ROW_END: u8 = 0xF1;
    pub const NULL: u8 = 0;
    pub const INTEGER: u8 = 1;
    pub const REAL: u8 = 2;
    pub const TEXT: u8 = 3;
    pub const BLOB: u8 = 4;
}

/// An earlier image of an org, and whether a table was written since it was read.
pub type Since<'a> = (&'a OrgImage, &'a dyn Fn(&str) -> bool);

/// The image of org `org_id` (empty tables when there is no such org), read at the store's
/// write generation `generation`. With `since` (an earlier image of the org, and which tables
/// were written since it was read), a table no write changed is taken from that image.
pub fn read(
    conn: &Connection,
    org_id: &str,
    generation: u64,
    since: Option<Since<'_>>,
) -> Result<OrgImage, StoreError> {
    let mut image = OrgImage {
        values: Vec::with_capacity(16 * 1024),
        rowids: Vec::with_capacity(256),
        ends: Vec::new(),
        generation,
    };
    let readers = org_copy::row_readers(conn)?;
    let earlier = since
        .map(|(before, written)| (before.parts(), written))
        .filter(|(parts, _)| parts.len() == readers.len());
    for (at, (table, sql)) in readers.into_iter().enumerate() {
        let kept = match &earlier {
            Some((parts, written)) if !written(table) => Some(parts[at]),
            _ => None,
        };
        if let Some((values, rowids)) = kept {
            image.values.extend_from_slice(values);
            image.rowids.extend_from_slice(rowids);
        } else {
            let mut statement = conn.prepare_cached(sql)?;
            let columns = statement.column_count();
            let mut rows = statement.query([org_id])?;
            while let Some(row) = rows.next()? {
                image.rowids.push(row.get(0)?);
                for column in 1..columns {
                    write_value(&mut image.values, row.get_ref(column)?);
                }
                image.values.push(mark::ROW_END);
            }
        }
        image.ends.push((image.values.len(), image.rowids.len()));
    }
    Ok(image)
}

fn write_value(bytes: &mut Vec<u8>, value: ValueRef<'_>) {
    match value {
        ValueRef::Null => bytes.push(mark::NULL),
        ValueRef::Integer(n) => {
            bytes.push(mark::INTEGER);
            bytes.extend_from_slice(&n.to_le_bytes());
        }
        ValueRef::Real(x) => {
            bytes.push(mark::REAL);
            bytes.extend_from_slice(&x.to_bits().to_le_bytes());
        }
        ValueRef::Text(data) => {
            bytes.push(mark::TEXT);
            write_len_prefixed(bytes, data);
        }
        ValueRef::Blob(data) => {
            bytes.push(mark::BLOB);
            write_len_prefixed(bytes, data);
        }
    }
}

fn write_len_prefixed(bytes: &mut Vec<u8>, data: &[u8]) {
    bytes.extend_from_slice(&(data.len() as u64).to_le_bytes());
    bytes.extend_from_slice(data);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::FixtureSet;
    use crate::store::Store;

    fn zylker_image(store: &Store) -> OrgImage {
        store.org_image("zylker").unwrap()
    }

    fn write(store: &Store, sql: &str) {
        store
            .write(|tx| tx.execute_batch(sql).map_err(StoreError::from))
            .unwrap();
    }

    /// Any change to any of the org's tables changes its image and undoing it gives the image
    /// back, but the same rows put back in another order do not; another org's change leaves it.
    #[test]
    fn an_image_changes_with_every_row_of_its_org_and_only_its_org() {
        let store = Store::open_in_memory(FixtureSet::embedded().unwrap()).unwrap();
        let fresh = zylker_image(&store);
        assert_eq!(zylker_image(&store), fresh, "reading changes nothing");

        write(&store, "DELETE FROM portal_users WHERE org_id = 'crowded'");
        assert_eq!(zylker_image(&store), fresh, "another org's rows");

        for (change, undo) in [
            (
                "UPDATE orgs SET next_seq = next_seq + 1 WHERE id = 'zylker'",
                "UPDATE orgs SET next_seq = next_seq - 1 WHERE id = 'zylker'",
            ),
            (
                "UPDATE tokens SET scopes = scopes || ',x' WHERE org_id = 'zylker'",
                "UPDATE tokens SET scopes = substr(scopes, 1, length(scopes) - 2) WHERE org_id = 'zylker'",
            ),
            (
                "UPDATE fields SET api_name = api_name || 'x' WHERE org_id = 'zylker'",
                "UPDATE fields SET api_name = substr(api_name, 1, length(api_name) - 1) WHERE org_id = 'zylker'",
            ),
        ] {
            write(&store, change);
            let changed = zylker_image(&store);
            assert_ne!(changed, fresh, "{change}");
            // Read again from the fresh image: only the tables written since are read.
            assert_eq!(store.org_image_since("zylker", &fresh).unwrap(), changed);
            write(&store, undo);
            assert_eq!(zylker_image(&store), fresh, "{undo}");
            assert_eq!(store.org_image_since("zylker", &changed).unwrap(), fresh);
        }

        // The same rows put back in another order.
        write(
            &store,
            "CREATE TEMP TABLE kept AS SELECT * FROM tokens WHERE org_id = 'zylker';
             DELETE FROM tokens WHERE org_id = 'zylker';
             INSERT INTO tokens SELECT * FROM temp.kept ORDER BY rowid DESC;",
        );
        assert_ne!(
            zylker_image(&store),
            fresh,
            "rows put back in another order"
        );
    }

    /// Every table with an `org_id` column is read, jobs and snapshots included.
    #[test]
    fn an_image_reads_every_table_of_the_org() {
        let store = Store::open_in_memory(FixtureSet::embedded().unwrap()).unwrap();
        let tables: i64 = store
            .read(|c| {
                c.query_row(
                    "SELECT COUNT(*) FROM main.sqlite_master m WHERE m.type = 'table'
                       AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) p WHERE p.name = 'org_id')",
                    [],
                    |row| row.get(0),
                )
            })
            .unwrap();
        let readers = store.read(org_copy::row_readers).unwrap();
        assert_eq!(readers.len() as i64, tables + 1, "the org tables and orgs");
        for table in ["orgs", "jobs", "snapshots", "tokens"] {
            assert!(readers.iter().any(|(name, _)| *name == table), "{table}");
        }
    }
}
