//! SQL for portal user types.

use rusqlite::{Connection, OptionalExtension, params};

use super::portals::UserRef;
use super::row::{row, rows};
use super::{Requester, StoreError, flag};

/// A user type as the API shows it, with its user counts (kept in its row by the triggers of
/// schema step 5, in the same statement as every change of a portal user).
#[derive(Debug, Clone, PartialEq)]
pub struct UserTypeRow {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Personality module (id, api_name, plural_label).
    pub personality: (String, String, String),
    /// Invitation field (id, api_name).
    pub invitation_field: Option<(String, String)>,
    /// Active.
    pub active: bool,
    /// The default `Client Portal` type.
    pub is_default: bool,
    /// Unix seconds.
    pub created_time: i64,
    /// Creator.
    pub created_by: UserRef,
    /// Unix seconds.
    pub modified_time: i64,
    /// Last modifier.
    pub modified_by: UserRef,
    /// Active portal users of this type.
    pub active_users: i64,
    /// Deactivated portal users of this type.
    pub inactive_users: i64,
}

/// The columns of a user type as [`UserTypeRow`] holds them (a macro, so each query is one
/// constant string).
macro_rules! select_user_types {
    () => {
        "SELECT t.id, t.name, m.id, m.api_name, m.plural_label, f.id, f.api_name,
           t.active, t.is_default, t.created_time, t.created_by, c.name, t.modified_time,
           t.modified_by, u.name, t.active_users, t.inactive_users
    FROM user_types t
    JOIN modules m ON m.org_id = t.org_id AND m.id = t.personality_module_id
    LEFT JOIN fields f ON f.org_id = t.org_id AND f.id = t.invitation_field_id
    LEFT JOIN users c ON c.org_id = t.org_id AND c.id = t.created_by
    LEFT JOIN users u ON u.org_id = t.org_id AND u.id = t.modified_by"
    };
}

/// Every user type of an org, oldest first.
const LIST: &str = concat!(
    select_user_types!(),
    " WHERE t.org_id = ?1 ORDER BY t.created_time, t.id"
);
/// One user type.
pub(super) const BY_ID: &str = concat!(select_user_types!(), " WHERE t.org_id = ?1 AND t.id = ?2");
/// A user type's personality module and default flag.
pub(super) const PERSONALITY: &str =
    "SELECT personality_module_id, is_default FROM user_types WHERE org_id = ?1 AND id = ?2";

fn row_to_user_type(row: &rusqlite::Row<'_>) -> rusqlite::Result<UserTypeRow> {
    let field_id: Option<String> = row.get(5)?;
    let field_name: Option<String> = row.get(6)?;
    Ok(UserTypeRow {
        id: row.get(0)?,
        name: row.get(1)?,
        personality: (row.get(2)?, row.get(3)?, row.get(4)?),
        invitation_field: field_id.zip(field_name),
        active: flag(row.get(7)?),
        is_default: flag(row.get(8)?),
        created_time: row.get(9)?,
        created_by: UserRef {
            id: row.get(10)?,
            name: row.get(11)?,
        },
        modified_time: row.get(12)?,
        modified_by: UserRef {
            id: row.get(13)?,
            name: row.get(14)?,
        },
        active_users: row.get(15)?,
        inactive_users: row.get(16)?,
    })
}

/// Every user type of the org, oldest first.
pub fn list(conn: &Connection, org_id: &str) -> Result<Vec<UserTypeRow>, StoreError> {
    rows(conn, LIST, [org_id], row_to_user_type)
}

/// One user type.
pub fn get(conn: &Connection, org_id: &str, id: &str) -> Result<Option<UserTypeRow>, StoreError> {
    row(conn, BY_ID, params![org_id, id], row_to_user_type)
}

/// What deleting or emptying a user type checks, read from its row alone.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeSummary {
    /// Id.
    pub id: String,
    /// The personality module's id.
    pub personality_module_id: String,
    /// The default `Client Portal` type.
    pub is_default: bool,
    /// Its portal users, active or not (the kept counts).
    pub users: i64,
}

impl From<&UserTypeRow> for TypeSummary {
    fn from(row: &UserTypeRow) -> TypeSummary {
        TypeSummary {
            id: row.id.clone(),
            personality_module_id: row.personality.0.clone(),
            is_default: row.is_default,
            users: row.active_users + row.inactive_users,
        }
    }
}

/// A user type's [`TypeSummary`], without the joins of [`get`].
pub fn summary(
    conn: &Connection,
    org_id: &str,
    id: &str,
) -> Result<Option<TypeSummary>, StoreError> {
    row(
        conn,
        "SELECT id, personality_module_id, is_default, active_users + inactive_users
         FROM user_types WHERE org_id = ?1 AND id = ?2",
        params![org_id, id],
        |row| {
            Ok(TypeSummary {
                id: row.get(0)?,
                personality_module_id: row.get(1)?,
                is_default: flag(row.get(2)?),
                users: row.get(3)?,
            })
        },
    )
}

/// A user type's personality module id and whether it is the default type, without counting
/// its users (what an invitation needs, cheaply).
pub fn personality(
    conn: &Connection,
    org_id: &str,
    id: &str,
) -> Result<Option<(String, bool)>, StoreError> {
    row(conn, PERSONALITY, params![org_id, id], |row| {
        Ok((row.get(0)?, flag(row.get(1)?)))
    })
}

/// The module configurations of a user type, in order: (module id, configuration JSON).
pub fn modules(
    conn: &Connection,
    org_id: &str,
    id: &str,
) -> Result<Vec<(String, String)>, StoreError> {
    rows(
        conn,
        "SELECT module_id, config FROM user_type_modules
         WHERE org_id = ?1 AND user_type_id = ?2 ORDER BY position",
        params![org_id, id],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )
}

/// Whether another user type of the org has this name (case-insensitive).
pub fn name_taken(
    conn: &Connection,
    org_id: &str,
    name: &str,
    except_id: Option<&str>,
) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM user_types WHERE org_id = ?1 AND name = ?2 COLLATE NOCASE
                                        AND id IS NOT ?3 LIMIT 1",
        )?
        .query_row(params![org_id, name, except_id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// How many user types the org has.
pub fn count(conn: &Connection, org_id: &str) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached("SELECT COUNT(*) FROM user_types WHERE org_id = ?1")?
        .query_row([org_id], |row| row.get(0))?)
}

/// What an update changes (`None`: unchanged).
#[derive(Debug, Clone, Default)]
pub struct UserTypeChanges<'a> {
    /// New name.
    pub name: Option<&'a str>,
    /// New active flag.
    pub active: Option<bool>,
    /// New invitation field id.
    pub invitation_field_id: Option<&'a str>,
    /// The whole new module list, in order.
    pub modules: Option<&'a [(String, String)]>,
}

/// Applies an update and records who and when.
pub fn update(
    conn: &Connection,
    org_id: &str,
    id: &str,
    changes: &UserTypeChanges<'_>,
    user_id: &str,
    now: i64,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE user_types SET name = COALESCE(?3, name), active = COALESCE(?4, active),
                invitation_field_id = COALESCE(?5, invitation_field_id),
                modified_time = ?6, modified_by = ?7
         WHERE org_id = ?1 AND id = ?2",
    )?
    .execute(params![
        org_id,
        id,
        changes.name,
        changes.active,
        changes.invitation_field_id,
        now,
        user_id
    ])?;
    if let Some(modules) = changes.modules {
        conn.prepare_cached(
            "DELETE FROM user_type_modules WHERE org_id = ?1 AND user_type_id = ?2",
        )?
        .execute(params![org_id, id])?;
        insert_modules(conn, org_id, id, modules)?;
    }
    Ok(())
}

/// Counts the users of every user type of the org again, into the kept counts: for rows written
/// with counts of their own (a snapshot put back), which the triggers then added to.
pub fn recount(conn: &Connection, org_id: &str) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE user_types SET
             active_users = (SELECT COUNT(*) FROM portal_users p
                             WHERE p.org_id = user_types.org_id AND p.user_type_id = user_types.id
                               AND p.active = 1),
             inactive_users = (SELECT COUNT(*) FROM portal_users p
                               WHERE p.org_id = user_types.org_id
                                 AND p.user_type_id = user_types.id AND p.active = 0)
         WHERE org_id = ?1",
    )?
    .execute([org_id])?;
    Ok(())
}

/// Moves every user of one type to another; answers how many moved.
pub fn move_users(
    conn: &Connection,
    org_id: &str,
    from: &str,
    to: &str,
) -> Result<usize, StoreError> {
    Ok(conn
        .prepare_cached(
            "UPDATE portal_users SET user_type_id = ?3 WHERE org_id = ?1 AND user_type_id = ?2",
        )?
        .execute(params![org_id, from, to])?)
}

/// Deletes a user type and its module configurations.
pub fn delete(conn: &Connection, org_id: &str, id: &str) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM user_type_modules WHERE org_id = ?1 AND user_type_id = ?2")?
        .execute(params![org_id, id])?;
    conn.prepare_cached("DELETE FROM user_types WHERE org_id = ?1 AND id = ?2")?
        .execute(params![org_id, id])?;
    Ok(())
}

fn insert_modules(
    conn: &Connection,
    org_id: &str,
    id: &str,
    modules: &[(String, String)],
) -> Result<(), StoreError> {
    for (position, (module_id, config)) in modules.iter().enumerate() {
        conn.prepare_cached(
            "INSERT INTO user_type_modules (org_id, user_type_id, position, module_id, config)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![org_id, id, position as i64, module_id, config])?;
    }
    Ok(())
}

/// A user type to create.
#[derive(Debug, Clone)]
pub struct NewUserType<'a> {
    /// The org, who creates it, when.
    pub by: Requester<'a>,
    /// Name.
    pub name: &'a str,
    /// The personality module's id.
    pub personality_module_id: &'a str,
    /// The invitation field's id.
    pub invitation_field_id: Option<&'a str>,
    /// Active.
    pub active: bool,
    /// The default `Client Portal` type.
    pub is_default: bool,
    /// Module configurations, in order: (module id, configuration JSON).
    pub modules: &'a [(String, String)],
}

/// Creates a user type with its module configurations; answers the id it took from the org's
/// sequence.
pub fn insert(conn: &Connection, new: &NewUserType<'_>) -> Result<String, StoreError> {
    let id = super::orgs::next_id(conn, new.by.org_id)?;
    conn.prepare_cached(
        "INSERT INTO user_types (org_id, id, name, personality_module_id, invitation_field_id,
                                 active, is_default, created_time, created_by, modified_time,
                                 modified_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?8, ?9)",
    )?
    .execute(params![
        new.by.org_id,
        id,
        new.name,
        new.personality_module_id,
        new.invitation_field_id,
        new.active,
        new.is_default,
        new.by.now,
        new.by.user_id
    ])?;
    insert_modules(conn, new.by.org_id, &id, new.modules)?;
    Ok(id)
}

/// The id of a module by API name, and the id of one of its fields by API name.
pub fn module_and_field(
    conn: &Connection,
    org_id: &str,
    module: &str,
    field: &str,
) -> Result<Option<(String, Option<String>)>, StoreError> {
    row(
        conn,
        "SELECT m.id, (SELECT f.id FROM fields f WHERE f.org_id = m.org_id
                                                      AND f.module_id = m.id AND f.api_name = ?3)
             FROM modules m WHERE m.org_id = ?1 AND m.api_name = ?2",
        params![org_id, module, field],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )
}

#[cfg(test)]
mod tests {
    use super::super::{crm, portal_users, portals};
    use super::*;
    use crate::fixtures::FixtureSet;
    use crate::store::Store;

    /// The plan SQLite chooses for a statement, one step a line.
    fn plan(conn: &Connection, sql: &str) -> String {
        let mut explain = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        // Every parameter null: the plan does not depend on the values.
        let nulls = vec![rusqlite::types::Null; explain.parameter_count()];
        let steps: Vec<String> = explain
            .query_map(rusqlite::params_from_iter(nulls), |row| {
                row.get::<_, String>(3)
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        steps.join("\n")
    }

    /// The statements of the write paths (create and delete a user type, invite and remove a
    /// user) and the kept counts' updates find their rows through a key or an index: none reads
    /// a whole table.
    #[test]
    fn the_write_paths_hot_queries_use_an_index() {
        let store = Store::open_in_memory(FixtureSet::embedded().unwrap()).unwrap();
        // What the triggers of schema step 5 run for each changed portal user.
        let counted = "UPDATE user_types SET active_users = active_users + 1,
                                              inactive_users = inactive_users + 0
                        WHERE org_id = ?1 AND id = ?2";
        let statements: [(&str, &str); 12] = [
            ("user type by id", BY_ID),
            ("personality of a type", PERSONALITY),
            ("portal user by record", portal_users::BY_PERSONALITY),
            ("new portal user", portal_users::INSERT),
            ("portal user removed", portal_users::DELETE_OF_TYPE),
            ("membership of a record", portal_users::MEMBERSHIP),
            ("licence counts", portal_users::COUNTS),
            ("portal user by email", portal_users::WITH_EMAIL),
            ("fields of a type", crm::FIELDS_OF_TYPE),
            ("lookup between modules", crm::LOOKS_UP),
            ("the portal named", portals::EXISTS),
            ("kept counts", counted),
        ];
        store
            .read(|conn| {
                for (what, sql) in statements {
                    let found = plan(conn, sql);
                    assert!(
                        found
                            .lines()
                            .all(|step| !step.starts_with("SCAN ") || step == "SCAN CONSTANT ROW"),
                        "{what} reads a whole table:\n{found}"
                    );
                }
                assert!(plan(conn, crm::FIELDS_OF_TYPE).contains("fields_by_module"));
                assert!(
                    plan(conn, portal_users::BY_PERSONALITY)
                        .contains("(org_id=? AND personality_id=?)")
                );
                let by_id = plan(conn, BY_ID);
                assert!(by_id.contains("SEARCH t USING INDEX"), "{by_id}");
                assert!(plan(conn, counted).contains("(org_id=? AND id=?)"));
                Ok::<_, StoreError>(())
            })
            .unwrap();
    }
}
