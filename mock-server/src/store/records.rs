//! SQL for CRM records (what invitations are checked against).

use rusqlite::{Connection, params};

use super::row::{from_row, row};
use super::{Requester, StoreError, flag};

/// A record, as invitation checks need it.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordRow {
    /// Id.
    pub id: String,
    /// Module id.
    pub module_id: String,
    /// Display name.
    pub name: String,
    /// Email, if any.
    pub email: Option<String>,
    /// `approved`, `awaiting_approval` or `under_review`.
    pub approval: String,
    /// GDPR consent given.
    pub gdpr_consent: bool,
    /// `active`, `recycle_bin` or `deleted`.
    pub state: String,
}

/// A record of a module.
pub fn get(
    conn: &Connection,
    org_id: &str,
    module_id: &str,
    id: &str,
) -> Result<Option<RecordRow>, StoreError> {
    // Its own columns only: an invitation reads no more (not the record's `data`).
    row(
        conn,
        "SELECT id, module_id, name, email, approval, gdpr_consent, state
             FROM records WHERE org_id = ?1 AND module_id = ?2 AND id = ?3",
        params![org_id, module_id, id],
        |row| {
            from_row!(row => RecordRow {
                id, module_id, name, email, approval, gdpr_consent: flag, state,
            })
        },
    )
}

/// A record with everything the Records API shows.
#[derive(Debug, Clone, PartialEq)]
pub struct FullRecord {
    /// What invitations check.
    pub row: RecordRow,
    /// The record's fields, as stored (a JSON object).
    pub data: String,
    /// When it was created (Unix seconds); `None` for fixture records.
    pub created_time: Option<i64>,
    /// Who created it (a CRM user id).
    pub created_by: Option<String>,
    /// When it last changed.
    pub modified_time: Option<i64>,
    /// Who changed it last.
    pub modified_by: Option<String>,
}

/// A record of a module with its fields and authorship.
pub fn get_full(
    conn: &Connection,
    org_id: &str,
    module_id: &str,
    id: &str,
) -> Result<Option<FullRecord>, StoreError> {
    row(
        conn,
        "SELECT id, module_id, name, email, approval, gdpr_consent, state, data,
                    created_time, created_by, modified_time, modified_by
             FROM records WHERE org_id = ?1 AND module_id = ?2 AND id = ?3",
        params![org_id, module_id, id],
        |row| {
            from_row!(row => FullRecord {
                row: RecordRow {
                    id, module_id, name, email, approval, gdpr_consent: flag, state,
                },
                data, created_time, created_by, modified_time, modified_by,
            })
        },
    )
}

/// A record as the Records API writes it (add: approved, with consent, not deleted; update: an
/// active record's name, email and fields).
#[derive(Debug, Clone, PartialEq)]
pub struct RecordWrite<'a> {
    /// The org, who writes it, when.
    pub by: Requester<'a>,
    /// Its id (an added record's from the org's sequence).
    pub id: &'a str,
    /// Display name.
    pub name: &'a str,
    /// The email invitations go to.
    pub email: Option<&'a str>,
    /// The fields, as a JSON object (an update's: the whole of them, merged by the caller).
    pub data: &'a str,
}

/// Adds a record to a module.
pub fn insert(conn: &Connection, module_id: &str, new: &RecordWrite<'_>) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO records (org_id, id, module_id, name, email, approval, gdpr_consent, state,
                             data, created_time, created_by, modified_time, modified_by)
         VALUES (?1, ?2, ?3, ?4, ?5, 'approved', 1, 'active', ?6, ?7, ?8, ?7, ?8)",
    )?
    .execute(params![
        new.by.org_id,
        new.id,
        module_id,
        new.name,
        new.email,
        new.data,
        new.by.now,
        new.by.user_id
    ])?;
    Ok(())
}

/// Moves an active record of a module to the recycle bin; `false` when there is none to move.
pub fn recycle(
    conn: &Connection,
    org_id: &str,
    module_id: &str,
    id: &str,
    user_id: &str,
    now: i64,
) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "UPDATE records SET state = 'recycle_bin', modified_time = ?5, modified_by = ?4
             WHERE org_id = ?1 AND module_id = ?2 AND id = ?3 AND state = 'active'",
        )?
        .execute(params![org_id, module_id, id, user_id, now])?
        > 0)
}

/// Changes an active record; `false` when there is none.
pub fn update(conn: &Connection, change: &RecordWrite<'_>) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "UPDATE records SET name = ?3, email = ?4, data = ?5, modified_time = ?6,
                                modified_by = ?7
             WHERE org_id = ?1 AND id = ?2 AND state = 'active'",
        )?
        .execute(params![
            change.by.org_id,
            change.id,
            change.name,
            change.email,
            change.data,
            change.by.now,
            change.by.user_id
        ])?
        > 0)
}
