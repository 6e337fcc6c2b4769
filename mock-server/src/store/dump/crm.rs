//! Dump: an org's CRM (modules, fields, layouts, views, records) as the fixture's `crm`.

use rusqlite::{Connection, params};
use serde_json::Value;
use time::UtcOffset;

use super::rows;
use crate::clock::format_timestamp;
use crate::fixtures::{
    CrmFixture, FieldFixture, LayoutFieldFixture, LayoutFixture, ModuleFixture, OrgFixture,
    RecordFixture, ViewFixture,
};
use crate::store::row::from_row;
use crate::store::{StoreError, flag};

pub(super) fn crm(
    conn: &Connection,
    org_id: &str,
    source: Option<&OrgFixture>,
    offset: UtcOffset,
) -> Result<CrmFixture, StoreError> {
    let source_crm = source.and_then(OrgFixture::crm);
    let mut modules = rows(
        conn,
        "SELECT id, api_name, singular_label, plural_label, shared_type, personality,
                portal_allowed
         FROM modules WHERE org_id = ?1 ORDER BY rowid",
        [org_id],
        |row| {
            from_row!(row => ModuleFixture {
                id, api_name, singular_label, plural_label, shared_type, personality: flag,
                portal_allowed: flag, fields = Vec::new(), layouts = Vec::new(),
                views = Vec::new(),
            })
        },
    )?;
    for module in &mut modules {
        module.fields = rows(
            conn,
            "SELECT id, api_name, field_label, data_type, lookup_module, portal_allowed
             FROM fields WHERE org_id = ?1 AND module_id = ?2 ORDER BY rowid",
            params![org_id, module.id],
            |row| {
                from_row!(row => FieldFixture {
                    id, api_name, field_label, data_type, lookup_module, portal_allowed: flag,
                })
            },
        )?;
        module.layouts = rows(
            conn,
            "SELECT id, name, display_label FROM layouts
             WHERE org_id = ?1 AND module_id = ?2 ORDER BY rowid",
            params![org_id, module.id],
            |row| from_row!(row => LayoutFixture { id, name, display_label, fields = Vec::new() }),
        )?;
        for layout in &mut module.layouts {
            layout.fields = rows(
                conn,
                "SELECT field_id, mandatory FROM layout_fields
                 WHERE org_id = ?1 AND layout_id = ?2 ORDER BY rowid",
                params![org_id, layout.id],
                |row| from_row!(row => LayoutFieldFixture { id, mandatory: flag }),
            )?;
        }
        module.views = rows(
            conn,
            "SELECT id, name, display_label, type FROM views
             WHERE org_id = ?1 AND module_id = ?2 ORDER BY rowid",
            params![org_id, module.id],
            |row| from_row!(row => ViewFixture { id, name, display_label, view_type }),
        )?;
    }
    let note = |id: &str| {
        source_crm
            .and_then(|crm| crm.records.iter().find(|r| r.id == id))
            .map(|r| r.note.clone())
            .unwrap_or_default()
    };
    let ts = |unix: Option<i64>| unix.map(|unix| format_timestamp(unix, offset));
    let records = rows(
        conn,
        "SELECT r.id, m.api_name, r.name, r.email, r.approval, r.gdpr_consent, r.state, r.data,
                r.created_time, r.created_by, r.modified_time, r.modified_by
         FROM records r JOIN modules m ON m.org_id = r.org_id AND m.id = r.module_id
         WHERE r.org_id = ?1 ORDER BY r.rowid",
        [org_id],
        |row| {
            let id: String = row.get(0)?;
            let data: String = row.get(7)?;
            let data = match serde_json::from_str(&data) {
                Ok(Value::Object(map)) => map,
                _ => return Err(bad_json(7, "records.data")),
            };
            Ok(RecordFixture {
                note: note(&id),
                id,
                module: row.get(1)?,
                name: row.get(2)?,
                email: row.get(3)?,
                approval: row.get(4)?,
                gdpr_consent: flag(row.get(5)?),
                state: row.get(6)?,
                data,
                created_time: ts(row.get(8)?),
                created_by: row.get(9)?,
                modified_time: ts(row.get(10)?),
                modified_by: row.get(11)?,
            })
        },
    )?;
    Ok(CrmFixture {
        description: source_crm
            .map(|crm| crm.description.clone())
            .unwrap_or_default(),
        modules,
        records,
    })
}

/// The error a column of malformed JSON gives.
pub(super) fn bad_json(column: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        column,
        rusqlite::types::Type::Text,
        format!("{what} is not the JSON expected").into(),
    )
}

pub(super) fn json_column(
    row: &rusqlite::Row<'_>,
    column: usize,
    what: &str,
) -> rusqlite::Result<Value> {
    let text: String = row.get(column)?;
    serde_json::from_str(&text).map_err(|_| bad_json(column, what))
}
