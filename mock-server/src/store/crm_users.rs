//! SQL for the org's CRM users and their profiles, as the Users and Organization APIs show them.

use rusqlite::{Connection, OptionalExtension};

use super::StoreError;
use super::row::{from_row, rows};

/// A CRM user with its profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrmUserRow {
    /// The user id.
    pub id: String,
    /// The full name.
    pub name: String,
    /// The email address.
    pub email: String,
    /// The profile's name (`Administrator`, `Standard`, …).
    pub profile_name: String,
    /// The profile's position among the org's profiles (0 for the first seeded).
    pub profile_ordinal: i64,
}

/// Every CRM user of the org, in fixture order.
pub fn users(conn: &Connection, org_id: &str) -> Result<Vec<CrmUserRow>, StoreError> {
    rows(
        conn,
        "SELECT u.id, u.name, u.email, p.name,
                (SELECT COUNT(*) FROM profiles q WHERE q.org_id = p.org_id AND q.rowid < p.rowid)
         FROM users u JOIN profiles p ON p.org_id = u.org_id AND p.id = u.profile_id
         WHERE u.org_id = ?1
         ORDER BY u.rowid",
        [org_id],
        |row| from_row!(row => CrmUserRow { id, name, email, profile_name, profile_ordinal }),
    )
}

/// The first 10 digits of every id made in the org (its CRM id prefix).
pub fn id_prefix(conn: &Connection, org_id: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT id_prefix FROM orgs WHERE id = ?1",
            [org_id],
            |row| row.get(0),
        )
        .optional()?)
}
