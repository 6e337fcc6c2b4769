//! Which tables a write changed, as SQLite's update hook tells them, so a write empties only
//! the cached reads that depend on those tables (a user invited leaves the token lookups
//! cached; a token refreshed leaves the modules' metadata).
//!
//! The hook is not called for every change SQLite can make (a `DELETE` without `WHERE` may
//! empty a table wholesale), so each write also compares the rows the hook reported with
//! SQLite's own count of changed rows; when they differ, every cached read is dropped.
//!
//! The store also keeps, by table, the last write that changed it ([`TableWrites`]), so an
//! org's image read again reads only the tables written since (`org_image`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

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
    /// The names of the `main` tables changed, each once.
    names: Mutex<Vec<String>>,
}

impl Touched {
    /// Makes SQLite report every row `conn` changes to this.
    pub fn install(self: &Arc<Self>, conn: &Connection) {
        let touched = Arc::clone(self);
        conn.update_hook(Some(
            move |_: rusqlite::hooks::Action, db: &str, table: &str, _: i64| {
                touched.tables.fetch_or(bit(table), Ordering::Relaxed);
                touched.rows.fetch_add(1, Ordering::Relaxed);
                if db == "main" {
                    let mut names = lock(&touched.names);
                    if !names.iter().any(|name| name == table) {
                        names.push(table.to_owned());
                    }
                }
            },
        ));
    }

    /// Forgets what earlier writes changed (before a write starts).
    pub fn start(&self) {
        self.tables.store(0, Ordering::Relaxed);
        self.rows.store(0, Ordering::Relaxed);
        lock(&self.names).clear();
    }

    /// The `main` tables changed since [`Touched::start`] (complete only when
    /// [`Touched::finish`] did not answer [`ALL`]).
    pub fn take_names(&self) -> Vec<String> {
        std::mem::take(&mut *lock(&self.names))
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

/// When each table was last written: the generation of the last write that changed it.
#[derive(Debug, Default)]
pub struct TableWrites {
    by_table: HashMap<String, u64>,
    /// The last write whose changed tables are not known (all of them, then).
    unknown: u64,
}

impl TableWrites {
    /// Write `generation` changed `tables` (`None`: not known which).
    pub fn record(&mut self, generation: u64, tables: Option<Vec<String>>) {
        match tables {
            Some(tables) => {
                for table in tables {
                    self.by_table.insert(table, generation);
                }
            }
            None => self.unknown = generation,
        }
    }

    /// Whether a write after `generation` may have changed `table`.
    pub fn written_after(&self, table: &str, generation: u64) -> bool {
        self.unknown > generation || self.by_table.get(table).is_some_and(|g| *g > generation)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
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
        assert_eq!(touched.take_names(), ["tokens", "fields"]);
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

    #[test]
    fn a_table_counts_as_written_after_a_generation_when_a_later_write_changed_it() {
        let mut writes = TableWrites::default();
        writes.record(3, Some(vec!["tokens".into()]));
        assert!(writes.written_after("tokens", 2));
        assert!(!writes.written_after("tokens", 3));
        assert!(!writes.written_after("fields", 0));
        // A write whose tables are not known wrote them all.
        writes.record(5, None);
        assert!(writes.written_after("fields", 4));
        assert!(!writes.written_after("fields", 5));
    }
}
