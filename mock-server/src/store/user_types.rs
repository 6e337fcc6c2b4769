//! SQL for portal user types.

use rusqlite::{Connection, params};

use super::StoreError;

/// A user type to create.
#[derive(Debug, Clone)]
pub struct NewUserType<'a> {
    /// The org.
    pub org_id: &'a str,
    /// Id.
    pub id: &'a str,
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
    /// Creator.
    pub user_id: &'a str,
    /// Unix seconds.
    pub now: i64,
    /// Module configurations, in order: (module id, configuration JSON).
    pub modules: &'a [(String, String)],
}

/// Creates a user type with its module configurations.
pub fn insert(conn: &Connection, new: &NewUserType<'_>) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO user_types (org_id, id, name, personality_module_id, invitation_field_id,
                                 active, is_default, created_time, created_by, modified_time,
                                 modified_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?8, ?9)",
        params![
            new.org_id,
            new.id,
            new.name,
            new.personality_module_id,
            new.invitation_field_id,
            new.active,
            new.is_default,
            new.now,
            new.user_id
        ],
    )?;
    for (position, (module_id, config)) in new.modules.iter().enumerate() {
        conn.execute(
            "INSERT INTO user_type_modules (org_id, user_type_id, position, module_id, config)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![new.org_id, new.id, position as i64, module_id, config],
        )?;
    }
    Ok(())
}

/// The id of a module by API name, and the id of one of its fields by API name.
pub fn module_and_field(
    conn: &Connection,
    org_id: &str,
    module: &str,
    field: &str,
) -> Result<Option<(String, Option<String>)>, StoreError> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row(
            "SELECT m.id, (SELECT f.id FROM fields f WHERE f.org_id = m.org_id
                                                      AND f.module_id = m.id AND f.api_name = ?3)
             FROM modules m WHERE m.org_id = ?1 AND m.api_name = ?2",
            params![org_id, module, field],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?)
}
