//! How a user type is printed: the keys and their order on each version and in each answer
//! (the list, one type, the v8 create answer).

use rusqlite::Connection;
use serde_json::{Map, Value, json};

use super::super::Ctx;
use crate::api::error::ApiError;
use crate::api::user_type_modules as modules;
use crate::clock::format_timestamp;
use crate::store::portals::UserRef;
use crate::store::user_types::{self, UserTypeRow};
use crate::version::ApiVersion;

/// Which answer a user type is printed in: v8 prints each differently (its examples).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    /// UT1, the list.
    Listed,
    /// UT2, one type.
    Got,
    /// The v8 create answer (201).
    Created,
}

/// A user type as UT1/UT2 print it, keys in the order of the Kaizen #72 sample. v4–v7 count
/// users in `no_of_users`; v8 in `active_user_count`/`deactive_user_count` and adds
/// `invitation_field`, as each version's documentation does. On v8, UT2 and the create answer
/// leave out `created_time`, `modified_time`, `created_by` and `modified_by`, the create answer
/// also the counts, and shows each module's `views` as `{id, type}` (oas8
/// `getPortalUserType:200:success200`, `createPortalUserType:201:success201`).
pub(super) fn render(
    conn: &Connection,
    ctx: &Ctx<'_>,
    row: &UserTypeRow,
    with_modules: bool,
    shape: Shape,
) -> Result<Value, ApiError> {
    let configs = if with_modules {
        let stored = user_types::modules(conn, &ctx.caller.org_id, &row.id)?;
        let parsed = stored
            .iter()
            .map(|(_, config)| serde_json::from_str(config))
            .collect::<Result<Vec<Value>, _>>()
            .map_err(|_| ApiError::InternalError)?;
        Some(parsed)
    } else {
        None
    };
    render_configs(conn, ctx, row, configs.as_deref(), shape)
}

/// [`render`], with the type's module configurations given (`None`: no `modules` key).
pub(super) fn render_configs(
    conn: &Connection,
    ctx: &Ctx<'_>,
    row: &UserTypeRow,
    configs: Option<&[Value]>,
    shape: Shape,
) -> Result<Value, ApiError> {
    let user = |user: &UserRef| json!({ "name": user.name, "id": user.id });
    let (personality_id, personality_api_name, personality_label) = &row.personality;
    let v8 = ctx.version >= ApiVersion::V8;
    let audit = !v8 || shape == Shape::Listed;
    let mut object = Map::new();
    if audit {
        object.insert(
            "created_time".into(),
            format_timestamp(row.created_time, ctx.offset).into(),
        );
    }
    object.insert("default".into(), row.is_default.into());
    if audit {
        object.insert(
            "modified_time".into(),
            format_timestamp(row.modified_time, ctx.offset).into(),
        );
    }
    object.insert(
        "personality_module".into(),
        json!({ "plural_label": personality_label, "api_name": personality_api_name, "id": personality_id }),
    );
    object.insert("name".into(), row.name.clone().into());
    if audit {
        object.insert("modified_by".into(), user(&row.modified_by));
    }
    object.insert("active".into(), row.active.into());
    object.insert("id".into(), row.id.clone().into());
    if audit {
        object.insert("created_by".into(), user(&row.created_by));
    }
    if v8 {
        if shape != Shape::Created {
            object.insert("active_user_count".into(), row.active_users.into());
            object.insert("deactive_user_count".into(), row.inactive_users.into());
        }
        object.insert(
            "invitation_field".into(),
            row.invitation_field.as_ref().map_or(
                Value::Null,
                |(id, api_name)| json!({ "api_name": api_name, "id": id }),
            ),
        );
    } else {
        object.insert(
            "no_of_users".into(),
            (row.active_users + row.inactive_users).into(),
        );
    }
    if let Some(configs) = configs {
        let mut rendered = Vec::new();
        for config in configs {
            if let Some(mut module) = modules::render(conn, &ctx.caller.org_id, config)? {
                if v8 && shape == Shape::Created {
                    views_as_given(&mut module);
                }
                rendered.push(module);
            }
        }
        object.insert("modules".into(), Value::Array(rendered));
    }
    if v8 && shape == Shape::Listed {
        object = in_order(object, &V8_LISTED_ORDER);
    }
    Ok(Value::Object(object))
}

/// The keys of a v8 listed user type in the order of Zoho's example
/// (oas8 `getPortalUserTypes:200:success200`); `modules` (`include=modules`) last.
const V8_LISTED_ORDER: [&str; 13] = [
    "created_time",
    "default",
    "modified_time",
    "active_user_count",
    "personality_module",
    "name",
    "modified_by",
    "active",
    "invitation_field",
    "id",
    "deactive_user_count",
    "created_by",
    "modules",
];

/// `object`'s keys in `order` (keys not named keep their place after them).
fn in_order(mut object: Map<String, Value>, order: &[&str]) -> Map<String, Value> {
    let mut ordered = Map::new();
    for key in order {
        if let Some(value) = object.remove(*key) {
            ordered.insert((*key).to_owned(), value);
        }
    }
    ordered.extend(object);
    ordered
}

/// The v8 create answer echoes a module's `views` as the request gives it: `{id, type}`.
fn views_as_given(module: &mut Value) {
    if let Some(Value::Object(views)) = module.get_mut("views") {
        views.retain(|key, _| key == "id" || key == "type");
    }
}
