//! SQL for the portal of an org (at most one).

use rusqlite::{Connection, OptionalExtension, params};

use super::orgs::OrgRow;
use super::row::{from_row, row};
use super::{StoreError, flag};

/// A CRM user as `created_by` / `modified_by` show it.
#[derive(Debug, Clone, PartialEq)]
pub struct UserRef {
    /// Full name (`None` if the user is gone).
    pub name: Option<String>,
    /// Id.
    pub id: String,
}

/// A portal.
#[derive(Debug, Clone, PartialEq)]
pub struct PortalRow {
    /// Name.
    pub name: String,
    /// zaid.
    pub zaid: String,
    /// Active.
    pub active: bool,
    /// Unix seconds.
    pub created_time: i64,
    /// Creator.
    pub created_by: UserRef,
    /// Unix seconds.
    pub modified_time: i64,
    /// Last modifier.
    pub modified_by: UserRef,
    /// `saml_configuration` as JSON text, if configured.
    pub saml: Option<String>,
}

const SELECT: &str = "SELECT p.name, p.zaid, p.active, p.created_time, p.created_by, c.name,
                             p.modified_time, p.modified_by, m.name, p.saml
                      FROM portals p
                      LEFT JOIN users c ON c.org_id = p.org_id AND c.id = p.created_by
                      LEFT JOIN users m ON m.org_id = p.org_id AND m.id = p.modified_by";

fn row_to_portal(row: &rusqlite::Row<'_>) -> rusqlite::Result<PortalRow> {
    from_row!(row => PortalRow {
        name, zaid, active: flag,
        created_time, created_by: UserRef { id, name },
        modified_time, modified_by: UserRef { id, name },
        saml,
    })
}

/// The org's portal, if any.
pub fn of_org(conn: &Connection, org_id: &str) -> Result<Option<PortalRow>, StoreError> {
    row(
        conn,
        &format!("{SELECT} WHERE p.org_id = ?1"),
        [org_id],
        row_to_portal,
    )
}

/// Whether org ?1 has a portal (named ?2, unless ?2 is null).
pub(super) const EXISTS: &str = "SELECT EXISTS (SELECT 1 FROM portals
     WHERE org_id = ?1 AND (?2 IS NULL OR name = ?2 COLLATE NOCASE))";

/// Whether the org has a portal, and with `name`, one of that name (compared as [`by_name`]
/// does): what every portal call checks first, without reading the row.
pub fn exists(conn: &Connection, org_id: &str, name: Option<&str>) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(EXISTS)?
        .query_row(params![org_id, name], |row| row.get(0))?)
}

/// The org's portal if it has this name (names compare case-insensitively).
pub fn by_name(
    conn: &Connection,
    org_id: &str,
    name: &str,
) -> Result<Option<PortalRow>, StoreError> {
    row(
        conn,
        &format!("{SELECT} WHERE p.org_id = ?1 AND p.name = ?2 COLLATE NOCASE"),
        params![org_id, name],
        row_to_portal,
    )
}

/// Whether any portal other than `except_org`'s carries this name (names are global at Zoho).
pub fn name_taken(conn: &Connection, name: &str, except_org: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM portals WHERE name = ?1 COLLATE NOCASE AND org_id <> ?2 LIMIT 1",
        )?
        .query_row(params![name, except_org], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Creates the org's portal, active, under the org's zaid: `creator` made it (and is its first
/// modifier) at `now` (Unix seconds).
pub fn insert(
    conn: &Connection,
    org: &OrgRow,
    name: &str,
    creator: &str,
    now: i64,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO portals (org_id, name, zaid, active, created_time, created_by, modified_time,
                              modified_by, saml)
         VALUES (?1, ?2, ?3, 1, ?4, ?5, ?4, ?5, NULL)",
    )?
    .execute(params![org.id, name, org.zaid, now, creator])?;
    Ok(())
}

/// Renames the org's portal and/or sets its SAML configuration, recording who and when.
pub fn update(
    conn: &Connection,
    org_id: &str,
    name: Option<&str>,
    saml: Option<&str>,
    user_id: &str,
    now: i64,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE portals SET name = COALESCE(?2, name), saml = COALESCE(?3, saml),
                            modified_time = ?4, modified_by = ?5
         WHERE org_id = ?1",
    )?
    .execute(params![org_id, name, saml, now, user_id])?;
    Ok(())
}

/// A CRM user of the org as `created_by` / `modified_by` show it.
pub fn user_ref(conn: &Connection, org_id: &str, user_id: &str) -> Result<UserRef, StoreError> {
    let name = conn
        .prepare_cached("SELECT name FROM users WHERE org_id = ?1 AND id = ?2")?
        .query_row(params![org_id, user_id], |row| row.get(0))
        .optional()?;
    Ok(UserRef {
        name,
        id: user_id.to_owned(),
    })
}
