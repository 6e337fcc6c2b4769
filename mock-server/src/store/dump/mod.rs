//! Dump: reads one org out of the database as an [`OrgFixture`] that `--fixtures` loads back.
//!
//! Everything the org holds is written with its CRM inline: settings (with `next_seq` as it is
//! now, so ids continue), CRM metadata and records, profiles, users, the OAuth clients its tokens
//! (or its fixture) name, tokens, the portal, user types, portal users and jobs. Rows come out
//! in the order they were written (`rowid`; `position` and `seq` where the table has an order
//! column), so a dump is deterministic and an untouched org dumps as its fixture. What the
//! database does not hold (the description, `note`s) is taken from the org's fixture when the
//! fixture set still has it.
//!
//! [`dump_file`] reads a database file offline without writing to it.

mod crm;
mod portal;

use std::path::Path;

use rusqlite::{Connection, OpenFlags, OptionalExtension};
use time::UtcOffset;

use super::row::{from_row, rows};
use super::{SCHEMA_VERSION, StoreError, flag, schema};
use crate::clock::{format_timestamp, parse_offset};
use crm::{bad_json, crm, json_column};
use portal::{jobs, portal, portal_users, user_types};

use crate::fixtures::{
    CrmSource, FixtureSet, OauthClientFixture, OrgFixture, OrgSettings, ProfileFixture,
    TokenFixture, UserFixture,
};

/// The org `org_id` as a fixture; `None` if there is no such org. `fixtures` supplies what the
/// database does not keep (the description and notes of the org's fixture).
pub fn dump_org(
    conn: &Connection,
    org_id: &str,
    fixtures: &FixtureSet,
) -> Result<Option<OrgFixture>, StoreError> {
    let Some((fixture_name, org)) = settings(conn, org_id)? else {
        return Ok(None);
    };
    let source = fixtures.org(&fixture_name);
    let offset = parse_offset(&org.utc_offset).map_err(|message| StoreError::Fixture {
        fixture: fixture_name.clone(),
        message,
    })?;
    let ts = |unix: i64| format_timestamp(unix, offset);
    let mut org = org;
    org.clock_fixed = clock_fixed(conn, org_id)?.map(ts);
    let tokens = tokens(conn, org_id, source, offset)?;
    let portal = portal(conn, org_id, &org.zaid, offset)?;
    let description = match source {
        Some(fixture) => fixture.description.clone(),
        None => format!("Dumped from org {org_id} (fixture {fixture_name})."),
    };
    Ok(Some(OrgFixture {
        description,
        crm: CrmSource::Inline(Box::new(crm(conn, org_id, source, offset)?)),
        profiles: profiles(conn, org_id)?,
        users: users(conn, org_id)?,
        oauth_clients: oauth_clients(conn, &tokens, source)?,
        tokens,
        portal,
        user_types: user_types(conn, org_id, offset)?,
        portal_users: portal_users(conn, org_id, offset)?,
        jobs: jobs(conn, org_id, offset)?,
        org,
    }))
}

/// Why a database file could not be dumped.
#[derive(Debug, thiserror::Error)]
pub enum DumpError {
    /// No file at that path (a dump never creates one).
    #[error("{0}: no such database file")]
    Missing(String),
    /// The file has no portals-mock schema.
    #[error("{0}: not a portals-mock database (no schema version)")]
    NotADatabase(String),
    /// No org of that id in the file.
    #[error("{path}: no org {org_id:?}; orgs: {known}")]
    UnknownOrg {
        /// The file.
        path: String,
        /// The org asked for.
        org_id: String,
        /// The orgs the file holds, comma-separated.
        known: String,
    },
    /// SQLite failed, or the schema is newer than this build.
    #[error("{path}: {source}")]
    Store {
        /// The file.
        path: String,
        /// The cause.
        source: StoreError,
    },
}

/// Dumps org `org_id` of the database file at `path`, opened read-only: the file is never
/// created, seeded or upgraded. A file of an older schema is copied to a temporary file and the
/// copy is upgraded; a newer one is refused.
pub fn dump_file(
    path: &Path,
    org_id: &str,
    fixtures: &FixtureSet,
) -> Result<OrgFixture, DumpError> {
    let shown = path.display().to_string();
    if !path.is_file() {
        return Err(DumpError::Missing(shown));
    }
    let store_error = |source: StoreError| DumpError::Store {
        path: shown.clone(),
        source,
    };
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|error| store_error(error.into()))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(|error| store_error(error.into()))?;
    let found: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(|error| store_error(error.into()))?;
    if found == 0 {
        return Err(DumpError::NotADatabase(shown));
    }
    if found > SCHEMA_VERSION {
        return Err(store_error(StoreError::TooNew {
            found,
            supported: SCHEMA_VERSION,
        }));
    }
    if found < SCHEMA_VERSION {
        let copy = UpgradedCopy::of(&conn).map_err(store_error)?;
        return read_one(&copy.conn, &shown, org_id, fixtures);
    }
    read_one(&conn, &shown, org_id, fixtures)
}

fn read_one(
    conn: &Connection,
    shown: &str,
    org_id: &str,
    fixtures: &FixtureSet,
) -> Result<OrgFixture, DumpError> {
    let store_error = |source: StoreError| DumpError::Store {
        path: shown.to_owned(),
        source,
    };
    // One read transaction: a consistent picture even while a server writes to the file.
    conn.execute_batch("BEGIN")
        .map_err(|error| store_error(error.into()))?;
    let dumped = dump_org(conn, org_id, fixtures).and_then(|dumped| match dumped {
        Some(fixture) => Ok(Ok(fixture)),
        None => {
            let known: Vec<String> = super::orgs::list(conn)?
                .into_iter()
                .map(|(id, _)| id)
                .collect();
            Ok(Err(DumpError::UnknownOrg {
                path: shown.to_owned(),
                org_id: org_id.to_owned(),
                known: known.join(", "),
            }))
        }
    });
    let _ = conn.execute_batch("COMMIT");
    dumped.map_err(store_error)?
}

/// A temporary copy of an older database, upgraded to the current schema; removed on drop.
struct UpgradedCopy {
    conn: Connection,
    path: std::path::PathBuf,
}

impl UpgradedCopy {
    fn of(conn: &Connection) -> Result<UpgradedCopy, StoreError> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|elapsed| elapsed.as_nanos())
            .unwrap_or_default();
        let path = std::env::temp_dir().join(format!(
            "portals-mock-dump-{}-{nanos}.sqlite",
            std::process::id()
        ));
        conn.execute("VACUUM INTO ?1", [path.to_string_lossy()])?;
        let mut copy = UpgradedCopy {
            conn: Connection::open(&path)?,
            path,
        };
        schema::migrate(&mut copy.conn)?;
        Ok(copy)
    }
}

impl Drop for UpgradedCopy {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

fn settings(conn: &Connection, org_id: &str) -> Result<Option<(String, OrgSettings)>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT company_name, company_domain, utc_offset, edition, trial, sandbox, zaid,
                    id_prefix, next_seq, clock_shift, enforce_limits, fixture
             FROM orgs WHERE id = ?1",
            [org_id],
            |row| {
                let settings = from_row!(row => OrgSettings {
                    company_name, company_domain, utc_offset, edition, trial: flag,
                    sandbox: flag, zaid, id_prefix, next_seq: |seq: i64| seq.max(0) as u64,
                    clock_fixed = None, clock_shift, enforce_limits: flag,
                })?;
                // The fixture's name: the column after the settings.
                Ok((row.get(11)?, settings))
            },
        )
        .optional()?)
}

fn clock_fixed(conn: &Connection, org_id: &str) -> Result<Option<i64>, StoreError> {
    Ok(conn.query_row(
        "SELECT clock_fixed FROM orgs WHERE id = ?1",
        [org_id],
        |row| row.get(0),
    )?)
}

fn profiles(conn: &Connection, org_id: &str) -> Result<Vec<ProfileFixture>, StoreError> {
    rows(
        conn,
        "SELECT id, name, manage_portal, manage_portal_users FROM profiles
         WHERE org_id = ?1 ORDER BY rowid",
        [org_id],
        |row| {
            from_row!(row => ProfileFixture {
                id, name, manage_portal: flag, manage_portal_users: flag,
            })
        },
    )
}

fn users(conn: &Connection, org_id: &str) -> Result<Vec<UserFixture>, StoreError> {
    rows(
        conn,
        "SELECT id, name, email, profile_id FROM users WHERE org_id = ?1 ORDER BY rowid",
        [org_id],
        |row| from_row!(row => UserFixture { id, name, email, profile }),
    )
}

fn tokens(
    conn: &Connection,
    org_id: &str,
    source: Option<&OrgFixture>,
    offset: UtcOffset,
) -> Result<Vec<TokenFixture>, StoreError> {
    let note = |token: &str| {
        source
            .and_then(|fixture| fixture.tokens.iter().find(|t| t.token == token))
            .map(|t| t.note.clone())
            .unwrap_or_default()
    };
    rows(
        conn,
        "SELECT token, kind, user_id, client_id, scopes, expires_at, redirect_uri FROM tokens
         WHERE org_id = ?1 ORDER BY rowid",
        [org_id],
        |row| {
            let mut token = from_row!(row => TokenFixture {
                token, kind, user, client_id,
                scopes: |scopes: String| scopes.split_whitespace().map(str::to_owned).collect(),
                expires_at: |unix: Option<i64>| unix.map(|unix| format_timestamp(unix, offset)),
                redirect_uri, note = String::new(),
            })?;
            token.note = note(&token.token);
            Ok(token)
        },
    )
}

/// The clients the org's tokens belong to, and those its fixture lists, in registration order.
fn oauth_clients(
    conn: &Connection,
    tokens: &[TokenFixture],
    source: Option<&OrgFixture>,
) -> Result<Vec<OauthClientFixture>, StoreError> {
    let wanted: Vec<&str> = tokens
        .iter()
        .filter_map(|token| token.client_id.as_deref())
        .chain(
            source
                .into_iter()
                .flat_map(|fixture| fixture.oauth_clients.iter())
                .map(|client| client.client_id.as_str()),
        )
        .collect();
    let all = rows(
        conn,
        "SELECT client_id, client_secret, redirect_uri FROM oauth_clients ORDER BY rowid",
        [],
        |row| from_row!(row => OauthClientFixture { client_id, client_secret, redirect_uri }),
    )?;
    Ok(all
        .into_iter()
        .filter(|client| wanted.contains(&client.client_id.as_str()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use serde_json::Value;

    fn as_json(fixture: &OrgFixture) -> Value {
        serde_json::to_value(fixture).unwrap()
    }

    #[test]
    fn an_untouched_org_dumps_as_its_fixture() {
        let fixtures = FixtureSet::embedded().unwrap();
        let store = Store::open_in_memory(fixtures.clone()).unwrap();
        for (name, fixture) in fixtures.orgs() {
            let dumped = store
                .read(|conn| dump_org(conn, name, &fixtures))
                .unwrap()
                .unwrap();
            pretty_json_eq(name, &as_json(&dumped), &as_json(fixture));
        }
    }

    fn pretty_json_eq(name: &str, found: &Value, expected: &Value) {
        assert!(
            found == expected,
            "{name}: the dump differs from the fixture\n--- dump\n{}\n--- fixture\n{}",
            serde_json::to_string_pretty(found).unwrap(),
            serde_json::to_string_pretty(expected).unwrap()
        );
    }

    #[test]
    fn a_version_1_file_is_dumped_from_an_upgraded_copy_and_left_as_it_was() {
        let dir = std::env::temp_dir().join(format!("portals-mock-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("v1.sqlite");
        let _ = std::fs::remove_file(&path);
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(schema::SCHEMA_V1).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            conn.execute(
                "INSERT INTO orgs (id, fixture, company_name, company_domain, utc_offset, edition,
                                   trial, sandbox, zaid, id_prefix, next_seq)
                 VALUES ('old', 'gone', 'Old Co', 'old.example', '+01:00', 'Free', 0, 0, '42',
                         '1000000000', 7)",
                [],
            )
            .unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        let dumped = dump_file(&path, "old", &FixtureSet::default()).unwrap();
        assert_eq!(dumped.org.company_name, "Old Co");
        assert_eq!(dumped.org.next_seq, 7);
        assert_eq!(dumped.description, "Dumped from org old (fixture gone).");
        assert_eq!(std::fs::read(&path).unwrap(), before);
        let unknown = dump_file(&path, "nope", &FixtureSet::default()).unwrap_err();
        assert!(unknown.to_string().contains("orgs: old"), "{unknown}");
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn an_unknown_org_dumps_as_none() {
        let fixtures = FixtureSet::embedded().unwrap();
        let store = Store::open_in_memory(fixtures.clone()).unwrap();
        assert!(
            store
                .read(|conn| dump_org(conn, "nope", &fixtures))
                .unwrap()
                .is_none()
        );
    }
}
