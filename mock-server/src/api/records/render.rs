//! A stored record as the Records API shows it: its fields, then `Created_Time`, `Created_By`,
//! `Modified_Time`, `Modified_By`, `$approval_state` and `id` (Get Record, list and search);
//! a list's `fields` parameter keeps only the fields named (and `id`).

use std::collections::HashMap;

use rusqlite::Connection;
use serde_json::{Map, Value, json};

use crate::api::Ctx;
use crate::api::error::ApiError;
use crate::clock::format_timestamp;
use crate::store::portals;
use crate::store::records::FullRecord;

/// Renders records, looking each CRM user's name up once.
pub(super) struct Renderer<'a> {
    ctx: &'a Ctx<'a>,
    conn: &'a Connection,
    users: HashMap<String, Value>,
}

impl<'a> Renderer<'a> {
    pub(super) fn new(ctx: &'a Ctx<'a>, conn: &'a Connection) -> Renderer<'a> {
        Renderer {
            ctx,
            conn,
            users: HashMap::new(),
        }
    }

    /// `{"name","id"}` of a CRM user, or `null`.
    pub(super) fn user(&mut self, id: Option<&str>) -> Result<Value, ApiError> {
        let Some(id) = id else {
            return Ok(Value::Null);
        };
        if let Some(found) = self.users.get(id) {
            return Ok(found.clone());
        }
        let user = portals::user_ref(self.conn, &self.ctx.caller.org_id, id)?;
        let shown = json!({ "name": user.name, "id": user.id });
        self.users.insert(id.to_owned(), shown.clone());
        Ok(shown)
    }

    /// A time in the org's offset, or `null`.
    pub(super) fn time(&self, at: Option<i64>) -> Value {
        match at {
            Some(at) => Value::String(format_timestamp(at, self.ctx.offset)),
            None => Value::Null,
        }
    }

    /// The whole record.
    pub(super) fn record(&mut self, record: &FullRecord) -> Result<Map<String, Value>, ApiError> {
        let mut shown: Map<String, Value> = serde_json::from_str(&record.data).unwrap_or_default();
        if let Some(email) = &record.row.email {
            shown
                .entry("Email")
                .or_insert_with(|| Value::String(email.clone()));
        }
        shown.insert("Created_Time".into(), self.time(record.created_time));
        let created_by = self.user(record.created_by.as_deref())?;
        shown.insert("Created_By".into(), created_by);
        shown.insert("Modified_Time".into(), self.time(record.modified_time));
        let modified_by = self.user(record.modified_by.as_deref())?;
        shown.insert("Modified_By".into(), modified_by);
        shown.insert("$approval_state".into(), json!(record.row.approval));
        shown.insert("id".into(), json!(record.row.id));
        Ok(shown)
    }

    /// The records of a list or search page, each with only `fields` (see [`Self::record_with`]).
    pub(super) fn records_with(
        &mut self,
        records: &[FullRecord],
        fields: Option<&[String]>,
    ) -> Result<Vec<Value>, ApiError> {
        records
            .iter()
            .map(|record| self.record_with(record, fields).map(Value::Object))
            .collect()
    }

    /// The record with only `fields` (in the order asked; a field the record has no value
    /// for is `null`), then `id`; every field when `fields` is `None`.
    fn record_with(
        &mut self,
        record: &FullRecord,
        fields: Option<&[String]>,
    ) -> Result<Map<String, Value>, ApiError> {
        let mut whole = self.record(record)?;
        let Some(fields) = fields else {
            return Ok(whole);
        };
        let mut shown = Map::new();
        for field in fields {
            if field != "id" {
                let value = whole.remove(field).unwrap_or(Value::Null);
                shown.insert(field.clone(), value);
            }
        }
        shown.insert("id".into(), json!(record.row.id));
        Ok(shown)
    }
}
