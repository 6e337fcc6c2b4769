//! Which tables a write changed, as SQLite's update hook tells them, so a write empties only
//! the cached reads that depend on those tables (a user invited leaves the token lookups
//! cached; a token refreshed leaves the modules' metadata).
//!
//! The hook is not called for every change SQLite can make (a `DELETE` without `WHERE` may
//! empty a table wholesale), so each write also compares the rows the hook reported with
//! SQLite's own count of changed rows; when they differ, every cached read is dropped.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use rusqlite::Connection;

/// `tokens` rows changed.
pub const TOKENS: u32 = 1;
/// `orgs` rows changed.
pub const ORGS: u32 = 1 << 1;
/// `users` rows changed.
pub const USERS: u32 = 1 << 2;
/// `profiles` rows changed.
pub const PROFILES: u32 = 1 << 3;
/// `portal_users` rows changed.
pub const PORTAL_USERS: u32 = 1 << 4;
/// A module's metadata changed: `modules`, `fields`, `layouts`, `layout_fields` or `views`.
pub const MODULE_META: u32 = 1 << 5;
/// Any other table.
pub const OTHER: u32 = 1 << 6;
/// Everything: what a write whose changes were not all reported counts as.
pub const ALL: u32 = u32::MAX;

/// The tables changed since [`Touched::start`], and how many rows the hook reported.
#[derive(Debug, Default)]
pub struct Touched {
    tables: AtomicU32,
    rows: AtomicU64,
}

impl Touched {
    /// Makes SQLite report every row `conn` changes to this.
    pub fn install(self: &Arc<Self>, conn: &Connection) {
        let touched = Arc::clone(self);
        conn.update_hook(Some(
            move |_: rusqlite::hooks::Action, _: &str, table: &str, _: i64| {
                touched.tables.fetch_or(bit(table), Ordering::Relaxed);
                touched.rows.fetch_add(1, Ordering::Relaxed);
            },
        ));
    }

    /// Forgets what earlier writes changed (before a write starts).
    pub fn start(&self) {
        self.tables.store(0, Ordering::Relaxed);
        self.rows.store(0, Ordering::Relaxed);
    }

    /// The tables changed since [`Touched::start`], given how many rows SQLite counts as
    /// changed meanwhile: [`ALL`] when the hook reported a different number.
    pub fn finish(&self, rows_changed: u64) -> u32 {
        let tables = self.tables.swap(0, Ordering::Relaxed);
        let reported = self.rows.swap(0, Ordering::Relaxed);
        if reported == rows_changed {
            tables
        } else {
            ALL
        }
    }
}

/// The bit of a table.
fn bit(table: &str) -> u32 {
    match table {
        "tokens" => TOKENS,
        "orgs" => ORGS,
        "users" => USERS,
        "profiles" => PROFILES,
        "portal_users" => PORTAL_USERS,
        "modules" | "fields" | "layouts" | "layout_fields" | "views" => MODULE_META,
        _ => OTHER,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hook_names_the_tables_a_write_changed_and_a_miscount_names_them_all() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE tokens (t TEXT); CREATE TABLE fields (f TEXT); CREATE TABLE jobs (j TEXT);",
        )
        .unwrap();
        let touched = Arc::new(Touched::default());
        touched.install(&conn);
        touched.start();
        let before = conn.total_changes();
        conn.execute_batch(
            "INSERT INTO tokens VALUES ('a'), ('b'); INSERT INTO fields VALUES ('f');",
        )
        .unwrap();
        assert_eq!(
            touched.finish(conn.total_changes() - before),
            TOKENS | MODULE_META
        );
        touched.start();
        conn.execute_batch("INSERT INTO jobs VALUES ('j')").unwrap();
        // SQLite counted a change the hook did not report.
        assert_eq!(touched.finish(2), ALL);
        touched.start();
        let before = conn.total_changes();
        // A table emptied wholesale: counted by SQLite, reported row by row or not at all.
        conn.execute_batch("DELETE FROM tokens").unwrap();
        let changed = touched.finish(conn.total_changes() - before);
        assert!(changed == TOKENS || changed == ALL, "{changed:b}");
    }
}
