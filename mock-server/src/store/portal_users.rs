//! SQL for portal users: the invited CRM records of a user type.

use rusqlite::{Connection, params};

use super::row::{from_row, row};
use super::{StoreError, flag};

/// A portal user with what the API shows of its record.
#[derive(Debug, Clone, PartialEq)]
pub struct PortalUserRow {
    /// The CRM record id.
    pub personality_id: String,
    /// The user type.
    pub user_type_id: String,
    /// The record's module API name.
    pub module: String,
    /// The record's name.
    pub name: String,
    /// The record's email.
    pub email: Option<String>,
    /// Accepted the invitation.
    pub confirm: bool,
    /// Active.
    pub active: bool,
    /// Why disabled, if so.
    pub status_reason: Option<String>,
    /// Unix seconds.
    pub invited_time: i64,
    /// The invitation expired unanswered.
    pub invite_expired: bool,
    /// Where the user came from (`CRM`, `Portal`).
    pub source: String,
    /// Unix seconds the portal user was created (first invited).
    pub created_time: i64,
    /// The record's state (`active`, `recycle_bin`, `deleted`).
    pub record_state: String,
}

/// The columns of a portal user as [`PortalUserRow`] holds them (a macro, so each query is one
/// constant string).
macro_rules! select_portal_users {
    () => {
        "SELECT p.personality_id, p.user_type_id, m.api_name, r.name, r.email,
           p.confirm, p.active, p.status_reason, p.invited_time, p.invite_expired, p.source,
           p.created_time, r.state
    FROM portal_users p
    JOIN records r ON r.org_id = p.org_id AND r.id = p.personality_id
    JOIN modules m ON m.org_id = r.org_id AND m.id = r.module_id"
    };
}
pub(super) const SELECT: &str = select_portal_users!();
/// One portal user by record id.
pub(super) const BY_PERSONALITY: &str = concat!(
    select_portal_users!(),
    " WHERE p.org_id = ?1 AND p.personality_id = ?2"
);
/// A new portal user, last in invitation order.
pub(super) const INSERT: &str =
    "INSERT INTO portal_users (org_id, seq, personality_id, user_type_id, confirm, active,
                               status_reason, invited_time, language, invite_expired,
                               source, created_time)
     VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM portal_users WHERE org_id = ?1),
             ?2, ?3, 0, 1, NULL, ?4, ?5, 0, 'CRM', ?4)";
/// Removes portal user ?2 if it is of type ?3.
pub(super) const DELETE_OF_TYPE: &str =
    "DELETE FROM portal_users WHERE org_id = ?1 AND personality_id = ?2 AND user_type_id = ?3";
/// A record's user type and confirmation.
pub(super) const MEMBERSHIP: &str =
    "SELECT user_type_id, confirm FROM portal_users WHERE org_id = ?1 AND personality_id = ?2";
/// The org's portal users, active ones: summed over its user types' kept counts.
pub(super) const COUNTS: &str =
    "SELECT COALESCE(SUM(active_users + inactive_users), 0), COALESCE(SUM(active_users), 0)
     FROM user_types WHERE org_id = ?1";
/// A portal user (other than ?3) whose record has the email ?2.
pub(super) const WITH_EMAIL: &str = "SELECT p.personality_id FROM records r
     JOIN portal_users p ON p.org_id = r.org_id AND p.personality_id = r.id
     WHERE r.org_id = ?1 AND r.email = ?2 COLLATE NOCASE AND r.id <> ?3 LIMIT 1";

pub(super) fn row_to_user(row: &rusqlite::Row<'_>) -> rusqlite::Result<PortalUserRow> {
    from_row!(row => PortalUserRow {
        personality_id, user_type_id, module, name, email, confirm: flag, active: flag,
        status_reason, invited_time, invite_expired: flag, source, created_time, record_state,
    })
}

/// One portal user by record id.
pub fn get(
    conn: &Connection,
    org_id: &str,
    personality_id: &str,
) -> Result<Option<PortalUserRow>, StoreError> {
    row(
        conn,
        BY_PERSONALITY,
        params![org_id, personality_id],
        row_to_user,
    )
}

/// Which users of a type a listing shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserFilter {
    /// Only confirmed (`Some(true)`) or unconfirmed (`Some(false)`) users.
    pub confirm: Option<bool>,
    /// Only active or deactivated users.
    pub active: Option<bool>,
    /// `status_reason__s` equal (`true`) or not equal (`false`) to a value.
    pub status_reason: Option<(bool, String)>,
    /// Only these users (`personality_ids`), as a JSON array of record ids.
    pub personality_ids: Option<String>,
    /// Only users of this source (`Source__s`).
    pub source: Option<String>,
}

pub(super) fn where_clause(filter: &UserFilter) -> String {
    let mut clause = String::from("p.org_id = ?1 AND p.user_type_id = ?2");
    if let Some(confirm) = filter.confirm {
        clause.push_str(if confirm {
            " AND p.confirm = 1"
        } else {
            " AND p.confirm = 0"
        });
    }
    if let Some(active) = filter.active {
        clause.push_str(if active {
            " AND p.active = 1"
        } else {
            " AND p.active = 0"
        });
    }
    match &filter.status_reason {
        Some((true, _)) => clause.push_str(" AND p.status_reason = ?3"),
        Some((false, _)) => clause.push_str(" AND p.status_reason IS NOT ?3"),
        None => clause.push_str(" AND ?3 IS NULL"),
    }
    // Only when asked for: the column is not in the covering index the unfiltered page uses.
    clause.push_str(if filter.personality_ids.is_some() {
        " AND p.personality_id IN (SELECT value FROM json_each(?4))"
    } else {
        " AND ?4 IS NULL"
    });
    clause.push_str(if filter.source.is_some() {
        " AND p.source = ?7"
    } else {
        " AND ?7 IS NULL"
    });
    clause
}

/// A new portal user: unconfirmed, active, invited from the CRM, created now.
pub fn insert(
    conn: &Connection,
    org_id: &str,
    personality_id: &str,
    user_type_id: &str,
    language: &str,
    now: i64,
) -> Result<(), StoreError> {
    conn.prepare_cached(INSERT)?.execute(params![
        org_id,
        personality_id,
        user_type_id,
        now,
        language
    ])?;
    Ok(())
}

/// A new invitation to an unconfirmed user: the 7 days start again.
pub fn reinvite(
    conn: &Connection,
    org_id: &str,
    personality_id: &str,
    language: &str,
    now: i64,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE portal_users SET invited_time = ?3, language = ?4, invite_expired = 0
         WHERE org_id = ?1 AND personality_id = ?2",
    )?
    .execute(params![org_id, personality_id, now, language])?;
    Ok(())
}

/// Removes a portal user of one type; answers whether there was one (a user of another type
/// stays).
pub fn delete_of_type(
    conn: &Connection,
    org_id: &str,
    personality_id: &str,
    user_type_id: &str,
) -> Result<bool, StoreError> {
    Ok(conn.prepare_cached(DELETE_OF_TYPE)?.execute(params![
        org_id,
        personality_id,
        user_type_id
    ])? > 0)
}

/// A record's portal membership, without its record: (user type, confirmed).
pub fn membership(
    conn: &Connection,
    org_id: &str,
    personality_id: &str,
) -> Result<Option<(String, bool)>, StoreError> {
    row(conn, MEMBERSHIP, params![org_id, personality_id], |row| {
        Ok((row.get(0)?, flag(row.get(1)?)))
    })
}

/// Moves a portal user to another type.
pub fn set_type(
    conn: &Connection,
    org_id: &str,
    personality_id: &str,
    user_type_id: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE portal_users SET user_type_id = ?3 WHERE org_id = ?1 AND personality_id = ?2",
    )?
    .execute(params![org_id, personality_id, user_type_id])?;
    Ok(())
}

/// Activates or deactivates a portal user.
pub fn set_active(
    conn: &Connection,
    org_id: &str,
    personality_id: &str,
    active: bool,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE portal_users SET active = ?3 WHERE org_id = ?1 AND personality_id = ?2",
    )?
    .execute(params![org_id, personality_id, active])?;
    Ok(())
}

/// Marks a user as having accepted the invitation; answers whether a pending invitation existed.
pub fn confirm(conn: &Connection, org_id: &str, personality_id: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "UPDATE portal_users SET confirm = 1 WHERE org_id = ?1 AND personality_id = ?2
                                              AND confirm = 0 AND invite_expired = 0",
        )?
        .execute(params![org_id, personality_id])?
        > 0)
}

/// Expires the invitations of unconfirmed users invited at or before `invited_before`.
pub fn expire_invitations(
    conn: &Connection,
    org_id: &str,
    invited_before: i64,
) -> Result<usize, StoreError> {
    Ok(conn
        .prepare_cached(
            "UPDATE portal_users SET invite_expired = 1
         WHERE org_id = ?1 AND confirm = 0 AND invite_expired = 0 AND invited_time <= ?2",
        )?
        .execute(params![org_id, invited_before])?)
}

/// How many portal users the org has (the sum of its user types' kept counts).
pub fn total(conn: &Connection, org_id: &str) -> Result<i64, StoreError> {
    Ok(counts(conn, org_id)?.0)
}

/// (all portal users, active portal users) of the org: what the licence counts. Summed over the
/// counts its user types keep (every portal user belongs to one), not over the users.
pub fn counts(conn: &Connection, org_id: &str) -> Result<(i64, i64), StoreError> {
    Ok(conn
        .prepare_cached(COUNTS)?
        .query_row([org_id], |row| Ok((row.get(0)?, row.get(1)?)))?)
}

/// A portal user (other than `except`) whose record has this email, if any.
pub fn with_email(
    conn: &Connection,
    org_id: &str,
    email: &str,
    except: &str,
) -> Result<Option<String>, StoreError> {
    row(conn, WITH_EMAIL, params![org_id, email, except], |row| {
        row.get(0)
    })
}
