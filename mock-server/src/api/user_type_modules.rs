//! The `modules[]` of a user type: validation against the org's CRM metadata, the stored form,
//! and the rendered form (UT2, `include=modules`).
//!
//! A module may be given to a user type when it is the personality module, Notes, a public
//! module, or related to the personality module through a lookup or multi-select lookup (either
//! way). Layouts, views, filters and fields must belong to that module; a filter field must be
//! on a chosen layout; a field mandatory on the layout in use cannot be read-only.

use rusqlite::Connection;
use serde_json::{Map, Value, json};

use crate::api::error::{ApiError, Details};
use crate::store::StoreError;
use crate::store::crm::{self, ModuleMeta, ModuleRow};

// The value checks live in `user_types::values`; validators here and in `user_types` share them.
pub use super::user_types::values::*;

const KEY: &str = "user_type";
/// The permission keys a private module takes, in the order they are shown.
pub const PERMISSION_KEYS: [&str; 7] = [
    "view",
    "edit",
    "edit_shared_records",
    "create",
    "delete",
    "delete_attachment",
    "create_attachment",
];
const SHARED_TYPES: [&str; 2] = ["private", "public"];
const VIEW_TYPES: [&str; 2] = ["custom_view", "canvas_view"];
const MAX_LAYOUTS: usize = 7;
const MAX_FILTERS: usize = 1;
const MAX_FIELDS: usize = 500;

/// Validates one `modules[]` item (already merged with the stored one on update) and answers
/// its stored form: `(module id, configuration)`.
pub fn validate(
    conn: &Connection,
    org_id: &str,
    personality: &ModuleRow,
    item: &Value,
    path: &str,
    rules: Rules,
) -> Result<(String, Value), ApiError> {
    let Value::Object(item) = item else {
        return Err(wrong_type("jsonobject", "modules", path));
    };
    // A module's `id` is required by the schema (v8: "Required field is missing").
    if matches!(item.get("id"), None | Some(Value::Null)) {
        return Err(required("id", &format!("{path}.id")));
    }
    let module_id = required_id(item, path, rules)?;
    // On v8 the key types, lengths and enums were checked first (`user_types::schema`).
    let module = crm::module_by_id(conn, org_id, &module_id)?
        .ok_or_else(|| invalid_at("id", &format!("{path}.id")))?;
    if !module_allowed(conn, org_id, personality, &module)? {
        return Err(invalid_at("id", &format!("{path}.id")));
    }
    // The module's fields, layouts and views are read only when the item names some of them:
    // the checks of absent keys never look at them.
    let names_metadata = ["layouts", "views", "filters", "fields"]
        .iter()
        .any(|key| !matches!(item.get(*key), None | Some(Value::Null)));
    let meta = if names_metadata {
        crm::module_meta(conn, org_id, module)?
    } else {
        bare(module)
    };

    let shared_type = match item.get("shared_type") {
        None | Some(Value::Null) => {
            return Err(missing("shared_type", &format!("{path}.shared_type")));
        }
        // The module's own sharing in the CRM is the one value accepted.
        Some(Value::String(text)) if *text == meta.module.shared_type => text.clone(),
        Some(_) => {
            let own = SHARED_TYPES
                .iter()
                .copied()
                .filter(|t| *t == meta.module.shared_type)
                .collect::<Vec<_>>();
            // The module's sharing, not the key's schema: the path keeps its indices.
            return Err(
                supported_values(&own, "shared_type", &format!("{path}.shared_type")).wrapped(KEY),
            );
        }
    };
    let permissions = validate_permissions(item.get("permissions"), &shared_type, path, rules)?;
    let layouts = validate_layouts(item.get("layouts"), &meta, path, rules)?;
    let views = validate_views(item.get("views"), &meta, path, rules)?;
    let filters = validate_filters(
        item.get("filters"),
        &meta,
        personality,
        &layouts,
        path,
        rules,
    )?;
    let fields = validate_fields(item.get("fields"), &meta, &layouts, path, rules)?;

    let config = json!({
        "id": meta.module.id,
        "shared_type": shared_type,
        "permissions": permissions,
        "layouts": layouts,
        "views": views,
        "filters": filters,
        "fields": fields,
    });
    Ok((meta.module.id, config))
}

/// Whether a module may be given to a user type of this personality module.
pub fn module_allowed(
    conn: &Connection,
    org_id: &str,
    personality: &ModuleRow,
    module: &ModuleRow,
) -> Result<bool, StoreError> {
    if !module.portal_allowed {
        return Ok(false);
    }
    if module.id == personality.id || module.api_name == "Notes" || module.shared_type == "public" {
        return Ok(true);
    }
    Ok(
        crm::looks_up(conn, org_id, &module.id, &personality.api_name)?
            || crm::looks_up(conn, org_id, &personality.id, &module.api_name)?,
    )
}

/// A module without its fields, layouts and views (for checks and renders that name none).
fn bare(module: ModuleRow) -> ModuleMeta {
    ModuleMeta {
        module,
        fields: Vec::new(),
        layouts: Vec::new(),
        views: Vec::new(),
    }
}

fn validate_permissions(
    value: Option<&Value>,
    shared_type: &str,
    path: &str,
    rules: Rules,
) -> Result<Value, ApiError> {
    let path = format!("{path}.permissions");
    let given = match value {
        // The v8 create schema requires `permissions` on every module: a public module without
        // them is that schema error (oas8 createPortalUserType:400:mandatorynotfoundresponse11);
        // a private one is the CRM's own refusal below
        // (`PrivateModulePermissionsRequiredError`, mandatorynotfoundresponse1).
        None | Some(Value::Null) if shared_type == "public" && rules.v8 && rules.create => {
            return Err(required("permissions", &path));
        }
        None | Some(Value::Null) if shared_type == "public" => return Ok(json!({ "view": true })),
        None | Some(Value::Null) => return Err(missing("permissions", &path)),
        Some(Value::Object(given)) => given,
        Some(_) => return Err(wrong_type("jsonobject", "permissions", &path)),
    };
    let mut flags = Map::new();
    for (key, value) in given {
        if !PERMISSION_KEYS.contains(&key.as_str()) {
            return Err(unsupported(&PERMISSION_KEYS, key, &format!("{path}.{key}")));
        }
        let flag = boolean(value, key, &format!("{path}.{key}"))?;
        flags.insert(key.clone(), Value::Bool(flag));
    }
    if !flags.contains_key("view") {
        return Err(required("view", &format!("{path}.view")));
    }
    if shared_type == "public" {
        return Ok(json!({ "view": flags["view"] }));
    }
    let mut full = Map::new();
    for key in PERMISSION_KEYS {
        full.insert(
            key.into(),
            flags.get(key).cloned().unwrap_or(Value::Bool(false)),
        );
    }
    Ok(Value::Object(full))
}

fn validate_layouts(
    value: Option<&Value>,
    meta: &ModuleMeta,
    path: &str,
    rules: Rules,
) -> Result<Value, ApiError> {
    let items = match value {
        None | Some(Value::Null) => return Ok(Value::Null),
        Some(Value::Array(items)) => items,
        Some(_) => {
            return Err(wrong_type(
                "jsonarray",
                "layouts",
                &format!("{path}.layouts"),
            ));
        }
    };
    let path = format!("{path}.layouts");
    if items.len() > MAX_LAYOUTS {
        return Err(too_long("layouts", &path, MAX_LAYOUTS));
    }
    let mut ids = Vec::new();
    for (k, item) in items.iter().enumerate() {
        let item_path = format!("{path}[{k}]");
        let Value::Object(layout) = item else {
            return Err(wrong_type("jsonobject", "layouts", &item_path));
        };
        let id = required_id(layout, &item_path, rules)?;
        if !meta.layouts.iter().any(|l| l.id == id) {
            return Err(invalid_at("id", &format!("{item_path}.id")));
        }
        if ids.contains(&Value::String(id.clone())) {
            return Err(ApiError::DuplicateData {
                api_name: "id".into(),
                json_path: format!("{item_path}.id"),
            }
            .wrapped(KEY));
        }
        ids.push(Value::String(id));
    }
    Ok(if ids.is_empty() {
        Value::Null
    } else {
        Value::Array(ids)
    })
}

fn validate_views(
    value: Option<&Value>,
    meta: &ModuleMeta,
    path: &str,
    rules: Rules,
) -> Result<Value, ApiError> {
    let view = match value {
        None | Some(Value::Null) => return Ok(Value::Null),
        Some(Value::Object(view)) => view,
        Some(_) => return Err(wrong_type("jsonobject", "views", &format!("{path}.views"))),
    };
    let path = format!("{path}.views");
    let id = required_id(view, &path, rules)?;
    let view_type = match view.get("type") {
        None | Some(Value::Null) => return Err(missing("type", &format!("{path}.type"))),
        Some(Value::String(text)) if VIEW_TYPES.contains(&text.as_str()) => text.clone(),
        Some(_) => return Err(unsupported(&VIEW_TYPES, "type", &format!("{path}.type"))),
    };
    let known = meta
        .views
        .iter()
        .find(|v| v.id == id)
        .ok_or_else(|| invalid_at("id", &format!("{path}.id")))?;
    if known.view_type != view_type {
        return Err(invalid_at("type", &format!("{path}.type")));
    }
    Ok(json!({ "id": id, "type": view_type }))
}

fn validate_filters(
    value: Option<&Value>,
    meta: &ModuleMeta,
    personality: &ModuleRow,
    layouts: &Value,
    path: &str,
    rules: Rules,
) -> Result<Value, ApiError> {
    let filters_path = || format!("{path}.filters");
    let items = match value {
        None | Some(Value::Null) => return Ok(Value::Null),
        Some(Value::Array(items)) if items.is_empty() => return Ok(Value::Null),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(wrong_type("jsonarray", "filters", &filters_path())),
    };
    let filters_path = filters_path();
    if items.len() > MAX_FILTERS {
        return Err(too_long("filters", &filters_path, MAX_FILTERS));
    }
    let Value::Array(layout_ids) = layouts else {
        // v8 names the missing layouts as depending on the module's id (oas8
        // createPortalUserType:400:dependentfieldmissingresponse1); v4–v7 the filters as
        // depending on the layouts.
        let error = if rules.v8 {
            ApiError::DependentFieldMissing {
                dependee: "id".into(),
                dependee_path: format!("{path}.id"),
                api_name: "layouts".into(),
                json_path: format!("{path}.layouts"),
                message: "layouts are missing.",
            }
        } else {
            ApiError::DependentFieldMissing {
                dependee: "layouts".into(),
                dependee_path: format!("{path}.layouts"),
                api_name: "filters".into(),
                json_path: filters_path,
                message: "layouts are missing.",
            }
        };
        return Err(error.wrapped(KEY));
    };
    let mut ids = Vec::new();
    for (k, item) in items.iter().enumerate() {
        let item_path = format!("{filters_path}[{k}]");
        let Value::Object(filter) = item else {
            return Err(wrong_type("jsonobject", "filters", &item_path));
        };
        let id = required_id(filter, &item_path, rules)?;
        // A filter is a lookup from this module to the personality module (what portals meta
        // offers): it ties each record to the portal user who may see it.
        let is_filter = meta.fields.iter().any(|f| {
            f.id == id
                && matches!(f.data_type.as_str(), "lookup" | "multiselectlookup")
                && f.lookup_module.as_deref() == Some(personality.api_name.as_str())
        });
        if !is_filter {
            return Err(invalid_at("id", &format!("{item_path}.id")));
        }
        let on_layout = meta.layouts.iter().any(|layout| {
            layout_ids.contains(&Value::String(layout.id.clone()))
                && layout.fields.iter().any(|(field, _)| *field == id)
        });
        if !on_layout {
            // v8 points at the chosen layout (oas8 createPortalUserType:400:notallowedresponse1);
            // v4–v7 at the filter.
            let json_path = if rules.v8 {
                format!("{path}.layouts[0].id")
            } else {
                item_path
            };
            return Err(ApiError::NotAllowed {
                details: Details::JsonPath { json_path },
                message: "Layout does not have selected filter in it.",
            }
            .wrapped(KEY));
        }
        ids.push(Value::String(id));
    }
    Ok(Value::Array(ids))
}

fn validate_fields(
    value: Option<&Value>,
    meta: &ModuleMeta,
    layouts: &Value,
    path: &str,
    rules: Rules,
) -> Result<Value, ApiError> {
    let fields_path = || format!("{path}.fields");
    let items = match value {
        None | Some(Value::Null) => return Ok(Value::Array(Vec::new())),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(wrong_type("jsonarray", "fields", &fields_path())),
    };
    let fields_path = fields_path();
    // v8 counts them against its schema (`user_types::schema`).
    if !rules.v8 && items.len() > MAX_FIELDS {
        return Err(too_long("fields", &fields_path, MAX_FIELDS));
    }
    let chosen: Vec<&str> = match layouts {
        Value::Array(ids) => ids.iter().filter_map(Value::as_str).collect(),
        _ => meta.layouts.iter().map(|l| l.id.as_str()).collect(),
    };
    let mut out = Vec::new();
    for (k, item) in items.iter().enumerate() {
        let item_path = format!("{fields_path}[{k}]");
        let Value::Object(field) = item else {
            return Err(wrong_type("jsonobject", "fields", &item_path));
        };
        let id = required_id(field, &item_path, rules)?;
        let known = meta
            .fields
            .iter()
            .find(|f| f.id == id)
            .ok_or_else(|| invalid_at("id", &format!("{item_path}.id")))?;
        if !known.portal_allowed {
            // v8 points at the field's id (oas8 createPortalUserType:400:invaliddataresponse2).
            let json_path = if rules.v8 {
                format!("{item_path}.id")
            } else {
                item_path
            };
            return Err(ApiError::InvalidData {
                details: Details::JsonPath { json_path },
                message: "Field is not allowed in portals.",
            }
            .wrapped(KEY));
        }
        let read_only = match field.get("read_only") {
            None | Some(Value::Null) => {
                return Err(ApiError::RequiredParamMissing {
                    key: "api_name",
                    value: "read_only".into(),
                });
            }
            Some(value) => boolean(value, "read_only", &format!("{item_path}.read_only"))?,
        };
        let mandatory = meta.layouts.iter().any(|layout| {
            chosen.contains(&layout.id.as_str())
                && layout
                    .fields
                    .iter()
                    .any(|(f, mandatory)| *f == id && *mandatory)
        });
        if read_only && mandatory {
            return Err(ApiError::NotAllowed {
                details: Details::At {
                    api_name: "read_only".into(),
                    json_path: format!("{item_path}.read_only"),
                },
                message: "Mandatory field cannot be read only.",
            }
            .wrapped(KEY));
        }
        if out.iter().any(|f: &Value| f["id"] == id.as_str()) {
            return Err(ApiError::DuplicateData {
                api_name: "id".into(),
                json_path: format!("{item_path}.id"),
            }
            .wrapped(KEY));
        }
        out.push(json!({ "id": id, "read_only": read_only }));
    }
    Ok(Value::Array(out))
}

/// The stored configuration shown as the API shows it (UT2 and `include=modules`).
pub fn render(
    conn: &Connection,
    org_id: &str,
    config: &Value,
) -> Result<Option<Value>, StoreError> {
    let Some(module_id) = config.get("id").and_then(Value::as_str) else {
        return Ok(None);
    };
    let Some(module) = crm::module_by_id(conn, org_id, module_id)? else {
        return Ok(None);
    };
    // The module's fields, layouts and views are read only when the configuration names some.
    let listed = |key: &str| {
        config
            .get(key)
            .and_then(Value::as_array)
            .is_some_and(|items| !items.is_empty())
    };
    let names_metadata = listed("filters")
        || listed("layouts")
        || listed("fields")
        || config.get("views").is_some_and(|views| !views.is_null());
    let meta = if names_metadata {
        crm::module_meta(conn, org_id, module)?
    } else {
        bare(module)
    };
    let ids = |key: &str| -> Option<Vec<String>> {
        config.get(key)?.as_array().map(|items| {
            items
                .iter()
                .filter_map(|item| {
                    item.as_str()
                        .map(str::to_owned)
                        .or_else(|| id_of(item.get("id")?))
                })
                .collect()
        })
    };
    let filters = ids("filters").map(|ids| {
        ids.iter()
            .filter_map(|id| meta.fields.iter().find(|f| &f.id == id))
            .map(|f| json!({ "display_label": f.field_label, "api_name": f.api_name, "id": f.id }))
            .collect::<Vec<_>>()
    });
    let layouts = ids("layouts").map(|ids| {
        ids.iter()
            .filter_map(|id| meta.layouts.iter().find(|l| &l.id == id))
            .map(|l| {
                json!({
                    "display_label": l.display_label,
                    "name": l.name,
                    "id": l.id,
                    "_default_view": {
                        "display_label": l.display_label, "name": l.name, "id": l.id, "type": "layout",
                    },
                })
            })
            .collect::<Vec<_>>()
    });
    let views = config
        .get("views")
        .and_then(|v| v.get("id"))
        .and_then(id_of)
        .and_then(|id| meta.views.iter().find(|v| v.id == id))
        .map(|v| json!({ "display_label": v.display_label, "name": v.name, "id": v.id, "type": v.view_type }));
    let fields: Vec<Value> = config
        .get("fields")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|item| {
                    let id = id_of(item.get("id")?)?;
                    let field = meta.fields.iter().find(|f| f.id == id)?;
                    Some(json!({
                        "read_only": item.get("read_only").and_then(Value::as_bool).unwrap_or(false),
                        "api_name": field.api_name,
                        "id": field.id,
                    }))
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Some(json!({
        "plural_label": meta.module.plural_label,
        "shared_type": config.get("shared_type").cloned().unwrap_or(Value::Null),
        "api_name": meta.module.api_name,
        "id": meta.module.id,
        "permissions": config.get("permissions").cloned().unwrap_or(Value::Null),
        "filters": filters,
        "fields": fields,
        "layouts": layouts,
        "views": views,
    })))
}

/// The stored configuration in the shape a request gives it, so an update can overlay its keys.
pub fn as_input(config: &Value) -> Value {
    let mut input = config.clone();
    if let Some(object) = input.as_object_mut() {
        for key in ["layouts", "filters"] {
            if let Some(Value::Array(ids)) = object.get(key) {
                let wrapped: Vec<Value> = ids
                    .iter()
                    .map(|id| match id {
                        Value::String(_) => json!({ "id": id }),
                        other => other.clone(),
                    })
                    .collect();
                object.insert(key.into(), Value::Array(wrapped));
            }
        }
    }
    input
}
