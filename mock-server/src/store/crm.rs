//! SQL for the CRM metadata user types are validated against: modules, fields, layouts, views.

use rusqlite::{Connection, params};

use super::row::{from_row, row, rows};
use super::{StoreError, flag};

/// A module.
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleRow {
    /// Id.
    pub id: String,
    /// API name.
    pub api_name: String,
    /// Plural label.
    pub plural_label: String,
    /// `private` or `public`.
    pub shared_type: String,
    /// Can be a personality module.
    pub personality: bool,
    /// Can be given to a user type.
    pub portal_allowed: bool,
}

/// A field.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldRow {
    /// Id.
    pub id: String,
    /// API name.
    pub api_name: String,
    /// Label.
    pub field_label: String,
    /// Data type.
    pub data_type: String,
    /// Lookups: the module looked up.
    pub lookup_module: Option<String>,
    /// May be shown in a portal.
    pub portal_allowed: bool,
}

/// A layout with the ids of its fields and whether each is mandatory.
#[derive(Debug, Clone, PartialEq)]
pub struct LayoutRow {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Display label.
    pub display_label: String,
    /// (field id, mandatory)
    pub fields: Vec<(String, bool)>,
}

/// A custom or canvas view.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewRow {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Display label.
    pub display_label: String,
    /// `custom_view` or `canvas_view`.
    pub view_type: String,
}

/// A module with everything under it.
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleMeta {
    /// The module.
    pub module: ModuleRow,
    /// Its fields, in id order.
    pub fields: Vec<FieldRow>,
    /// Its layouts, in id order.
    pub layouts: Vec<LayoutRow>,
    /// Its views, in id order.
    pub views: Vec<ViewRow>,
}

impl ModuleMeta {
    /// The ids of the fields the default (first) layout makes mandatory; none without layouts.
    pub fn mandatory_field_ids(&self) -> Vec<&str> {
        self.layouts
            .first()
            .map(|layout| {
                layout
                    .fields
                    .iter()
                    .filter(|(_, mandatory)| *mandatory)
                    .map(|(id, _)| id.as_str())
                    .collect()
            })
            .unwrap_or_default()
    }
}

const MODULE_COLUMNS: &str =
    "id, api_name, plural_label, shared_type, personality, portal_allowed FROM modules";

fn module_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<ModuleRow> {
    from_row!(row => ModuleRow {
        id, api_name, plural_label, shared_type, personality: flag, portal_allowed: flag,
    })
}

/// A module by id.
pub fn module_by_id(
    conn: &Connection,
    org_id: &str,
    id: &str,
) -> Result<Option<ModuleRow>, StoreError> {
    row(
        conn,
        &format!("SELECT {MODULE_COLUMNS} WHERE org_id = ?1 AND id = ?2"),
        params![org_id, id],
        module_row,
    )
}

/// A module by API name (case-insensitive, as Zoho resolves module names).
pub fn module_by_api_name(
    conn: &Connection,
    org_id: &str,
    api_name: &str,
) -> Result<Option<ModuleRow>, StoreError> {
    row(
        conn,
        &format!("SELECT {MODULE_COLUMNS} WHERE org_id = ?1 AND api_name = ?2 COLLATE NOCASE"),
        params![org_id, api_name],
        module_row,
    )
}

/// Every module of the org, in id order.
pub fn modules(conn: &Connection, org_id: &str) -> Result<Vec<ModuleRow>, StoreError> {
    rows(
        conn,
        &format!("SELECT {MODULE_COLUMNS} WHERE org_id = ?1 ORDER BY id"),
        [org_id],
        module_row,
    )
}

fn fields_of(
    conn: &Connection,
    org_id: &str,
    module_id: &str,
) -> Result<Vec<FieldRow>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT id, api_name, field_label, data_type, lookup_module, portal_allowed
             FROM fields WHERE org_id = ?1 AND module_id = ?2 ORDER BY id",
        )?
        .query_map(params![org_id, module_id], |row| {
            from_row!(row => FieldRow {
                id, api_name, field_label, data_type, lookup_module, portal_allowed: flag,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?)
}

/// The fields of module ?2 of data type ?3.
pub(super) const FIELDS_OF_TYPE: &str =
    "SELECT id, api_name, field_label, data_type, lookup_module, portal_allowed
     FROM fields WHERE org_id = ?1 AND module_id = ?2 AND data_type = ?3 ORDER BY id";
/// Whether module ?2 has a lookup field to the module named ?3.
pub(super) const LOOKS_UP: &str = "SELECT EXISTS (SELECT 1 FROM fields
     WHERE org_id = ?1 AND module_id = ?2 AND lookup_module = ?3
       AND (data_type = 'lookup' OR data_type = 'multiselectlookup'))";

/// The fields of one data type of a module (`email`, `phone`, …), in id order: what a user
/// type's invitation field is chosen from, without the rest of the module's metadata.
pub fn fields_of_type(
    conn: &Connection,
    org_id: &str,
    module_id: &str,
    data_type: &str,
) -> Result<Vec<FieldRow>, StoreError> {
    Ok(conn
        .prepare_cached(FIELDS_OF_TYPE)?
        .query_map(params![org_id, module_id, data_type], |row| {
            from_row!(row => FieldRow {
                id, api_name, field_label, data_type, lookup_module, portal_allowed: flag,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?)
}

/// Whether a module has a lookup or multi-select lookup field to the module `to_api_name`.
pub fn looks_up(
    conn: &Connection,
    org_id: &str,
    module_id: &str,
    to_api_name: &str,
) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(LOOKS_UP)?
        .query_row(params![org_id, module_id, to_api_name], |row| row.get(0))?)
}

/// A module with its fields, layouts and views.
pub fn module_meta(
    conn: &Connection,
    org_id: &str,
    module: ModuleRow,
) -> Result<ModuleMeta, StoreError> {
    let fields = fields_of(conn, org_id, &module.id)?;
    let mut layouts = conn
        .prepare_cached(
            "SELECT id, name, display_label FROM layouts
             WHERE org_id = ?1 AND module_id = ?2 ORDER BY id",
        )?
        .query_map(
            params![org_id, module.id],
            |row| from_row!(row => LayoutRow { id, name, display_label, fields = Vec::new() }),
        )?
        .collect::<Result<Vec<_>, _>>()?;
    for layout in &mut layouts {
        layout.fields = conn
            .prepare_cached(
                "SELECT field_id, mandatory FROM layout_fields
                 WHERE org_id = ?1 AND layout_id = ?2 ORDER BY rowid",
            )?
            .query_map(params![org_id, layout.id], |row| {
                Ok((row.get(0)?, flag(row.get(1)?)))
            })?
            .collect::<Result<Vec<_>, _>>()?;
    }
    let views = conn
        .prepare_cached(
            "SELECT id, name, display_label, type FROM views
             WHERE org_id = ?1 AND module_id = ?2 ORDER BY id",
        )?
        .query_map(
            params![org_id, module.id],
            |row| from_row!(row => ViewRow { id, name, display_label, view_type }),
        )?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ModuleMeta {
        module,
        fields,
        layouts,
        views,
    })
}
