//! The Records API, the part portal integrations use around the Portals endpoints: add, read,
//! list, search, update, upsert and delete records of a module, and list deleted ones, on the
//! same SQLite records the invitation checks read (docs/api.md §3 R1–R8).
//!
//! ```text
//! POST   /crm/{v}/{module}            {"data":[{…fields…}]}
//!   -> 201 {"data":[{"code":"SUCCESS","details":{"Modified_Time","Modified_By","Created_Time","id","Created_By","$approval_state"},"message":"record added","status":"success"}]}
//! GET    /crm/{v}/{module}/{id}       -> 200 {"data":[{…fields…,"id",…}]} | 204 (no such record, or in the recycle bin)
//! DELETE /crm/{v}/{module}?ids=a,b    -> 200 {"data":[{"code":"SUCCESS","details":{"id"},"message":"record deleted","status":"success"}]}
//! DELETE /crm/{v}/{module}/{id}       -> the same for one record
//! GET    /crm/{v}/{module}?fields=…   -> listing::list
//! GET    /crm/{v}/{module}/deleted    -> listing::deleted
//! GET    /crm/{v}/{module}/search     -> search::search
//! PUT    /crm/{v}/{module}[/{id}]     -> update::update
//! POST   /crm/{v}/{module}/upsert     -> update::upsert
//! ```
//!
//! Items answer one result each: 201/200 when all succeed, 400 when all fail, 207 when mixed.
//! Fields are checked against the module's metadata (`fields`). Keys that are not fields of the
//! module are ignored, as Zoho does. Each write is one transaction.

mod fields;
mod listing;
mod render;
mod search;
mod update;

pub use listing::{deleted, list};
pub use search::search;
pub use update::{update, upsert};

use serde_json::{Map, Value, json};

use super::Ctx;
use super::body::{parse_json, per_item_results, wrapper_items};
use crate::api::error::{ApiError, Details, message};
use crate::clock::format_timestamp;
use crate::http::ApiResponse;
use crate::store::crm::{self, ModuleMeta, ModuleRow};
use crate::store::records::{self, RecordWrite};
use crate::store::{orgs, portals};

/// The wrapper key of every Records API body.
const KEY: &str = "data";
/// At most this many records in one insert, as Zoho allows.
const MAX_RECORDS: usize = 100;

/// `POST /crm/{v}/{module}`: adds each record of `data`.
pub fn create(ctx: &Ctx<'_>, module: &str) -> Result<ApiResponse, ApiError> {
    write_each(
        ctx,
        module,
        201,
        |_, _| Ok(()),
        |tx, meta, (), index, item| {
            Ok(match fields::check(meta, item, index, false) {
                Ok(valid) => Ok(insert(ctx, tx, meta, valid)?),
                Err(error) => Err(error),
            })
        },
    )
}

/// Writes each item of a `{"data":[…]}` body to the module in one transaction (create, update,
/// upsert): `setup` reads what the whole body asks (once), `each` answers an item's result (an
/// `Err` of its own ends the request and writes nothing); one result per item, with
/// `success_status` when all succeeded.
fn write_each<S>(
    ctx: &Ctx<'_>,
    module: &str,
    success_status: u16,
    setup: impl FnOnce(&Value, &ModuleMeta) -> Result<S, ApiError>,
    mut each: impl FnMut(
        &rusqlite::Connection,
        &ModuleMeta,
        &S,
        usize,
        &Value,
    ) -> Result<Result<Value, ApiError>, ApiError>,
) -> Result<ApiResponse, ApiError> {
    let body = parse_json(&ctx.request.body)?;
    let items = data_items(&body)?;
    let results = ctx.state.store.write(|tx| {
        let meta = module_meta(tx, &ctx.caller.org_id, module)?;
        let state = setup(&body, &meta)?;
        let mut results = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            results.push(each(tx, &meta, &state, index, item)?);
        }
        Ok::<_, ApiError>(results)
    })?;
    Ok(per_item_results(KEY, results, success_status))
}

/// `GET /crm/{v}/{module}/{id}`: one record, or 204 when there is none (or it is deleted).
pub fn get(ctx: &Ctx<'_>, module: &str, id: &str) -> Result<ApiResponse, ApiError> {
    let org_id = ctx.caller.org_id.as_str();
    ctx.state.store.read(|conn| {
        let module =
            crm::module_by_api_name(conn, org_id, module)?.ok_or(ApiError::InvalidModule)?;
        let Some(record) = records::get_full(conn, org_id, &module.id, id)? else {
            return Ok(ApiResponse::no_content());
        };
        if record.row.state != "active" {
            return Ok(ApiResponse::no_content());
        }
        let shown = render::Renderer::new(ctx, conn).record(&record)?;
        Ok(ApiResponse::json(200, &json!({ KEY: [shown] })))
    })
}

/// `DELETE /crm/{v}/{module}?ids=` (or one id in the path): to the recycle bin, one result each.
pub fn delete(ctx: &Ctx<'_>, module: &str, path_id: Option<&str>) -> Result<ApiResponse, ApiError> {
    let ids: Vec<String> = match path_id {
        Some(id) => vec![id.to_owned()],
        None => ctx
            .request
            .query_param("ids")
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(str::to_owned)
            .collect(),
    };
    if ids.is_empty() {
        return Err(ApiError::RequiredParamMissing {
            key: "param",
            value: "ids".to_owned(),
        });
    }
    let org_id = ctx.caller.org_id.as_str();
    let results = ctx.state.store.write(|tx| {
        let module = crm::module_by_api_name(tx, org_id, module)?.ok_or(ApiError::InvalidModule)?;
        let mut results = Vec::with_capacity(ids.len());
        for id in &ids {
            let moved = records::recycle(tx, org_id, &module.id, id, &ctx.caller.user_id, ctx.now)?;
            results.push(if moved {
                Ok(json!({
                    "code": "SUCCESS",
                    "details": { "id": id },
                    "message": "record deleted",
                    "status": "success",
                }))
            } else {
                Err(ApiError::InvalidData {
                    details: Details::Id { id: id.clone() },
                    message: "record not deleted",
                })
            });
        }
        Ok::<_, ApiError>(results)
    })?;
    Ok(per_item_results(KEY, results, 200))
}

/// The records of a `{"data":[…]}` body: top-level errors for the wrapper itself.
fn data_items(body: &Value) -> Result<Vec<Value>, ApiError> {
    let items = wrapper_items(body, KEY)?;
    if items.len() > MAX_RECORDS {
        return Err(ApiError::InvalidData {
            details: Details::MaxLength {
                api_name: KEY.to_owned(),
                json_path: "$.data".to_owned(),
                maximum_length: MAX_RECORDS,
            },
            message: message::INVALID_DATA,
        });
    }
    Ok(items.to_vec())
}

/// A module of the org by API name, or `INVALID_MODULE`.
fn module_by_name(
    conn: &rusqlite::Connection,
    org_id: &str,
    module: &str,
) -> Result<ModuleRow, ApiError> {
    crm::module_by_api_name(conn, org_id, module)?.ok_or(ApiError::InvalidModule)
}

/// A module with its fields and layouts, or `INVALID_MODULE`.
fn module_meta(
    conn: &rusqlite::Connection,
    org_id: &str,
    module: &str,
) -> Result<ModuleMeta, ApiError> {
    let module = module_by_name(conn, org_id, module)?;
    Ok(crm::module_meta(conn, org_id, module)?)
}

/// Adds a checked record; its success item.
fn insert(
    ctx: &Ctx<'_>,
    tx: &rusqlite::Connection,
    meta: &ModuleMeta,
    fields: Map<String, Value>,
) -> Result<Value, ApiError> {
    let org_id = ctx.caller.org_id.as_str();
    let (name, email) = fields::name_and_email(meta, &fields);
    let id = orgs::next_id(tx, org_id)?;
    records::insert(
        tx,
        &meta.module.id,
        &RecordWrite {
            by: ctx.requester(),
            id: &id,
            name: &name,
            email: email.as_deref(),
            data: &Value::Object(fields).to_string(),
        },
    )?;
    added(ctx, tx, &id)
}

/// The success item of an added record.
fn added(ctx: &Ctx<'_>, conn: &rusqlite::Connection, id: &str) -> Result<Value, ApiError> {
    let user = portals::user_ref(conn, &ctx.caller.org_id, &ctx.caller.user_id)?;
    let by = json!({ "name": user.name, "id": user.id });
    let at = format_timestamp(ctx.now, ctx.offset);
    Ok(json!({
        "code": "SUCCESS",
        "details": {
            "Modified_Time": at,
            "Modified_By": by,
            "Created_Time": at,
            "id": id,
            "Created_By": by,
            "$approval_state": "approved",
        },
        "message": "record added",
        "status": "success",
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_wrapper_answers_top_level_errors() {
        assert_eq!(
            data_items(&json!({})).unwrap_err(),
            ApiError::mandatory("data", "$.data")
        );
        assert_eq!(
            data_items(&json!({"data": {}})).unwrap_err().details(),
            json!({"expected_data_type": "jsonarray"})
        );
        let many = json!({ "data": vec![json!({}); 101] });
        assert_eq!(
            data_items(&many).unwrap_err().details(),
            json!({"api_name": "data", "json_path": "$.data", "maximum_length": 100})
        );
        assert_eq!(data_items(&json!({"data": [{}]})).unwrap().len(), 1);
    }
}
