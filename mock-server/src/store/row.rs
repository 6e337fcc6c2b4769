//! Row mappers: [`from_row!`] builds a struct from a result row's columns, read in the order the
//! struct's fields are written, so a mapper lists field names instead of column numbers.
//!
//! [`rows`] collects every row of a query through such a mapper; [`row`] reads the one row a
//! query may answer.
//!
//! The columns must be in the order of the SELECT list the mapper reads: keep each SELECT next
//! to its mapper. A column read into the wrong field is a silent bug that only the tests catch.

use rusqlite::{Connection, OptionalExtension};

use super::StoreError;

/// Every row `sql` answers for `args`, each mapped through `map` (the statement is cached).
pub(crate) fn rows<T>(
    conn: &Connection,
    sql: &str,
    args: impl rusqlite::Params,
    map: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>, StoreError> {
    let mut statement = conn.prepare_cached(sql)?;
    let found = statement.query_map(args, map)?;
    Ok(found.collect::<Result<_, _>>()?)
}

/// The first row `sql` answers for `args`, mapped through `map`, or `None` when it answers
/// none (the statement is cached).
pub(crate) fn row<T>(
    conn: &Connection,
    sql: &str,
    args: impl rusqlite::Params,
    map: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Option<T>, StoreError> {
    Ok(conn.prepare_cached(sql)?.query_row(args, map).optional()?)
}

/// Reads a row's columns one after the other (what [`from_row!`] expands to).
pub(crate) struct Columns<'r, 's> {
    row: &'r rusqlite::Row<'s>,
    next: usize,
}

impl<'r, 's> Columns<'r, 's> {
    /// Starts at the row's first column.
    pub(crate) fn new(row: &'r rusqlite::Row<'s>) -> Columns<'r, 's> {
        Columns { row, next: 0 }
    }

    /// The next column, converted to `T`.
    pub(crate) fn next<T: rusqlite::types::FromSql>(&mut self) -> rusqlite::Result<T> {
        let value = self.row.get(self.next);
        self.next += 1;
        value
    }
}

/// Builds a struct from a row: `from_row!(row => Type { fields })` is a
/// `rusqlite::Result<Type>`, its fields read from the row's columns in the order written,
/// starting at column 0. Each field is one of:
///
/// - `name`: the next column as it is (`name: row.get(i)?`);
/// - `name: convert`: the next column through a function or closure
///   (`trial: flag` is `trial: flag(row.get(i)?)`);
/// - `name: Nested { fields }`: a struct read from the next columns, with the same rules;
/// - `name: (_, _)`: a tuple of the next columns, one `_` each;
/// - `name = value`: a value that reads no column (`fields = Vec::new()`).
///
/// ```ignore
/// // SELECT id, name, display_label FROM layouts …
/// from_row!(row => LayoutRow { id, name, display_label, fields = Vec::new() })
/// // SELECT p.name, p.zaid, p.active, p.created_time, p.created_by, c.name, …
/// from_row!(row => PortalRow {
///     name, zaid, active: flag, created_time, created_by: UserRef { id, name }, …
/// })
/// ```
macro_rules! from_row {
    ($row:expr => $ty:ident { $($fields:tt)* }) => {{
        let mut columns = $crate::store::row::Columns::new($row);
        Ok::<_, ::rusqlite::Error>(
            $crate::store::row::from_row!(@fields columns $ty [] $($fields)*),
        )
    }};
    // Every field read: the struct expression (its fields are evaluated in the order written).
    (@fields $columns:ident $ty:ident [$($done:tt)*]) => {
        $ty { $($done)* }
    };
    (@fields $columns:ident $ty:ident [$($done:tt)*]
        $field:ident : $nested:ident { $($inner:tt)* } $(, $($rest:tt)*)?) => {
        $crate::store::row::from_row!(@fields $columns $ty [$($done)*
            $field: $crate::store::row::from_row!(@fields $columns $nested [] $($inner)*),
        ] $($($rest)*)?)
    };
    (@fields $columns:ident $ty:ident [$($done:tt)*]
        $field:ident : ($($part:tt),+) $(, $($rest:tt)*)?) => {
        $crate::store::row::from_row!(@fields $columns $ty [$($done)*
            $field: ($($crate::store::row::from_row!(@column $columns $part),)+),
        ] $($($rest)*)?)
    };
    (@column $columns:ident _) => {
        $columns.next()?
    };
    (@fields $columns:ident $ty:ident [$($done:tt)*] $field:ident = $value:expr) => {
        $crate::store::row::from_row!(@fields $columns $ty [$($done)* $field: $value,])
    };
    (@fields $columns:ident $ty:ident [$($done:tt)*]
        $field:ident = $value:expr, $($rest:tt)*) => {
        $crate::store::row::from_row!(@fields $columns $ty [$($done)* $field: $value,] $($rest)*)
    };
    (@fields $columns:ident $ty:ident [$($done:tt)*] $field:ident : $convert:expr) => {
        $crate::store::row::from_row!(@fields $columns $ty [$($done)*
            $field: $convert($columns.next()?),
        ])
    };
    (@fields $columns:ident $ty:ident [$($done:tt)*]
        $field:ident : $convert:expr, $($rest:tt)*) => {
        $crate::store::row::from_row!(@fields $columns $ty [$($done)*
            $field: $convert($columns.next()?),
        ] $($rest)*)
    };
    (@fields $columns:ident $ty:ident [$($done:tt)*] $field:ident $(, $($rest:tt)*)?) => {
        $crate::store::row::from_row!(@fields $columns $ty [$($done)*
            $field: $columns.next()?,
        ] $($($rest)*)?)
    };
}

pub(crate) use from_row;

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use crate::store::flag;

    #[derive(Debug, PartialEq)]
    struct Inner {
        id: String,
        name: Option<String>,
    }

    #[derive(Debug, PartialEq)]
    struct Outer {
        first: i64,
        on: bool,
        inner: Inner,
        twice: i64,
        pair: (i64, String),
        empty: Vec<i64>,
        last: String,
    }

    #[test]
    fn fields_take_the_columns_in_the_order_written() {
        let conn = Connection::open_in_memory().unwrap();
        let outer = conn
            .query_row("SELECT 1, 1, 'u1', NULL, 21, 7, 'b', 'end'", [], |row| {
                from_row!(row => Outer {
                    first,
                    on: flag,
                    inner: Inner { id, name },
                    twice: |n: i64| n * 2,
                    pair: (_, _),
                    empty = Vec::new(),
                    last,
                })
            })
            .unwrap();
        assert_eq!(
            outer,
            Outer {
                first: 1,
                on: true,
                inner: Inner {
                    id: "u1".into(),
                    name: None
                },
                twice: 42,
                pair: (7, "b".into()),
                empty: Vec::new(),
                last: "end".into(),
            }
        );
    }
}
