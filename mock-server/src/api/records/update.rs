//! Changing records: update by id (`PUT /{module}/{id}`, `PUT /{module}` with ids in `data`)
//! and upsert (`POST /{module}/upsert`), one transaction per call.
//!
//! ```text
//! PUT  /crm/{v}/{module}        {"data":[{"id":"…",…fields…}]}
//!   -> 200 {"data":[{"code":"SUCCESS","details":{"Modified_Time","Modified_By","Created_Time","id","Created_By","$approval_state"},"message":"record updated","status":"success"}]}
//! POST /crm/{v}/{module}/upsert {"data":[{…}],"duplicate_check_fields":["Email"]}
//!   -> 200 {"data":[{"code":"SUCCESS","duplicate_field":"Email"|null,"action":"update"|"insert","details":{…},"message":"record updated"|"record added","status":"success"}]}
//! ```
//!
//! An update checks the fields it sends as an add does (a mandatory field may be left out, not
//! emptied) and merges them into the record; an id that is no active record of the module is
//! that item's `INVALID_DATA` `{"id"}`. Upsert looks each record up by the duplicate check
//! fields in order (default: the module's system-defined ones), updates the first match, or
//! adds the record.

use rusqlite::Connection;
use serde_json::{Map, Value, json};

use super::fields::{self, name_and_email};
use super::render::Renderer;
use super::search::column_of;
use super::{insert, write_each};
use crate::api::Ctx;
use crate::api::error::{ApiError, Details, message};
use crate::http::ApiResponse;
use crate::store::crm::ModuleMeta;
use crate::store::record_queries::{self, Filter, Op, Operand};
use crate::store::records::{self, RecordWrite};

/// The message of an unknown or deleted id.
const INVALID_ID: &str = "the id given seems to be invalid";

/// `PUT /crm/{v}/{module}` (ids in `data`) or `PUT /crm/{v}/{module}/{id}`.
pub fn update(ctx: &Ctx<'_>, module: &str, path_id: Option<&str>) -> Result<ApiResponse, ApiError> {
    write_each(
        ctx,
        module,
        200,
        |_, _| Ok(()),
        |tx, meta, (), index, item| {
            Ok(item_id(item, index, path_id)
                .and_then(|id| apply_update(ctx, tx, meta, &id, item, index)))
        },
    )
}

/// The id an item updates: the path's, or its `id` (a string or number of digits).
fn item_id(item: &Value, index: usize, path_id: Option<&str>) -> Result<String, ApiError> {
    if let Some(id) = path_id {
        return Ok(id.to_owned());
    }
    let invalid = |id: String| ApiError::InvalidData {
        details: Details::Id { id },
        message: INVALID_ID,
    };
    match item.get("id") {
        None | Some(Value::Null) => Err(ApiError::mandatory("id", &format!("$.data[{index}].id"))),
        Some(Value::String(id)) if is_id(id) => Ok(id.clone()),
        Some(Value::Number(n)) if n.as_u64().is_some() => Ok(n.to_string()),
        Some(Value::String(id)) => Err(invalid(id.clone())),
        Some(other) => Err(invalid(other.to_string())),
    }
}

/// A record id: digits, at most 25 of them.
pub(super) fn is_id(text: &str) -> bool {
    !text.is_empty() && text.len() <= 25 && text.bytes().all(|b| b.is_ascii_digit())
}

/// Checks `item`'s fields and merges them into the active record `id`; its success item.
fn apply_update(
    ctx: &Ctx<'_>,
    tx: &Connection,
    meta: &ModuleMeta,
    id: &str,
    item: &Value,
    index: usize,
) -> Result<Value, ApiError> {
    let org_id = ctx.caller.org_id.as_str();
    let invalid = || ApiError::InvalidData {
        details: Details::Id { id: id.to_owned() },
        message: INVALID_ID,
    };
    let record = records::get_full(tx, org_id, &meta.module.id, id)?
        .filter(|record| record.row.state == "active")
        .ok_or_else(invalid)?;
    let changes = fields::check(meta, item, index, true)?;
    let mut merged: Map<String, Value> = serde_json::from_str(&record.data).unwrap_or_default();
    if let (Some(email), Some(field)) = (&record.row.email, fields::primary_email(meta)) {
        merged
            .entry(field.api_name.clone())
            .or_insert_with(|| Value::String(email.clone()));
    }
    merged.extend(changes);
    let (name, email) = name_and_email(meta, &merged);
    let name = if name.is_empty() {
        record.row.name.clone()
    } else {
        name
    };
    records::update(
        tx,
        &RecordWrite {
            by: ctx.requester(),
            id,
            name: &name,
            email: email.as_deref(),
            data: &Value::Object(merged).to_string(),
        },
    )?;
    let mut renderer = Renderer::new(ctx, tx);
    let by = renderer.user(Some(&ctx.caller.user_id))?;
    Ok(json!({
        "code": "SUCCESS",
        "details": {
            "Modified_Time": renderer.time(Some(ctx.now)),
            "Modified_By": by,
            "Created_Time": renderer.time(record.created_time),
            "id": id,
            "Created_By": renderer.user(record.created_by.as_deref())?,
            "$approval_state": record.row.approval,
        },
        "message": "record updated",
        "status": "success",
    }))
}

/// The fields Zoho checks for duplicates in a module when the body names none (system-defined
/// duplicate checks), among the module's fields.
fn default_duplicate_fields(meta: &ModuleMeta) -> Vec<String> {
    let names: &[&str] = match meta.module.api_name.as_str() {
        "Leads" | "Contacts" => &["Email"],
        "Accounts" => &["Account_Name"],
        "Deals" => &["Deal_Name"],
        "Campaigns" => &["Campaign_Name"],
        "Products" => &["Product_Name"],
        "Vendors" => &["Vendor_Name"],
        _ => &[],
    };
    names
        .iter()
        .filter(|name| meta.fields.iter().any(|f| f.api_name == **name))
        .map(|name| (*name).to_owned())
        .collect()
}

/// `duplicate_check_fields`: an array of the module's field API names.
fn duplicate_fields(body: &Value, meta: &ModuleMeta) -> Result<Vec<String>, ApiError> {
    const KEY: &str = "duplicate_check_fields";
    let path = format!("$.{KEY}");
    match body.get(KEY) {
        None | Some(Value::Null) => Ok(default_duplicate_fields(meta)),
        Some(Value::Array(names)) => names
            .iter()
            .enumerate()
            .map(|(index, name)| {
                let at = format!("{path}[{index}]");
                match name.as_str() {
                    Some(name) if meta.fields.iter().any(|f| f.api_name == name) => {
                        Ok(name.to_owned())
                    }
                    Some(_) => Err(ApiError::InvalidData {
                        details: Details::At {
                            api_name: KEY.to_owned(),
                            json_path: at,
                        },
                        message: message::INVALID_DATA,
                    }),
                    None => Err(ApiError::expected_type("text", KEY, &at)),
                }
            })
            .collect(),
        Some(_) => Err(ApiError::expected_type("jsonarray", KEY, &path)),
    }
}

/// `POST /crm/{v}/{module}/upsert`.
pub fn upsert(ctx: &Ctx<'_>, module: &str) -> Result<ApiResponse, ApiError> {
    let org_id = ctx.caller.org_id.as_str();
    write_each(
        ctx,
        module,
        200,
        duplicate_fields,
        |tx, meta, checks, index, item| {
            Ok(match duplicate_of(tx, org_id, meta, checks, item)? {
                Some((id, field)) => apply_update(ctx, tx, meta, &id, item, index)
                    .map(|done| upserted(done, Value::String(field), "update")),
                None => match fields::check(meta, item, index, false) {
                    Ok(valid) => Ok(upserted(
                        insert(ctx, tx, meta, valid)?,
                        Value::Null,
                        "insert",
                    )),
                    Err(error) => Err(error),
                },
            })
        },
    )
}

/// The first active record that has one of `checks`' values of `item` (in their order), and
/// the field that matched.
fn duplicate_of(
    conn: &Connection,
    org_id: &str,
    meta: &ModuleMeta,
    checks: &[String],
    item: &Value,
) -> Result<Option<(String, String)>, ApiError> {
    for name in checks {
        let Some(value) = item.get(name).and_then(Value::as_str).map(str::trim) else {
            continue;
        };
        let Some(field) = meta.fields.iter().find(|f| &f.api_name == name) else {
            continue;
        };
        if value.is_empty() {
            continue;
        }
        let filter = Filter::Test {
            column: column_of(meta, field),
            op: Op::Equals,
            operands: vec![Operand::Text(value.to_owned())],
        };
        if let Some(found) =
            record_queries::search(conn, org_id, &meta.module.id, &filter, 1, 0)?.first()
        {
            return Ok(Some((found.row.id.clone(), name.clone())));
        }
    }
    Ok(None)
}

/// An add or update item in the upsert's form: `code`, `duplicate_field`, `action`, then the
/// rest.
fn upserted(done: Value, duplicate_field: Value, action: &str) -> Value {
    let mut item = Map::new();
    item.insert("code".into(), done["code"].clone());
    item.insert("duplicate_field".into(), duplicate_field);
    item.insert("action".into(), json!(action));
    item.insert("details".into(), done["details"].clone());
    item.insert("message".into(), done["message"].clone());
    item.insert("status".into(), done["status"].clone());
    Value::Object(item)
}
