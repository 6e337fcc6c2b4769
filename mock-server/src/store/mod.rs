//! The store: SQLite through rusqlite, the only place SQL is written.
//!
//! One connection behind a mutex; every reading request runs in [`Store::read`], every writing
//! request in one transaction through [`Store::write`] (applied completely or not at all).
//! In memory by default; with a file, WAL and `synchronous=FULL`, so every write that got a
//! success answer is on disk. No HTTP types live here.

pub mod crm;
pub mod crm_users;
pub mod dump;
pub mod invariants;
pub mod jobs;
pub mod org_copy;
pub mod org_image;
pub mod orgs;
pub mod portal_users;
pub mod portals;
pub mod read_cache;
pub mod record_queries;
pub mod records;
mod row;
mod schema;
pub mod seed;
pub mod snapshots;
mod startup;
pub mod tokens;
mod touched;
pub mod user_pages;
pub mod user_types;

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::fixtures::FixtureSet;

pub use schema::SCHEMA_VERSION;
#[doc(hidden)]
pub use schema::create_at_version;

/// Prepared statements kept per connection: more than the store has distinct statements.
const STATEMENT_CACHE: usize = 256;

/// A store failure. Handlers turn it into the 500 `INTERNAL_ERROR` after logging the cause.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite refused or failed a statement.
    #[error("sqlite: {0}")]
    Sql(#[from] rusqlite::Error),
    /// The database was written by a newer portals-mock.
    #[error(
        "the database has schema version {found}, newer than this portals-mock understands ({supported}); use a newer portals-mock or another --db file"
    )]
    TooNew {
        /// `PRAGMA user_version` of the file.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
    /// Rows break the schema's keys (named, at most a screenful), so the change was not made.
    #[error("{context}: {} rows break the database's rules (nothing was changed):\n  {}{}", rows.len(), rows.iter().take(20).cloned().collect::<Vec<_>>().join("\n  "), if rows.len() > 20 { "\n  …" } else { "" })]
    Broken {
        /// What was being done.
        context: String,
        /// Each broken row and the rule it breaks.
        rows: Vec<String>,
    },
    /// A fixture could not be seeded (a dangling reference, a bad timestamp).
    #[error("fixture {fixture}: {message}")]
    Fixture {
        /// The fixture's name.
        fixture: String,
        /// What is wrong.
        message: String,
    },
}

/// Who writes a row and when: a job scheduled, a record added or changed, a user type created.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Requester<'a> {
    /// The org it is written in.
    pub org_id: &'a str,
    /// The CRM user whose call it is (shown as the owner, creator or modifier).
    pub user_id: &'a str,
    /// When, by the org's clock.
    pub now: i64,
}

/// The database and the fixtures it is seeded from.
pub struct Store {
    /// The one connection, and the cache of token and org lookups that lives under its lock.
    /// A std mutex: it is never held across an `.await`.
    conn: Mutex<(Connection, read_cache::ReadCache)>,
    /// Moved by every write, before it changes anything: what was read at one generation is
    /// current while the generation is (the answer cache of `GET` calls relies on it).
    generation: AtomicU64,
    /// The tables the current write has changed (SQLite's update hook fills it).
    touched: std::sync::Arc<touched::Touched>,
    /// By table, the last write that changed it (taken under the connection's lock).
    table_writes: Mutex<touched::TableWrites>,
    /// The fixtures orgs are created and reset from.
    fixtures: FixtureSet,
}

impl Store {
    /// A fresh in-memory database, seeded with one org per fixture.
    pub fn open_in_memory(fixtures: FixtureSet) -> Result<Store, StoreError> {
        let conn = Connection::open_in_memory()?;
        Store::init(conn, fixtures, false)
    }

    /// A database file: created and seeded if new, upgraded if older, refused if newer.
    /// Orgs already in the file are kept as they are; missing fixture orgs are seeded.
    pub fn open(path: &Path, fixtures: FixtureSet) -> Result<Store, StoreError> {
        let conn = Connection::open(path)?;
        Store::init(conn, fixtures, true)
    }

    fn init(mut conn: Connection, fixtures: FixtureSet, file: bool) -> Result<Store, StoreError> {
        // Every statement is prepared once (`prepare_cached`): room for all of them, so the
        // cache never evicts one that a request needs (rusqlite keeps 16 by default).
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        conn.pragma_update(None, "foreign_keys", true)?;
        if file {
            conn.busy_timeout(std::time::Duration::from_secs(5))?;
        }
        // Before WAL is turned on: a database refused as too new is left byte for byte as it was.
        schema::migrate(&mut conn)?;
        if file {
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "FULL")?;
        }
        let touched = std::sync::Arc::new(touched::Touched::default());
        touched.install(&conn);
        let store = Store {
            conn: Mutex::new((conn, read_cache::ReadCache::default())),
            generation: AtomicU64::new(0),
            touched,
            table_writes: Mutex::default(),
            fixtures,
        };
        store.write(|tx| {
            jobs::requeue_interrupted(tx)?;
            startup::seed_missing(tx, &store.fixtures)
        })?;
        Ok(store)
    }

    /// The fixtures this store seeds from.
    pub fn fixtures(&self) -> &FixtureSet {
        &self.fixtures
    }

    /// The number of writes begun so far. Read it before reading the database: while it has not
    /// moved, nothing read since has changed (a write moves it under the lock, before it
    /// changes anything).
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// The connection and its cache. A panic while it was held leaves nothing half-written
    /// (writes roll back), so a poisoned lock is taken as it is.
    fn lock(&self) -> MutexGuard<'_, (Connection, read_cache::ReadCache)> {
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` on the connection (for reads).
    pub fn read<T, E>(&self, f: impl FnOnce(&Connection) -> Result<T, E>) -> Result<T, E> {
        let guard = self.lock();
        f(&guard.0)
    }

    /// Runs `f` on the connection with what reads have cached until the next write (module
    /// metadata, the users a listing matched).
    pub fn read_cached<T, E>(
        &self,
        f: impl FnOnce(&Connection, &mut read_cache::ReadCache) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut guard = self.lock();
        let (conn, cache) = &mut *guard;
        f(conn, cache)
    }

    /// An access token's grant: cached until a write changes tokens, orgs, users or profiles
    /// (every API call makes this lookup).
    pub fn access_token(
        &self,
        token: &str,
    ) -> Result<Option<std::sync::Arc<tokens::AccessGrant>>, StoreError> {
        let mut guard = self.lock();
        let (conn, cache) = &mut *guard;
        cache.token(token, || tokens::access(conn, token))
    }

    /// Whether a user acts for a client-portal user of its org: cached until a write changes
    /// portal users or users (every v8 user-type call asks).
    pub fn acts_for_portal_user(&self, org_id: &str, user_id: &str) -> Result<bool, StoreError> {
        let mut guard = self.lock();
        let (conn, cache) = &mut *guard;
        cache.portal_user(org_id, user_id, || {
            tokens::acts_for_portal_user(conn, org_id, user_id)
        })
    }

    /// An org's row: cached until a write changes orgs (every API call makes this lookup).
    pub fn org(&self, org_id: &str) -> Result<Option<std::sync::Arc<orgs::OrgRow>>, StoreError> {
        let mut guard = self.lock();
        let (conn, cache) = &mut *guard;
        cache.org(org_id, || orgs::get(conn, org_id))
    }

    /// Runs `f` in one IMMEDIATE transaction: committed if `f` answers `Ok`, rolled back otherwise.
    pub fn write<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut guard = self.lock();
        let (conn, cache) = &mut *guard;
        // Every answer rendered before may be stale now.
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        self.touched.start();
        let before = conn.total_changes();
        let outcome = (|| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(StoreError::from)?;
            let value = f(&tx)?;
            tx.commit().map_err(StoreError::from)?;
            Ok(value)
        })();
        // Committed or rolled back, the cached reads of the tables it touched are dropped
        // before the lock is released.
        let changed = conn.total_changes().saturating_sub(before);
        let tables = self.touched.finish(changed);
        let names = self.touched.take_names();
        let known = (tables != touched::ALL).then_some(names);
        lock_table_writes(&self.table_writes).record(generation, known);
        cache.forget(tables);
        outcome
    }

    /// Org `org_id`'s image: every row of every table it holds (`org_image`).
    pub fn org_image(&self, org_id: &str) -> Result<org_image::OrgImage, StoreError> {
        let guard = self.lock();
        org_image::read(&guard.0, org_id, self.generation(), None)
    }

    /// Org `org_id`'s image now, given its image `before`: the tables no write changed since
    /// `before` was read are taken from it, the others read again.
    pub fn org_image_since(
        &self,
        org_id: &str,
        before: &org_image::OrgImage,
    ) -> Result<org_image::OrgImage, StoreError> {
        let guard = self.lock();
        let writes = lock_table_writes(&self.table_writes);
        let changed = |table: &str| writes.written_after(table, before.generation());
        org_image::read(
            &guard.0,
            org_id,
            self.generation(),
            Some((before, &changed)),
        )
    }
}

fn lock_table_writes(
    writes: &Mutex<touched::TableWrites>,
) -> std::sync::MutexGuard<'_, touched::TableWrites> {
    writes
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Reads a boolean column stored as 0/1.
pub(crate) fn flag(value: i64) -> bool {
    value != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_lookups_never_outlive_a_write() {
        let store = Store::open_in_memory(FixtureSet::embedded().unwrap()).unwrap();
        assert!(store.access_token("1000.zylker.admin").unwrap().is_some());
        assert_eq!(store.org("zylker").unwrap().unwrap().edition, "Enterprise");
        store
            .write(|tx| {
                tx.execute("DELETE FROM tokens WHERE token = '1000.zylker.admin'", [])?;
                tx.execute("UPDATE orgs SET edition = 'Free' WHERE id = 'zylker'", [])?;
                Ok::<_, StoreError>(())
            })
            .unwrap();
        assert!(store.access_token("1000.zylker.admin").unwrap().is_none());
        assert_eq!(store.org("zylker").unwrap().unwrap().edition, "Free");
        // A write that fails changes nothing, and the cache answers as the database does.
        let failed: Result<(), StoreError> = store.write(|tx| {
            tx.execute(
                "UPDATE orgs SET edition = 'Ultimate' WHERE id = 'zylker'",
                [],
            )?;
            Err(StoreError::Fixture {
                fixture: "test".into(),
                message: "roll back".into(),
            })
        });
        assert!(failed.is_err());
        assert_eq!(store.org("zylker").unwrap().unwrap().edition, "Free");
    }

    #[test]
    fn a_write_forgets_only_the_lookups_that_depend_on_what_it_changed() {
        let store = Store::open_in_memory(FixtureSet::embedded().unwrap()).unwrap();
        let grant = || store.access_token("1000.zylker.admin").unwrap().unwrap();
        let first = grant();
        // A portal user removed: the token's grant does not depend on it.
        store
            .write(|tx| {
                tx.execute("DELETE FROM portal_users WHERE org_id = 'zylker'", [])?;
                Ok::<_, StoreError>(())
            })
            .unwrap();
        assert!(std::sync::Arc::ptr_eq(&first, &grant()), "kept");
        // A profile changed: it does.
        store
            .write(|tx| {
                tx.execute(
                    "UPDATE profiles SET manage_portal = 0 WHERE org_id = 'zylker'",
                    [],
                )?;
                Ok::<_, StoreError>(())
            })
            .unwrap();
        assert!(!grant().manage_portal);
        // A change the update hook does not report (a table emptied wholesale) drops everything.
        let before = grant();
        store
            .write(|tx| {
                tx.execute("DELETE FROM snapshots", [])?;
                tx.execute("INSERT INTO tokens SELECT * FROM tokens WHERE 0", [])?;
                tx.execute("DELETE FROM tokens", [])?;
                Ok::<_, StoreError>(())
            })
            .unwrap();
        assert!(store.access_token("1000.zylker.admin").unwrap().is_none());
        assert!(!std::sync::Arc::ptr_eq(&before, &first));
    }

    #[test]
    fn cached_module_metadata_never_outlives_a_write() {
        let store = Store::open_in_memory(FixtureSet::embedded().unwrap()).unwrap();
        let label = || {
            store
                .read_cached(|conn, cache| {
                    let module = crm::module_by_api_name(conn, "zylker", "Contacts")?.unwrap();
                    let id = module.id.clone();
                    let meta = cache
                        .module_meta("zylker", &id, || crm::module_meta(conn, "zylker", module))?;
                    let email = meta.fields.iter().find(|f| f.api_name == "Email").unwrap();
                    Ok::<_, StoreError>(email.field_label.clone())
                })
                .unwrap()
        };
        assert_eq!(label(), "Email");
        store
            .write(|tx| {
                tx.execute(
                    "UPDATE fields SET field_label = 'Mail' WHERE org_id = 'zylker' AND api_name = 'Email'",
                    [],
                )?;
                Ok::<_, StoreError>(())
            })
            .unwrap();
        assert_eq!(label(), "Mail");
    }
}
