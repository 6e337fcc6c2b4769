//! The Fields metadata API (F1), as far as Zoho's SDKs need it: before their first record call
//! they read the module's fields to learn each field's type.
//!
//! ```text
//! GET /crm/{v}/settings/fields?module=Contacts
//!   -> 200 {"fields":[{"api_name","data_type","json_type","field_label","display_label",
//!                      "system_mandatory","id"[,"lookup":{"module":{"api_name","id"}}]}]}
//! ```
//!
//! The fields are the module's fixture fields, in id order; `system_mandatory` is the default
//! layout's mandatory flag. Zoho's items carry many more keys (a subset: `fixtures/FIDELITY.md`).

use serde_json::{Map, Value, json};

use super::Ctx;
use crate::api::error::ApiError;
use crate::http::ApiResponse;
use crate::store::crm;

/// F1 `GET /settings/fields?module=`.
pub fn list(ctx: &Ctx<'_>) -> Result<ApiResponse, ApiError> {
    let module = ctx.required_param("module")?;
    let org_id = ctx.caller.org_id.as_str();
    ctx.state.store.read(|conn| {
        let module =
            crm::module_by_api_name(conn, org_id, module)?.ok_or(ApiError::InvalidModule)?;
        let meta = crm::module_meta(conn, org_id, module)?;
        let mandatory = meta.mandatory_field_ids();
        let mut fields = Vec::with_capacity(meta.fields.len());
        for field in &meta.fields {
            let mut item = Map::new();
            item.insert("api_name".into(), json!(field.api_name));
            item.insert("data_type".into(), json!(field.data_type));
            item.insert("json_type".into(), json!(json_type(&field.data_type)));
            item.insert("field_label".into(), json!(field.field_label));
            item.insert("display_label".into(), json!(field.field_label));
            item.insert(
                "system_mandatory".into(),
                json!(mandatory.contains(&field.id.as_str())),
            );
            item.insert("id".into(), json!(field.id));
            if field.data_type == "lookup"
                && let Some(looked_up) = &field.lookup_module
                && let Some(target) = crm::module_by_api_name(conn, org_id, looked_up)?
            {
                item.insert(
                    "lookup".into(),
                    json!({ "module": { "api_name": target.api_name, "id": target.id } }),
                );
            }
            fields.push(Value::Object(item));
        }
        if fields.is_empty() {
            return Ok(ApiResponse::no_content());
        }
        Ok(ApiResponse::json(200, &json!({ "fields": fields })))
    })
}

/// The JSON type of a field's values, as the Fields API names it.
fn json_type(data_type: &str) -> &'static str {
    match data_type {
        "integer" | "bigint" => "integer",
        "currency" | "double" | "decimal" | "percent" => "double",
        "boolean" => "boolean",
        "lookup" | "ownerlookup" => "jsonobject",
        "multiselectlookup" | "multiselectpicklist" => "jsonarray",
        _ => "string",
    }
}
