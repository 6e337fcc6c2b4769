//! The part of the Records API that portable scenarios need: add records of a module, read one,
//! and delete them to the recycle bin (so a scenario sets up its own personalities on a live org
//! and cleans them up, and the mock answers it the same way).
//!
//! ```text
//! POST   /crm/{v}/{module}            {"data":[{…fields…}]}
//!   -> 201 {"data":[{"code":"SUCCESS","details":{"Modified_Time","Modified_By","Created_Time","id","Created_By","$approval_state"},"message":"record added","status":"success"}]}
//! GET    /crm/{v}/{module}/{id}       -> 200 {"data":[{…fields…,"id",…}]} | 204 (no such record, or in the recycle bin)
//! DELETE /crm/{v}/{module}?ids=a,b    -> 200 {"data":[{"code":"SUCCESS","details":{"id"},"message":"record deleted","status":"success"}]}
//! DELETE /crm/{v}/{module}/{id}       -> the same for one record
//! ```
//!
//! Items answer one result each: 201/200 when all succeed, 400 when all fail, 207 when mixed.
//! Fields are checked against the module's metadata: the default layout's mandatory fields, and
//! each known field's data type. Keys that are not fields of the module are ignored, as Zoho does.

use serde_json::{Map, Value, json};

use super::Ctx;
use super::body::{parse_json, per_item_results, wrapper_items};
use crate::api::error::{ApiError, Details, message};
use crate::clock::format_timestamp;
use crate::http::ApiResponse;
use crate::store::crm::{self, FieldRow, ModuleMeta};
use crate::store::records::{self, NewRecord};
use crate::store::{orgs, portals};

const KEY: &str = "data";
/// At most this many records in one insert, as Zoho allows.
const MAX_RECORDS: usize = 100;

/// `POST /crm/{v}/{module}`: adds each record of `data`.
pub fn create(ctx: &Ctx<'_>, module: &str) -> Result<ApiResponse, ApiError> {
    let body = parse_json(&ctx.request.body)?;
    let items = data_items(&body)?;
    let org_id = ctx.caller.org_id.as_str();
    let results = ctx.state.store.write(|tx| {
        let meta = module_meta(tx, org_id, module)?;
        let mut results = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let result = match validate(&meta, item, index) {
                Ok(valid) => {
                    let id = orgs::next_id(tx, org_id)?;
                    records::insert(
                        tx,
                        &NewRecord {
                            org_id,
                            id: &id,
                            module_id: &meta.module.id,
                            name: &valid.name,
                            email: valid.email.as_deref(),
                            data: &Value::Object(valid.fields).to_string(),
                            user_id: &ctx.caller.user_id,
                            now: ctx.now,
                        },
                    )?;
                    Ok(added(ctx, tx, &id)?)
                }
                Err(error) => Err(error),
            };
            results.push(result);
        }
        Ok::<_, ApiError>(results)
    })?;
    Ok(per_item_results(KEY, results, 201))
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
        let mut shown: Map<String, Value> = serde_json::from_str(&record.data).unwrap_or_default();
        if let Some(email) = &record.row.email {
            shown
                .entry("Email")
                .or_insert_with(|| Value::String(email.clone()));
        }
        let user = |id: &Option<String>| -> Result<Value, ApiError> {
            Ok(match id {
                Some(id) => {
                    let user = portals::user_ref(conn, org_id, id)?;
                    json!({ "name": user.name, "id": user.id })
                }
                None => Value::Null,
            })
        };
        let time = |at: Option<i64>| match at {
            Some(at) => Value::String(format_timestamp(at, ctx.offset)),
            None => Value::Null,
        };
        shown.insert("Created_Time".into(), time(record.created_time));
        shown.insert("Created_By".into(), user(&record.created_by)?);
        shown.insert("Modified_Time".into(), time(record.modified_time));
        shown.insert("Modified_By".into(), user(&record.modified_by)?);
        shown.insert("$approval_state".into(), json!(record.row.approval));
        shown.insert("id".into(), json!(record.row.id));
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

fn module_meta(
    conn: &rusqlite::Connection,
    org_id: &str,
    module: &str,
) -> Result<ModuleMeta, ApiError> {
    let module = crm::module_by_api_name(conn, org_id, module)?.ok_or(ApiError::InvalidModule)?;
    Ok(crm::module_meta(conn, org_id, module)?)
}

/// A record that passed the checks: the fields to keep, its display name and its email.
struct ValidRecord {
    fields: Map<String, Value>,
    name: String,
    email: Option<String>,
}

fn validate(meta: &ModuleMeta, item: &Value, index: usize) -> Result<ValidRecord, ApiError> {
    let path = |api_name: &str| format!("$.data[{index}].{api_name}");
    let item = item
        .as_object()
        .ok_or_else(|| ApiError::expected_type("jsonobject", KEY, &format!("$.data[{index}]")))?;
    let mandatory = meta
        .layouts
        .first()
        .map(|layout| {
            layout
                .fields
                .iter()
                .filter(|(_, mandatory)| *mandatory)
                .map(|(id, _)| id.as_str())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    for field in meta
        .fields
        .iter()
        .filter(|f| mandatory.contains(&f.id.as_str()))
    {
        let missing = match item.get(&field.api_name) {
            None | Some(Value::Null) => true,
            Some(Value::String(text)) => text.trim().is_empty(),
            Some(_) => false,
        };
        if missing {
            return Err(ApiError::mandatory(&field.api_name, &path(&field.api_name)));
        }
    }
    let mut fields = Map::new();
    for field in &meta.fields {
        let Some(value) = item.get(&field.api_name) else {
            continue;
        };
        if !value.is_null() {
            check_type(field, value, &path(&field.api_name))?;
        }
        fields.insert(field.api_name.clone(), value.clone());
    }
    let text = |api_name: &str| fields.get(api_name).and_then(Value::as_str).map(str::trim);
    let name = match (text("First_Name"), text("Last_Name")) {
        (Some(first), Some(last)) if !first.is_empty() => format!("{first} {last}"),
        (_, Some(last)) => last.to_owned(),
        _ => meta
            .fields
            .iter()
            .filter(|f| f.data_type == "text")
            .find_map(|f| text(&f.api_name))
            .unwrap_or_default()
            .to_owned(),
    };
    let email = meta
        .fields
        .iter()
        .filter(|f| f.data_type == "email")
        .find_map(|f| text(&f.api_name))
        .filter(|email| !email.is_empty())
        .map(str::to_owned);
    Ok(ValidRecord {
        fields,
        name,
        email,
    })
}

/// `INVALID_DATA` with the field's expected type when a value does not fit it.
fn check_type(field: &FieldRow, value: &Value, json_path: &str) -> Result<(), ApiError> {
    let (fits, expected) = match field.data_type.as_str() {
        "email" => (value.as_str().is_some_and(is_email), "email"),
        "integer" => (value.as_i64().is_some(), "integer"),
        "currency" | "double" => (value.is_number(), "double"),
        "boolean" => (value.is_boolean(), "boolean"),
        "lookup" | "ownerlookup" => (
            value
                .get("id")
                .and_then(Value::as_str)
                .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())),
            "jsonobject",
        ),
        "multiselectlookup" => (value.is_array(), "jsonarray"),
        _ => (value.is_string(), "text"),
    };
    if fits {
        Ok(())
    } else {
        Err(ApiError::expected_type(
            expected,
            &field.api_name,
            json_path,
        ))
    }
}

/// A plain check of an email address's shape: one `@`, text on both sides, a dot in the domain.
fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !text.chars().any(char::is_whitespace)
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
    fn emails_need_one_at_and_a_dotted_domain() {
        assert!(is_email("ravi.kumar@example.com"));
        assert!(is_email("a+b@x.co"));
        assert!(!is_email("ravi.kumar"));
        assert!(!is_email("a@b"));
        assert!(!is_email("a@@b.com"));
        assert!(!is_email("a b@c.com"));
        assert!(!is_email("@c.com"));
    }

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
