//! SQL for CRM records (what invitations are checked against).

use rusqlite::{Connection, OptionalExtension, params};

use super::{StoreError, flag};

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
    Ok(conn
        .prepare_cached(
            "SELECT id, module_id, name, email, approval, gdpr_consent, state FROM records
             WHERE org_id = ?1 AND module_id = ?2 AND id = ?3",
        )?
        .query_row(params![org_id, module_id, id], |row| {
            Ok(RecordRow {
                id: row.get(0)?,
                module_id: row.get(1)?,
                name: row.get(2)?,
                email: row.get(3)?,
                approval: row.get(4)?,
                gdpr_consent: flag(row.get(5)?),
                state: row.get(6)?,
            })
        })
        .optional()?)
}
