//! SQL for pages of a type's users: which users match a listing's filter, and one page of them.
//!
//! A listing first needs every matching user in invitation order (`seq`): their number is the
//! page's `total_count`, and the page is a slice of them. That list comes from one scan of the
//! covering index `portal_users_by_type` (no table row is read), and it is remembered until the
//! next write ([`SeqMemo`], under the store's lock), so paging through a type costs the scan
//! once and then only the rows of each page: page 50 costs what page 1 does.

use std::collections::HashMap;
use std::sync::Arc;

use rusqlite::Connection;

use super::StoreError;
use super::portal_users::{PortalUserRow, SELECT, UserFilter, row_to_user, where_clause};
use super::read_cache::remembered;

/// Past this many lists the memo is emptied (a client trying every filter cannot grow it).
const MAX_LISTS: usize = 64;

/// The matching users' `seq`s of recent listings, by org, type and filter; emptied by every
/// write.
#[derive(Debug, Default)]
pub struct SeqMemo {
    lists: HashMap<String, Arc<Vec<i64>>>,
}

impl SeqMemo {
    /// Forgets everything (after a write).
    pub fn clear(&mut self) {
        self.lists.clear();
    }
}

/// The `seq`s of a type's users that match `filter`, in invitation order: remembered, or read
/// with one scan of the covering index.
pub fn matching(
    conn: &Connection,
    memo: &mut SeqMemo,
    org_id: &str,
    user_type_id: &str,
    filter: &UserFilter,
) -> Result<Arc<Vec<i64>>, StoreError> {
    let key = format!("{org_id}\u{0}{user_type_id}\u{0}{filter:?}");
    remembered(&mut memo.lists, key.as_str(), MAX_LISTS, || {
        let seqs: Vec<i64> = conn
            .prepare_cached(&matching_sql(filter))?
            .query_map(bound(org_id, user_type_id, filter, 0, 0), |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(Arc::new(seqs))
    })
}

/// The users of a page: those that match `filter` with a `seq` from `first` to `last` (a slice
/// of what [`matching`] answered), in invitation order.
pub fn page(
    conn: &Connection,
    org_id: &str,
    user_type_id: &str,
    filter: &UserFilter,
    first: i64,
    last: i64,
) -> Result<Vec<PortalUserRow>, StoreError> {
    Ok(conn
        .prepare_cached(&page_sql(filter))?
        .query_map(
            bound(org_id, user_type_id, filter, first, last),
            row_to_user,
        )?
        .collect::<Result<Vec<_>, _>>()?)
}

fn matching_sql(filter: &UserFilter) -> String {
    format!(
        "SELECT p.seq FROM portal_users p WHERE {} ORDER BY p.seq",
        where_clause(filter)
    )
}

fn page_sql(filter: &UserFilter) -> String {
    format!(
        "{SELECT} WHERE {} AND p.seq BETWEEN ?5 AND ?6 ORDER BY p.seq",
        where_clause(filter)
    )
}

/// The parameters of [`where_clause`] (`?1`–`?4`, `?7`) and a `seq` range (`?5`, `?6`).
fn bound<'a>(
    org_id: &'a str,
    user_type_id: &'a str,
    filter: &'a UserFilter,
    first: i64,
    last: i64,
) -> impl rusqlite::Params + 'a {
    let reason = filter
        .status_reason
        .as_ref()
        .map(|(_, value)| value.as_str());
    (
        org_id,
        user_type_id,
        reason,
        filter.personality_ids.as_deref(),
        first,
        last,
        filter.source.as_deref(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FixtureSet;
    use crate::store::Store;

    fn plan(conn: &Connection, sql: &str, filter: &UserFilter) -> String {
        let mut statement = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let rows = statement
            .query_map(bound("o", "t", filter, 1, 200), |row| {
                row.get::<_, String>(3)
            })
            .unwrap();
        rows.map(Result::unwrap).collect::<Vec<_>>().join("\n")
    }

    /// The filters of a listing (the bench's: active users whose status reason is not spam).
    fn filters() -> Vec<UserFilter> {
        vec![
            UserFilter::default(),
            UserFilter {
                active: Some(true),
                status_reason: Some((false, "spam".into())),
                ..UserFilter::default()
            },
            UserFilter {
                confirm: Some(false),
                status_reason: Some((true, "expired".into())),
                ..UserFilter::default()
            },
        ]
    }

    /// The matching users come from the covering index alone, and a page reads only its range
    /// of it: neither scans the table.
    #[test]
    fn listings_read_the_covering_index_never_the_table() {
        let store = Store::open_in_memory(FixtureSet::embedded().unwrap()).unwrap();
        store
            .read(|conn| {
                for filter in filters() {
                    let matching = plan(conn, &matching_sql(&filter), &filter);
                    assert!(
                        matching.contains("USING COVERING INDEX portal_users_by_type"),
                        "{filter:?}: {matching}"
                    );
                    let page = plan(conn, &page_sql(&filter), &filter);
                    assert!(
                        page.contains("USING INDEX portal_users_by_type (org_id=? AND user_type_id=? AND seq>? AND seq<?)"),
                        "{filter:?}: {page}"
                    );
                    for found in [&matching, &page] {
                        assert!(!found.contains("SCAN p"), "{filter:?}: {found}");
                    }
                }
                Ok::<_, StoreError>(())
            })
            .unwrap();
    }

    /// What a listing matched is remembered until the next write, and only so long.
    #[test]
    fn matching_users_are_remembered_until_a_write() {
        let store = Store::open_in_memory(FixtureSet::embedded().unwrap()).unwrap();
        let type_id = "1306462000001813022";
        let matched = || {
            store
                .read_cached(|conn, cache| {
                    let all = UserFilter::default();
                    matching(conn, &mut cache.seqs, "zylker", type_id, &all)
                })
                .unwrap()
        };
        let first = matched();
        assert!(!first.is_empty());
        assert!(Arc::ptr_eq(&first, &matched()), "read twice");
        store
            .write(|tx| {
                tx.execute(
                    "DELETE FROM portal_users WHERE org_id = 'zylker' AND user_type_id = ?1",
                    [type_id],
                )?;
                Ok::<_, StoreError>(())
            })
            .unwrap();
        let after = matched();
        assert!(after.is_empty(), "{after:?}");
    }
}
