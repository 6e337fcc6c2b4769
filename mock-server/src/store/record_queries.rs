//! SQL that reads many CRM records at once: a page of a module's records (list), the records a
//! [`Filter`] selects (search, and the duplicate check of an upsert), and a page of deleted
//! records.
//!
//! A [`Filter`] compiles to a `WHERE` fragment with bound parameters only: field API names go
//! in as JSON paths (`$."Last_Name"`), never into the SQL text. Text compares with `NOCASE`, as
//! Zoho's search ignores case; the record's email is its own column, so a search by email
//! (`= ? COLLATE NOCASE`, or a prefix as a `NOCASE` range) goes through the index
//! `records_by_email (org_id, email COLLATE NOCASE)`.

use rusqlite::Connection;
use rusqlite::types::Value as SqlValue;

use super::StoreError;
use super::flag;
use super::records::{FullRecord, RecordRow};
use super::row::{from_row, rows};

/// What a condition reads.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// The record's email (the module's first email field), with its index.
    Email,
    /// The record id.
    Id,
    /// A field kept in the record's JSON, by API name.
    Field(String),
    /// The `id` of a lookup field kept in the record's JSON.
    FieldId(String),
}

/// A value to compare with.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// Text, compared without case.
    Text(String),
    /// A number.
    Number(f64),
    /// A boolean.
    Bool(bool),
}

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Equal to one of the operands.
    Equals,
    /// Equal to none of them (or empty).
    NotEqual,
    /// Starts with one of them (text).
    StartsWith,
    /// `>`
    Greater,
    /// `>=`
    GreaterEqual,
    /// `<`
    Less,
    /// `<=`
    LessEqual,
    /// Between the two operands, both included.
    Between,
}

/// Which records a search selects.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// Every part holds.
    All(Vec<Filter>),
    /// One part holds.
    Any(Vec<Filter>),
    /// One condition.
    Test {
        /// What it reads.
        column: Column,
        /// How it compares.
        op: Op,
        /// With what (one value, two for between, several for a list).
        operands: Vec<Operand>,
    },
    /// A word anywhere in the record's name, email or fields (the `word` parameter).
    Word(String),
}

/// The order of a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    /// By id.
    Id,
    /// By creation time.
    CreatedTime,
    /// By last change.
    ModifiedTime,
}

const RECORD_COLUMNS: &str = "id, module_id, name, email, approval, gdpr_consent, state, data,
    created_time, created_by, modified_time, modified_by";

fn full_record(row: &rusqlite::Row<'_>) -> rusqlite::Result<FullRecord> {
    from_row!(row => FullRecord {
        row: RecordRow {
            id, module_id, name, email, approval, gdpr_consent: flag, state,
        },
        data, created_time, created_by, modified_time, modified_by,
    })
}

/// Active records of a module in the given order, `limit` from `offset`.
pub fn list(
    conn: &Connection,
    org_id: &str,
    module_id: &str,
    sort: SortBy,
    descending: bool,
    limit: usize,
    offset: usize,
) -> Result<Vec<FullRecord>, StoreError> {
    let key = match sort {
        SortBy::Id => "CAST(id AS INTEGER)",
        SortBy::CreatedTime => "created_time",
        SortBy::ModifiedTime => "modified_time",
    };
    let direction = if descending { "DESC" } else { "ASC" };
    let order = format!("{key} {direction}, CAST(id AS INTEGER) {direction}");
    let (sql, params) = page_sql(
        org_id,
        module_id,
        |_| "state = 'active'".to_owned(),
        &order,
        limit,
        offset,
    );
    query(conn, &sql, params)
}

/// Active records of a module that `filter` selects, by id, `limit` from `offset`.
pub fn search(
    conn: &Connection,
    org_id: &str,
    module_id: &str,
    filter: &Filter,
    limit: usize,
    offset: usize,
) -> Result<Vec<FullRecord>, StoreError> {
    let (sql, params) = search_sql(org_id, module_id, filter, limit, offset);
    query(conn, &sql, params)
}

/// The statement [`search`] runs, and its parameters (for the query-plan test).
pub fn search_sql(
    org_id: &str,
    module_id: &str,
    filter: &Filter,
    limit: usize,
    offset: usize,
) -> (String, Vec<SqlValue>) {
    page_sql(
        org_id,
        module_id,
        |params| format!("state = 'active' AND ({})", compile(filter, params)),
        "CAST(id AS INTEGER)",
        limit,
        offset,
    )
}

/// Records of a module in the recycle bin (`recycle`), deleted for good (`permanent`), or both,
/// the latest deleted first.
pub fn deleted(
    conn: &Connection,
    org_id: &str,
    module_id: &str,
    recycle: bool,
    permanent: bool,
    limit: usize,
    offset: usize,
) -> Result<Vec<FullRecord>, StoreError> {
    let (sql, params) = page_sql(
        org_id,
        module_id,
        |params| {
            let recycle = param(params, i64::from(recycle));
            let permanent = param(params, i64::from(permanent));
            format!(
                "((state = 'recycle_bin' AND {recycle}) OR (state = 'deleted' AND {permanent}))"
            )
        },
        "modified_time DESC, CAST(id AS INTEGER) DESC",
        limit,
        offset,
    );
    query(conn, &sql, params)
}

/// A page of a module's records: those `condition` selects (it pushes its parameters, numbered
/// from `?3`), in `order`, `limit` from `offset`; the statement and its parameters.
fn page_sql(
    org_id: &str,
    module_id: &str,
    condition: impl FnOnce(&mut Vec<SqlValue>) -> String,
    order: &str,
    limit: usize,
    offset: usize,
) -> (String, Vec<SqlValue>) {
    let mut params: Vec<SqlValue> = vec![org_id.to_owned().into(), module_id.to_owned().into()];
    let condition = condition(&mut params);
    let limit = param(&mut params, as_i64(limit));
    let offset = param(&mut params, as_i64(offset));
    // `LIMIT ?` (a bare parameter) lets SQLite plan with the bound value, and rusqlite clears
    // the bindings of a statement it caches, which makes SQLite prepare it again on every run;
    // a parameter inside an expression is planned once (see `paged_statements_are_prepared_once`).
    let sql = format!(
        "SELECT {RECORD_COLUMNS} FROM records
         WHERE org_id = ?1 AND module_id = ?2 AND {condition}
         ORDER BY {order} LIMIT CAST({limit} AS INTEGER) OFFSET CAST({offset} AS INTEGER)"
    );
    (sql, params)
}

fn query(
    conn: &Connection,
    sql: &str,
    params: Vec<SqlValue>,
) -> Result<Vec<FullRecord>, StoreError> {
    rows(conn, sql, rusqlite::params_from_iter(params), full_record)
}

fn as_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The SQL of a filter; its parameters are pushed onto `params` (numbered from there).
fn compile(filter: &Filter, params: &mut Vec<SqlValue>) -> String {
    match filter {
        Filter::All(parts) | Filter::Any(parts) if parts.is_empty() => "1".to_owned(),
        Filter::All(parts) => join(parts, " AND ", params),
        Filter::Any(parts) => join(parts, " OR ", params),
        Filter::Word(word) => {
            // `(?N || '')`: a bare parameter after LIKE would make SQLite prepare the statement
            // again on every run (see `paged_statements_are_prepared_once`).
            let pattern = format!(
                "({} || '')",
                param(params, format!("%{}%", like_escaped(word)))
            );
            format!(
                "(name LIKE {pattern} ESCAPE '\\' OR email LIKE {pattern} ESCAPE '\\' \
                 OR data LIKE {pattern} ESCAPE '\\')"
            )
        }
        Filter::Test {
            column,
            op,
            operands,
        } => test(column, *op, operands, params),
    }
}

fn join(parts: &[Filter], glue: &str, params: &mut Vec<SqlValue>) -> String {
    let parts: Vec<String> = parts
        .iter()
        .map(|part| format!("({})", compile(part, params)))
        .collect();
    parts.join(glue)
}

fn param(params: &mut Vec<SqlValue>, value: impl Into<SqlValue>) -> String {
    params.push(value.into());
    format!("?{}", params.len())
}

fn operand(params: &mut Vec<SqlValue>, value: &Operand) -> String {
    match value {
        Operand::Text(text) => param(params, text.clone()),
        Operand::Number(n) => param(params, *n),
        Operand::Bool(b) => param(params, i64::from(*b)),
    }
}

fn test(column: &Column, op: Op, operands: &[Operand], params: &mut Vec<SqlValue>) -> String {
    let expr = match column {
        Column::Email => "email".to_owned(),
        Column::Id => "id".to_owned(),
        Column::Field(api_name) => {
            let path = param(params, format!("$.\"{}\"", api_name.replace('"', "")));
            format!("json_extract(data, {path})")
        }
        Column::FieldId(api_name) => {
            let path = param(params, format!("$.\"{}\".id", api_name.replace('"', "")));
            format!("json_extract(data, {path})")
        }
    };
    let any = |params: &mut Vec<SqlValue>,
               each: &dyn Fn(&str, &Operand, &mut Vec<SqlValue>) -> String| {
        let parts: Vec<String> = operands.iter().map(|o| each(&expr, o, params)).collect();
        format!("({})", parts.join(" OR "))
    };
    let collate = |o: &Operand| {
        if matches!(o, Operand::Text(_)) {
            " COLLATE NOCASE"
        } else {
            ""
        }
    };
    match op {
        Op::Equals => any(params, &|expr, o, params| {
            format!("{expr} = {}{}", operand(params, o), collate(o))
        }),
        Op::NotEqual => {
            let equal = any(params, &|expr, o, params| {
                format!("{expr} = {}{}", operand(params, o), collate(o))
            });
            format!("({expr} IS NULL OR NOT {equal})")
        }
        Op::StartsWith => any(params, &|expr, o, params| match o {
            Operand::Text(prefix) => prefix_test(expr, prefix, params),
            other => format!("{expr} = {}", operand(params, other)),
        }),
        Op::Greater | Op::GreaterEqual | Op::Less | Op::LessEqual => {
            let sign = match op {
                Op::Greater => ">",
                Op::GreaterEqual => ">=",
                Op::Less => "<",
                _ => "<=",
            };
            match operands.first() {
                Some(o) => format!("{expr} {sign} {}{}", operand(params, o), collate(o)),
                None => "0".to_owned(),
            }
        }
        Op::Between => match operands {
            [low, high] => format!(
                "({expr} >= {}{} AND {expr} <= {}{})",
                operand(params, low),
                collate(low),
                operand(params, high),
                collate(high)
            ),
            _ => "0".to_owned(),
        },
    }
}

/// A prefix without case: a `NOCASE` range (an index on the column serves it) narrowed by
/// `LIKE` (which ignores ASCII case as `NOCASE` does).
fn prefix_test(expr: &str, prefix: &str, params: &mut Vec<SqlValue>) -> String {
    let low = param(params, prefix.to_owned());
    let high = param(params, format!("{prefix}{}", char::MAX));
    // Not a bare parameter: SQLite would plan with its value and prepare the statement again
    // on every run; the range above is what the index serves.
    let like = format!(
        "({} || '')",
        param(params, format!("{}%", like_escaped(prefix)))
    );
    format!(
        "({expr} >= {low} COLLATE NOCASE AND {expr} < {high} COLLATE NOCASE \
         AND {expr} LIKE {like} ESCAPE '\\')"
    )
}

/// `%`, `_` and `\` taken literally in a `LIKE … ESCAPE '\'` pattern.
fn like_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(conn: &Connection, filter: &Filter) -> String {
        let (sql, params) = search_sql("o", "m", filter, 200, 0);
        let mut statement = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let rows = statement
            .query_map(rusqlite::params_from_iter(params), |row| {
                row.get::<_, String>(3)
            })
            .unwrap();
        rows.map(Result::unwrap).collect::<Vec<_>>().join("\n")
    }

    fn text(column: Column, op: Op, value: &str) -> Filter {
        Filter::Test {
            column,
            op,
            operands: vec![Operand::Text(value.into())],
        }
    }

    /// A search by email, or by an email prefix, reads the email index, not the whole table.
    #[test]
    fn searches_by_email_use_the_email_index() {
        let store =
            crate::store::Store::open_in_memory(crate::FixtureSet::embedded().unwrap()).unwrap();
        let (by_email, by_prefix) = store
            .read(|conn| {
                Ok::<_, StoreError>((
                    plan(conn, &text(Column::Email, Op::Equals, "a@b.com")),
                    plan(conn, &text(Column::Email, Op::StartsWith, "user12")),
                ))
            })
            .unwrap();
        for found in [&by_email, &by_prefix] {
            assert!(
                found.contains("USING INDEX records_by_email"),
                "plan: {found}"
            );
            assert!(!found.starts_with("SCAN records"), "plan: {found}");
        }
    }

    #[test]
    fn filters_compile_to_bound_parameters_only() {
        let filter = Filter::All(vec![
            text(
                Column::Field("Last_Name\"; DROP".into()),
                Op::StartsWith,
                "a%b",
            ),
            Filter::Any(vec![
                text(Column::Id, Op::Equals, "1"),
                Filter::Word("x".into()),
            ]),
        ]);
        let (sql, params) = search_sql("o", "m", &filter, 10, 0);
        assert!(!sql.contains("DROP"));
        assert!(!sql.contains("a%b"));
        assert!(params.contains(&SqlValue::Text("a\\%b%".into())));
    }

    /// A search's statement, run again and again as requests do (prepared once, its bindings
    /// cleared when it goes back to the cache), is never prepared a second time: paging by
    /// `LIMIT`/`OFFSET` and `LIKE` patterns keep their parameters out of SQLite's planning.
    #[test]
    fn paged_statements_are_prepared_once() {
        let store =
            crate::store::Store::open_in_memory(crate::FixtureSet::embedded().unwrap()).unwrap();
        let filters = [
            text(Column::Email, Op::Equals, "a@b.com"),
            text(Column::Email, Op::StartsWith, "user12"),
            text(Column::Field("Last_Name".into()), Op::StartsWith, "Bo"),
            Filter::Word("x".into()),
        ];
        store
            .read(|conn| {
                for filter in &filters {
                    for offset in [0, 200, 400] {
                        let (sql, params) = search_sql("zylker", "m", filter, 201, offset);
                        let mut statement = conn.prepare_cached(&sql)?;
                        let _ = statement
                            .query_map(rusqlite::params_from_iter(params), |_| Ok(()))?
                            .count();
                        assert_eq!(
                            statement.get_status(rusqlite::StatementStatus::RePrepare),
                            0,
                            "{sql}"
                        );
                    }
                }
                Ok::<_, StoreError>(())
            })
            .unwrap();
    }
}
