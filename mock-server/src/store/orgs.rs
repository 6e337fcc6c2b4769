//! SQL for orgs: lookup, the per-org id sequence, listing, deletion.

use rusqlite::{Connection, OptionalExtension, params};

use super::row::{from_row, row, rows};
use super::{StoreError, flag};

/// One org's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgRow {
    /// Id.
    pub id: String,
    /// The fixture it came from.
    pub fixture: String,
    /// Company name.
    pub company_name: String,
    /// Company email domain.
    pub company_domain: String,
    /// `+05:30`
    pub utc_offset: String,
    /// Edition.
    pub edition: String,
    /// Trial edition.
    pub trial: bool,
    /// Sandbox org.
    pub sandbox: bool,
    /// The zaid a new portal receives.
    pub zaid: String,
}

/// Whether an org with this id exists.
pub fn exists(conn: &Connection, org_id: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM orgs WHERE id = ?1")?
        .query_row([org_id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// One org.
pub fn get(conn: &Connection, org_id: &str) -> Result<Option<OrgRow>, StoreError> {
    row(
        conn,
        "SELECT id, fixture, company_name, company_domain, utc_offset, edition, trial, sandbox,
                    zaid
             FROM orgs WHERE id = ?1",
        [org_id],
        |row| {
            from_row!(row => OrgRow {
                id, fixture, company_name, company_domain, utc_offset, edition,
                trial: flag, sandbox: flag, zaid,
            })
        },
    )
}

/// Every org id with its fixture, in id order.
pub fn list(conn: &Connection) -> Result<Vec<(String, String)>, StoreError> {
    rows(
        conn,
        "SELECT id, fixture FROM orgs ORDER BY id",
        [],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )
}

/// Takes the next id of the org's sequence: 10 digits of prefix and 9 of sequence.
pub fn next_id(conn: &Connection, org_id: &str) -> Result<String, StoreError> {
    let (prefix, seq): (String, i64) = conn.prepare_cached("UPDATE orgs SET next_seq = next_seq + 1 WHERE id = ?1 RETURNING id_prefix, next_seq - 1")?
.query_row([org_id],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    Ok(format!("{prefix}{seq:09}"))
}

/// The org's clock setting: `(fixed, shift)`: it stands at `fixed` (or runs with the server's
/// clock when `None`), plus `shift` seconds.
pub fn clock(conn: &Connection, org_id: &str) -> Result<Option<(Option<i64>, i64)>, StoreError> {
    row(
        conn,
        "SELECT clock_fixed, clock_shift FROM orgs WHERE id = ?1",
        [org_id],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )
}

/// Sets the org's clock; `false` when there is no such org.
pub fn set_clock(
    conn: &Connection,
    org_id: &str,
    fixed: Option<i64>,
    shift: i64,
) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("UPDATE orgs SET clock_fixed = ?2, clock_shift = ?3 WHERE id = ?1")?
        .execute(params![org_id, fixed, shift])?
        > 0)
}

/// Marks the org a sandbox (every Portals call answers `API_NOT_SUPPORTED`) or not.
pub fn set_sandbox(conn: &Connection, org_id: &str, sandbox: bool) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("UPDATE orgs SET sandbox = ?2 WHERE id = ?1")?
        .execute(params![org_id, sandbox])?
        > 0)
}

/// Whether API limits are enforced for the org (besides `--enforce-limits`).
pub fn enforces_limits(conn: &Connection, org_id: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT enforce_limits FROM orgs WHERE id = ?1")?
        .query_row([org_id], |row| row.get::<_, i64>(0))
        .optional()?
        .is_some_and(flag))
}

/// The orgs that enforce API limits.
pub fn enforcing(conn: &Connection) -> Result<Vec<String>, StoreError> {
    rows(
        conn,
        "SELECT id FROM orgs WHERE enforce_limits <> 0 ORDER BY id",
        [],
        |row| row.get(0),
    )
}

/// Turns limit enforcement on or off for the org.
pub fn set_enforce_limits(conn: &Connection, org_id: &str, on: bool) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("UPDATE orgs SET enforce_limits = ?2 WHERE id = ?1")?
        .execute(params![org_id, on])?
        > 0)
}

/// How many CRM users the org has (API credits grow with them).
pub fn user_count(conn: &Connection, org_id: &str) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached("SELECT COUNT(*) FROM users WHERE org_id = ?1")?
        .query_row([org_id], |row| row.get(0))?)
}

/// Deletes an org and everything it holds (children first: `org_copy::delete`).
pub fn delete(conn: &Connection, org_id: &str) -> Result<bool, StoreError> {
    super::org_copy::delete(conn, org_id)
}
