//! Portals meta (M1): what a user type of a personality module can be built from.
//!
//! ```text
//! GET /crm/{v}/settings/portals/meta?module=Contacts
//!   -> 200 {"related_lists":[{"module":{"plural_label","shared_type","api_name","id",
//!            "filters":[…],"layouts":[…],"views":[…]}}, …]}
//! ```
//! The modules are those a user type of that personality module may include (itself, Notes,
//! public modules, and modules related through a lookup or multi-select lookup). A module's
//! `filters` are its lookups to the personality module; `views` is an array here.

use serde_json::{Value, json};

use super::Ctx;
use super::user_type_modules::module_allowed;
use crate::api::error::ApiError;
use crate::http::ApiResponse;
use crate::store::crm;

/// M1.
pub fn get(ctx: &Ctx<'_>) -> Result<ApiResponse, ApiError> {
    let module = ctx.required_param("module")?;
    let org_id = ctx.caller.org_id.as_str();
    ctx.state.store.read(|conn| {
        let personality = crm::module_by_api_name(conn, org_id, module)?
            .filter(|m| m.personality)
            .ok_or(ApiError::InvalidModule)?;
        let mut related = Vec::new();
        for candidate in crm::modules(conn, org_id)? {
            if !module_allowed(conn, org_id, &personality, &candidate)? {
                continue;
            }
            let meta = crm::module_meta(conn, org_id, candidate)?;
            let filters: Vec<Value> = meta
                .fields
                .iter()
                // A filter needs a layout to sit on: a module without layouts offers none.
                .filter(|_| !meta.layouts.is_empty())
                .filter(|f| {
                    matches!(f.data_type.as_str(), "lookup" | "multiselectlookup")
                        && f.lookup_module.as_deref() == Some(personality.api_name.as_str())
                })
                .map(|f| json!({ "display_label": f.field_label, "api_name": f.api_name, "id": f.id }))
                .collect();
            let layouts: Vec<Value> = meta
                .layouts
                .iter()
                .map(|l| json!({ "display_label": l.display_label, "name": l.name, "id": l.id }))
                .collect();
            let views: Vec<Value> = meta
                .views
                .iter()
                .map(|v| {
                    json!({ "display_label": v.display_label, "name": v.name, "id": v.id, "type": v.view_type })
                })
                .collect();
            related.push(json!({ "module": {
                "plural_label": meta.module.plural_label,
                "shared_type": meta.module.shared_type,
                "api_name": meta.module.api_name,
                "id": meta.module.id,
                "filters": filters,
                "layouts": layouts,
                "views": views,
            }}));
        }
        Ok(ApiResponse::json(200, &json!({ "related_lists": related })))
    })
}
