//! Portal user types (UT1–UT5).
//!
//! ```text
//! GET    /crm/{v}/settings/portals/{portal}/user_type[?include=modules] -> 200 {"user_type":[…]}
//! GET    /crm/{v}/settings/portals/{portal}/user_type/{id}             -> 200 {"user_type":[{…,"modules":[…]}]} | 204
//! POST   /crm/{v}/settings/portals/{portal}/user_type  {"user_type":[{name, personality_module, active, modules, …}]}
//!        -> v4–v7: 200 {"user_type":[{"code":"SUCCESS","details":{"id":"…"},"message":"user type created successfully.",…}]}
//!        -> v8:    201 {"user_type":[{the created user type}]}
//! PUT    /crm/{v}/settings/portals/{portal}/user_type/{id}  (every key optional; modules merged by id)
//!        -> 200 {"user_type":[{"code":"SUCCESS","details":{"id":"…"},"message":"Portal user type updated successfully.",…}]}
//! DELETE /crm/{v}/settings/portals/{portal}/user_type/{id}[?transfer_To=<id>]
//!        -> 200 {"user_type":[{"code":"SUCCESS","details":{"id":<number>},"message":"Portal user type deleted successfully.",…}]}
//!           (v8: "id":"…", a string)
//! ```
//! Each item of a batch body gets its own result; the request is one transaction.

mod invitation;
mod render;
mod schema;
mod validate;
pub(crate) mod values;

use render::{Shape, render, render_configs};
use validate::{
    check_mandatory_modules, invitation_field, optional_bool, overlay_module, personality_module,
    validate_modules, validate_name,
};

use rusqlite::{Connection, Transaction};
use serde_json::{Map, Value, json};

use super::Ctx;
use super::body::{parse_json, per_item_results};
use super::user_type_modules::{self as modules, Rules, as_input, id_of, required, wrong_type};
use crate::api::error::{ApiError, Details, message};
use crate::domain::membership;
use crate::http::ApiResponse;
use crate::store::crm::{self};
use crate::store::orgs::OrgRow;
use crate::store::portals;
use crate::store::user_types::{self, NewUserType, UserTypeChanges};
use crate::version::ApiVersion;

const KEY: &str = "user_type";

/// The most user types a batch body may hold.
const MAX_ITEMS: usize = 5;

/// UT1: the portal's user types, with `include=modules` their module configurations.
pub fn list(ctx: &Ctx<'_>, portal: &str) -> Result<ApiResponse, ApiError> {
    let with_modules = ctx
        .request
        .query_param("include")
        .is_some_and(|include| include.split(',').any(|part| part.trim() == "modules"));
    ctx.state.store.read(|conn| {
        require_portal(conn, ctx, portal)?;
        let rows = user_types::list(conn, &ctx.caller.org_id)?;
        if rows.is_empty() {
            return Ok(ApiResponse::no_content());
        }
        let items = rows
            .iter()
            .map(|row| render(conn, ctx, row, with_modules, Shape::Listed))
            .collect::<Result<Vec<_>, ApiError>>()?;
        Ok(ApiResponse::json(200, &json!({ KEY: items })))
    })
}

/// UT2: one user type with its modules; 204 for an id the portal does not have.
pub fn get(ctx: &Ctx<'_>, portal: &str, id: &str) -> Result<ApiResponse, ApiError> {
    ctx.state.store.read(|conn| {
        require_portal(conn, ctx, portal)?;
        match user_types::get(conn, &ctx.caller.org_id, id)? {
            Some(row) => Ok(ApiResponse::json(
                200,
                &json!({ KEY: [render(conn, ctx, &row, true, Shape::Got)?] }),
            )),
            None => Ok(ApiResponse::no_content()),
        }
    })
}

/// UT3: creates one user type per item.
pub fn create(ctx: &Ctx<'_>, portal: &str, org: &OrgRow) -> Result<ApiResponse, ApiError> {
    let success_status = if ctx.version >= ApiVersion::V8 {
        201
    } else {
        200
    };
    apply_items(ctx, portal, success_status, |tx, index, item| {
        let (id, configs) = Batch { tx, ctx, portal }.create_one(org, item, index)?;
        if ctx.version >= ApiVersion::V8 {
            let row =
                user_types::get(tx, &ctx.caller.org_id, &id)?.ok_or(ApiError::InternalError)?;
            // The modules as just stored, without reading them back.
            let configs: Vec<Value> = configs.into_iter().map(|(_, config)| config).collect();
            Ok(render_configs(
                tx,
                ctx,
                &row,
                Some(&configs),
                Shape::Created,
            )?)
        } else {
            Ok(success(
                Value::String(id),
                "user type created successfully.",
            ))
        }
    })
}

/// UT4: updates one user type (the body's items all apply to it, in order).
pub fn update(ctx: &Ctx<'_>, portal: &str, id: &str) -> Result<ApiResponse, ApiError> {
    apply_items(ctx, portal, 200, |tx, index, item| {
        Batch { tx, ctx, portal }.update_one(id, item, index)?;
        Ok(success(
            Value::String(id.to_owned()),
            "Portal user type updated successfully.",
        ))
    })
}

/// Parses a `{"user_type":[…]}` body and, in one transaction on the portal, applies `apply` to
/// each item in order; answers one result per item (`success_status`, 207 or 400).
fn apply_items(
    ctx: &Ctx<'_>,
    portal: &str,
    success_status: u16,
    mut apply: impl FnMut(&Transaction<'_>, usize, &Value) -> Result<Value, ApiError>,
) -> Result<ApiResponse, ApiError> {
    let body = parse_json(&ctx.request.body)?;
    let items = items(&body)?;
    ctx.state.store.write(|tx| {
        require_portal(tx, ctx, portal)?;
        // Each error in its version's form (v8: the v8 examples' schema-error form).
        let v8 = ctx.version >= ApiVersion::V8;
        let results = each_item(items, |index, item| {
            apply(tx, index, item).map_err(|error| error.in_version_form(v8))
        })?;
        Ok(per_item_results(KEY, results, success_status))
    })
}

/// Applies `apply` to each item in order: a wrapped error is that item's result, any other
/// error refuses the whole request (and the transaction rolls back).
fn each_item(
    items: &[Value],
    mut apply: impl FnMut(usize, &Value) -> Result<Value, ApiError>,
) -> Result<Vec<Result<Value, ApiError>>, ApiError> {
    let mut results = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        match apply(index, item) {
            Err(top_level) if !matches!(top_level, ApiError::Wrapped { .. }) => {
                return Err(top_level);
            }
            result => results.push(result),
        }
    }
    Ok(results)
}

/// UT5: deletes a user type; its users must first go elsewhere (`transfer_To`).
pub fn delete(ctx: &Ctx<'_>, portal: &str, id: &str) -> Result<ApiResponse, ApiError> {
    let transfer_to = ctx.request.query_param("transfer_To");
    let org_id = ctx.caller.org_id.as_str();
    ctx.state.store.write(|tx| {
        require_portal(tx, ctx, portal)?;
        let row = user_types::summary(tx, org_id, id)?.ok_or_else(|| unknown_id(id))?;
        if row.is_default {
            return Err(ApiError::NotAllowed {
                details: Details::Id { id: id.to_owned() },
                message: "Default user type cannot be deleted.",
            });
        }
        let has_users = row.users > 0;
        match transfer_to {
            Some(target) => {
                // Users move only to another type of the same personality module.
                membership::transfer_target(tx, org_id, &row, target)?;
                user_types::move_users(tx, org_id, id, target)?;
            }
            None if has_users => {
                return Err(ApiError::InvalidData {
                    details: Details::ParamName {
                        param_name: "transfer_To",
                    },
                    message: "Deletion of portal user type is not allowed, as user type contains users, which need to be transferred to other user type",
                });
            }
            None => {}
        }
        user_types::delete(tx, org_id, id)?;
        // v8 sends the id as a string, as every other id (Zoho's v8 example and schema); the
        // v4–v7 pages and Kaizen #73 print it as a JSON number.
        let shown = if ctx.version >= ApiVersion::V8 {
            Value::String(id.to_owned())
        } else {
            id.parse::<u64>()
                .map(Value::from)
                .unwrap_or_else(|_| Value::String(id.to_owned()))
        };
        Ok(ApiResponse::json(
            200,
            &json!({ KEY: [success(shown, "Portal user type deleted successfully.")] }),
        ))
    })
}

fn require_portal(conn: &Connection, ctx: &Ctx<'_>, portal: &str) -> Result<(), ApiError> {
    if portals::exists(conn, &ctx.caller.org_id, Some(portal))? {
        Ok(())
    } else {
        Err(ApiError::no_portal())
    }
}

fn unknown_id(id: &str) -> ApiError {
    ApiError::InvalidData {
        details: Details::Id { id: id.to_owned() },
        message: message::INVALID_DATA,
    }
}

/// The items of a `{"user_type":[…]}` body (1 to 5).
fn items(body: &Value) -> Result<&Vec<Value>, ApiError> {
    let type_error = |expected| ApiError::InvalidData {
        details: Details::ExpectedDataType {
            expected_data_type: expected,
        },
        message: "body",
    };
    let object = body.as_object().ok_or(type_error("jsonobject"))?;
    match object.get(KEY) {
        None | Some(Value::Null) => Err(ApiError::mandatory(KEY, "$.user_type")),
        Some(Value::Array(items)) if items.is_empty() => {
            Err(ApiError::mandatory(KEY, "$.user_type"))
        }
        Some(Value::Array(items)) if items.len() > MAX_ITEMS => Err(ApiError::InvalidData {
            details: Details::MaxLength {
                api_name: KEY.into(),
                json_path: "$.user_type".into(),
                maximum_length: MAX_ITEMS,
            },
            message: "Invalid data",
        }),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(type_error("jsonarray")),
    }
}

fn success(id: Value, message: &str) -> Value {
    json!({ "code": "SUCCESS", "details": { "id": id }, "message": message, "status": "success" })
}

/// The item at `index` of a create (`create`) or update batch: its JSON path, its members (an
/// item that is not an object is the wrapped "Invalid data type" error) and the rules of the
/// call's version.
fn item_of_batch<'a>(
    ctx: &Ctx<'_>,
    item: &'a Value,
    index: usize,
    create: bool,
) -> Result<(String, &'a Map<String, Value>, Rules), ApiError> {
    let base = format!("$.user_type[{index}]");
    let Value::Object(item) = item else {
        return Err(wrong_type("jsonobject", KEY, &base));
    };
    let rules = Rules {
        v8: ctx.version >= ApiVersion::V8,
        create,
    };
    Ok((base, item, rules))
}

/// One item of a batch: the transaction it writes in, the call and the portal of the path.
#[derive(Clone, Copy)]
struct Batch<'a> {
    tx: &'a Transaction<'a>,
    ctx: &'a Ctx<'a>,
    portal: &'a str,
}

impl Batch<'_> {
    /// Creates the user type of one item; answers its id and its module configurations.
    fn create_one(
        &self,
        org: &OrgRow,
        item: &Value,
        index: usize,
    ) -> Result<(String, Vec<(String, Value)>), ApiError> {
        let Batch { tx, ctx, portal } = *self;
        let (base, item, rules) = item_of_batch(ctx, item, index, true)?;
        if rules.v8 {
            schema::check(item, &base, rules.create)?;
        }
        let org_id = ctx.caller.org_id.as_str();
        let name = validate_name(item.get("name"), &base)?
            .ok_or_else(|| required("name", &format!("{base}.name")))?;
        let personality =
            personality_module(tx, org_id, item.get("personality_module"), &base, rules)?
                .ok_or_else(|| {
                    required("personality_module", &format!("{base}.personality_module"))
                })?;
        let active = optional_bool(item.get("active"), "active", &base)?.unwrap_or(false);
        let invitation_field =
            match phone_invitation_field(tx, ctx, portal, &personality, item, &base)? {
                Some(phone) => Some(phone),
                None => invitation_field(
                    tx,
                    org_id,
                    &personality,
                    item.get("invitation_field"),
                    &base,
                )?,
            };
        // v8 requires the key (oas8 createPortalUserType:400:mandatorynotfoundresponse8); the mock
        // still defaults it to the module's Email field, which clients that cannot send it (the
        // Python SDK 8.0) rely on, so only a module without an email field needs it named.
        if rules.v8 && invitation_field.is_none() {
            return Err(required(
                "invitation_field",
                &format!("{base}.invitation_field"),
            ));
        }
        let module_items = match item.get("modules") {
            None | Some(Value::Null) => {
                return Err(required("modules", &format!("{base}.modules")));
            }
            Some(Value::Array(items)) => items.clone(),
            Some(_) => {
                return Err(wrong_type(
                    "jsonarray",
                    "modules",
                    &format!("{base}.modules"),
                ));
            }
        };
        let configs = validate_modules(tx, org_id, &personality, &module_items, &base, rules)?;
        if user_types::name_taken(tx, org_id, name, None)? {
            return Err(duplicate_name(&base));
        }
        if user_types::count(tx, org_id)? >= user_type_limit(org) {
            return Err(ApiError::LicenseLimitExceeded.wrapped(KEY));
        }
        let stored: Vec<(String, String)> = configs
            .iter()
            .map(|(module_id, config)| (module_id.clone(), config.to_string()))
            .collect();
        let id = user_types::insert(
            tx,
            &NewUserType {
                by: ctx.requester(),
                name,
                personality_module_id: &personality.id,
                invitation_field_id: invitation_field.as_deref(),
                active,
                is_default: false,
                modules: &stored,
            },
        )?;
        Ok((id, configs))
    }

    /// Applies one item to the user type `id`.
    fn update_one(&self, id: &str, item: &Value, index: usize) -> Result<(), ApiError> {
        let Batch { tx, ctx, portal } = *self;
        let (base, item, rules) = item_of_batch(ctx, item, index, false)?;
        let org_id = ctx.caller.org_id.as_str();
        let row = user_types::get(tx, org_id, id)?.ok_or_else(|| unknown_id(id))?;
        if rules.v8 {
            schema::check(item, &base, rules.create)?;
        }
        let personality =
            crm::module_by_id(tx, org_id, &row.personality.0)?.ok_or(ApiError::InternalError)?;
        let name = validate_name(item.get("name"), &base)?;
        if let Some(given) =
            personality_module(tx, org_id, item.get("personality_module"), &base, rules)?
            && given.id != personality.id
        {
            return Err(ApiError::NotAllowed {
                details: Details::At {
                    api_name: "personality_module".into(),
                    json_path: format!("{base}.personality_module"),
                },
                // v8 documents the refusal for the default type in its own words
                // (oas8 updatePortalUserType:400:notallowedresponse2); v4–v7 and other types keep
                // the mock's message.
                message: if ctx.version == ApiVersion::V8 && row.is_default {
                    "Change of personality module of default user type is not allowed."
                } else {
                    "Personality module of a user type cannot be changed."
                },
            }
            .wrapped(KEY));
        }
        let active = optional_bool(item.get("active"), "active", &base)?;
        let invitation_field = match item.get("invitation_field") {
            None | Some(Value::Null) => None,
            given => match phone_invitation_field(tx, ctx, portal, &personality, item, &base)? {
                Some(phone) => Some(phone),
                None => invitation_field(tx, org_id, &personality, given, &base)?,
            },
        };
        let configs = match item.get("modules") {
            None | Some(Value::Null) => None,
            Some(Value::Array(given)) => {
                let stored = user_types::modules(tx, org_id, id)?;
                let mut merged: Vec<Value> = stored
                    .iter()
                    .map(|(_, config)| serde_json::from_str(config).map(|c: Value| as_input(&c)))
                    .collect::<Result<_, _>>()
                    .map_err(|_| ApiError::InternalError)?;
                // Items given for a configured module overlay its keys (permissions key by key);
                // items for other modules are added. Paths in errors name the body's items.
                let mut order: Vec<usize> = Vec::new();
                for (k, item) in given.iter().enumerate() {
                    let repeated = item.get("id").and_then(id_of).is_some_and(|module_id| {
                        given[..k].iter().any(|earlier| {
                            earlier.get("id").and_then(id_of).as_deref() == Some(module_id.as_str())
                        })
                    });
                    if repeated {
                        return Err(ApiError::DuplicateData {
                            api_name: "id".into(),
                            json_path: format!("{base}.modules[{k}].id"),
                        }
                        .wrapped(KEY));
                    }
                    let position = item.get("id").and_then(id_of).and_then(|module_id| {
                        merged.iter().position(|m| {
                            m.get("id").and_then(id_of).as_deref() == Some(module_id.as_str())
                        })
                    });
                    match (position, item) {
                        (Some(position), Value::Object(overlay)) => {
                            overlay_module(&mut merged[position], overlay);
                            order.push(position);
                        }
                        _ => {
                            merged.push(item.clone());
                            order.push(merged.len() - 1);
                        }
                    }
                }
                let mut configs = Vec::new();
                for (position, config) in merged.iter().enumerate() {
                    let body_index = order.iter().position(|p| *p == position);
                    let path = match body_index {
                        Some(k) => format!("{base}.modules[{k}]"),
                        None => format!("{base}.modules"),
                    };
                    configs.push(modules::validate(
                        tx,
                        org_id,
                        &personality,
                        config,
                        &path,
                        rules,
                    )?);
                }
                check_mandatory_modules(tx, org_id, &personality, &configs)?;
                Some(
                    configs
                        .into_iter()
                        .map(|(module_id, config)| (module_id, config.to_string()))
                        .collect::<Vec<_>>(),
                )
            }
            Some(_) => {
                return Err(wrong_type(
                    "jsonarray",
                    "modules",
                    &format!("{base}.modules"),
                ));
            }
        };
        if let Some(name) = name
            && user_types::name_taken(tx, org_id, name, Some(id))?
        {
            return Err(duplicate_name(&base));
        }
        user_types::update(
            tx,
            org_id,
            id,
            &UserTypeChanges {
                name,
                active,
                invitation_field_id: invitation_field.as_deref(),
                modules: configs.as_deref(),
            },
            &ctx.caller.user_id,
            ctx.now,
        )?;
        Ok(())
    }
}

/// v8: a phone field of the personality module as the invitation field (refused when the
/// portal has SAML configured); `None` when the body names no phone field.
fn phone_invitation_field(
    conn: &Connection,
    ctx: &Ctx<'_>,
    portal: &str,
    personality: &crm::ModuleRow,
    item: &Map<String, Value>,
    base: &str,
) -> Result<Option<String>, ApiError> {
    // Only an object can name a phone field (the email rules answer for anything else).
    if ctx.version < ApiVersion::V8
        || !matches!(item.get("invitation_field"), Some(Value::Object(_)))
    {
        return Ok(None);
    }
    let saml_configured =
        portals::by_name(conn, &ctx.caller.org_id, portal)?.is_some_and(|row| row.saml.is_some());
    invitation::phone_field(
        conn,
        &ctx.caller.org_id,
        personality,
        item.get("invitation_field"),
        base,
        saml_configured,
    )
}

fn duplicate_name(base: &str) -> ApiError {
    ApiError::DuplicateData {
        api_name: "name".into(),
        json_path: format!("{base}.name"),
    }
    .wrapped(KEY)
}

/// How many user types (the default one included) an edition allows: at most five per portal
/// (Zoho's 2024 portal-licence announcement, editions Enterprise and Ultimate), fewer on the
/// smaller editions (the mock's numbers).
fn user_type_limit(org: &OrgRow) -> i64 {
    if org.trial {
        return 5;
    }
    match org.edition.as_str() {
        "Free" => 1,
        "Standard" | "Starter" => 2,
        "Professional" => 3,
        _ => 5,
    }
}
