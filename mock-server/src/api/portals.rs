//! Portals (P1–P4): list, get by name, create (with its default user type), rename.
//!
//! ```text
//! GET  /crm/{v}/settings/portals                 -> 200 {"portals":[{…}]} | 204 (no portal yet)
//! GET  /crm/{v}/settings/portals/{name}          -> 200 {"portals":[{…}]} | 400 no such portal
//!                                                   (v8: 204 when the org has no portal)
//! POST /crm/{v}/settings/portals  {"portals":[{"name":"ZylkerAutomobiles"}]}
//!      -> 200 {"portals":[{"code":"SUCCESS","details":{"name":…},"message":…,"status":"success"}]}
//! PUT  /crm/{v}/settings/portals/{name}  {"portals":[{"name":"ZylkerAutos"}]}  (rename and/or
//!      saml_configuration) -> 200 {"portals":[{"code":"SUCCESS",…,"message":"Portal updated successfully",…}]}
//! ```

use serde_json::{Map, Value, json};

use super::Ctx;
use super::body::{optional_string, parse_json, single_item};
use crate::api::error::{ApiError, Details, message};
use crate::clock::format_timestamp;
use crate::http::ApiResponse;
use crate::store::orgs::OrgRow;
use crate::store::portals::{self, PortalRow, UserRef};
use crate::store::user_types::{self, NewUserType};
use crate::version::ApiVersion;

const KEY: &str = "portals";
const NAME_PATH: &str = "$.portals[0].name";
const NAME_MIN: usize = 6;
const NAME_MAX: usize = 30;

/// P1: the org's portal, or 204 when it has none.
pub fn list(ctx: &Ctx<'_>) -> Result<ApiResponse, ApiError> {
    let portal = ctx
        .state
        .store
        .read(|conn| portals::of_org(conn, &ctx.caller.org_id))?;
    Ok(match portal {
        Some(portal) => ApiResponse::json(200, &json!({ KEY: [render(ctx, &portal, false)] })),
        None => ApiResponse::no_content(),
    })
}

/// P2: the portal of that name (case-insensitive); another name is "No portal exists…", except
/// on v8 in an org without any portal: 204, as v8's Get Portal documents it.
pub fn get(ctx: &Ctx<'_>, name: &str) -> Result<ApiResponse, ApiError> {
    let org_id = ctx.caller.org_id.as_str();
    let (found, has_portal) = ctx.state.store.read(|conn| {
        let found = portals::by_name(conn, org_id, name)?;
        let has_portal = found.is_some() || portals::of_org(conn, org_id)?.is_some();
        Ok::<_, ApiError>((found, has_portal))
    })?;
    match found {
        Some(portal) => Ok(ApiResponse::json(
            200,
            &json!({ KEY: [render(ctx, &portal, true)] }),
        )),
        None if !has_portal && ctx.version >= ApiVersion::V8 => Ok(ApiResponse::no_content()),
        None => Err(ApiError::no_portal()),
    }
}

/// P3: creates the org's one portal and its default `Client Portal` user type on Contacts.
pub fn create(ctx: &Ctx<'_>, org: &OrgRow) -> Result<ApiResponse, ApiError> {
    let body = parse_json(&ctx.request.body)?;
    let item = single_item(&body, KEY)?;
    let name = optional_string(item, "name", NAME_PATH, KEY)?
        .ok_or_else(|| ApiError::mandatory("name", NAME_PATH).wrapped(KEY))?;
    validate_name(name, ctx.version)?;
    let org_id = ctx.caller.org_id.as_str();
    ctx.state.store.write(|tx| {
        if portals::of_org(tx, org_id)?.is_some() {
            return Err(second_portal(ctx.version));
        }
        if portals::name_taken(tx, name, org_id)? {
            return Err(name_in_use());
        }
        portals::insert(tx, org, name, &ctx.caller.user_id, ctx.now)?;
        create_default_user_type(ctx, tx)
    })?;
    let message = if ctx.version >= ApiVersion::V8 {
        "Portal created successfully"
    } else {
        "Portal created successfully with given name."
    };
    Ok(success(name, message))
}

/// P4: renames the portal and/or sets its SAML configuration.
pub fn update(ctx: &Ctx<'_>, current_name: &str) -> Result<ApiResponse, ApiError> {
    let body = parse_json(&ctx.request.body)?;
    let item = single_item(&body, KEY)?;
    let new_name = optional_string(item, "name", NAME_PATH, KEY)?;
    let saml = match item.get("saml_configuration") {
        None | Some(Value::Null) => None,
        Some(value) => Some(validate_saml(value)?),
    };
    if new_name.is_none() && saml.is_none() {
        return Err(ApiError::mandatory("name", NAME_PATH).wrapped(KEY));
    }
    if let Some(name) = new_name {
        validate_name(name, ctx.version)?;
    }
    let org_id = ctx.caller.org_id.as_str();
    let final_name = ctx.state.store.write(|tx| {
        let portal = portals::by_name(tx, org_id, current_name)?.ok_or_else(ApiError::no_portal)?;
        // Its own name (in any case) is no collision, even when another org copied from the
        // same fixture carries it too.
        if let Some(name) = new_name
            && !name.eq_ignore_ascii_case(&portal.name)
            && portals::name_taken(tx, name, org_id)?
        {
            return Err(name_in_use());
        }
        // The SAML configuration records who set it first and last.
        let saml = match &saml {
            Some(saml) => Some(stamp_saml(tx, ctx, saml, portal.saml.as_deref())?),
            None => None,
        };
        portals::update(
            tx,
            org_id,
            new_name,
            saml.as_deref(),
            &ctx.caller.user_id,
            ctx.now,
        )?;
        Ok::<_, ApiError>(new_name.map_or(portal.name, str::to_owned))
    })?;
    Ok(success(&final_name, "Portal updated successfully"))
}

fn success(name: &str, message: &str) -> ApiResponse {
    ApiResponse::json(
        200,
        &json!({ KEY: [{
            "code": "SUCCESS",
            "details": { "name": name },
            "message": message,
            "status": "success",
        }]}),
    )
}

/// A second portal in one org: v8's closed code list has no `LIMIT_REACHED` (the code of the
/// SDK's list that v4–v7 keep), so v8 answers the list's `INVALID_DATA`, details `{}`.
fn second_portal(version: ApiVersion) -> ApiError {
    let message = message::ONE_PORTAL_PER_ORG;
    if version >= ApiVersion::V8 {
        ApiError::InvalidData {
            details: Details::Empty {},
            message,
        }
        .wrapped(KEY)
    } else {
        ApiError::LimitReached { message }.wrapped(KEY)
    }
}

fn name_in_use() -> ApiError {
    ApiError::AlreadyUsed {
        api_name: "name".into(),
        message: message::PORTAL_NAME_IN_USE,
    }
    .wrapped(KEY)
}

/// 6–30 characters (wrapped `INVALID_DATA`), then letters and digits only
/// (`PATTERN_NOT_MATCHED`: top-level on v4–v7, wrapped on v8).
fn validate_name(name: &str, version: ApiVersion) -> Result<(), ApiError> {
    let length = name.chars().count();
    if length < NAME_MIN {
        return Err(ApiError::InvalidData {
            details: Details::MinLength {
                api_name: "name".into(),
                json_path: NAME_PATH.into(),
                minimum_length: NAME_MIN,
            },
            message: message::INVALID_DATA,
        }
        .wrapped(KEY));
    }
    if length > NAME_MAX {
        return Err(ApiError::InvalidData {
            details: Details::MaxLength {
                api_name: "name".into(),
                json_path: NAME_PATH.into(),
                maximum_length: NAME_MAX,
            },
            message: message::INVALID_DATA,
        }
        .wrapped(KEY));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric()) {
        // v8's error schema has `PATTERN_NOT_MATCHED` only inside `portals[]`, as its other
        // name errors; v4–v7 keep the top-level error of the older documents.
        return Err(if version >= ApiVersion::V8 {
            ApiError::PatternNotMatched {
                api_name: "name".into(),
                json_path: Some(NAME_PATH.into()),
            }
            .wrapped(KEY)
        } else {
            ApiError::PatternNotMatched {
                api_name: "name".into(),
                json_path: None,
            }
        });
    }
    Ok(())
}

/// Adds `modified_by` (the caller) and `created_by` (whoever configured SAML first) to a
/// validated SAML configuration.
fn stamp_saml(
    tx: &rusqlite::Transaction<'_>,
    ctx: &Ctx<'_>,
    saml: &str,
    previous: Option<&str>,
) -> Result<String, ApiError> {
    let mut saml: Map<String, Value> =
        serde_json::from_str(saml).map_err(|_| ApiError::InternalError)?;
    let caller = portals::user_ref(tx, &ctx.caller.org_id, &ctx.caller.user_id)?;
    let caller = json!({ "name": caller.name, "id": caller.id });
    let created_by = previous
        .and_then(|previous| serde_json::from_str::<Value>(previous).ok())
        .and_then(|previous| previous.get("created_by").cloned())
        .unwrap_or_else(|| caller.clone());
    saml.insert("modified_by".into(), caller);
    saml.insert("created_by".into(), created_by);
    Ok(Value::Object(saml).to_string())
}

/// Checks `saml_configuration` (login and logout URLs, public key) and answers it as JSON text.
fn validate_saml(value: &Value) -> Result<String, ApiError> {
    const BASE: &str = "$.portals[0].saml_configuration";
    let Value::Object(saml) = value else {
        return Err(ApiError::expected_type("jsonobject", "saml_configuration", BASE).wrapped(KEY));
    };
    let mut stored = Map::new();
    for (key, missing_message, max) in [
        (
            "login_url",
            "login url is mandatory to configure saml",
            2048,
        ),
        (
            "logout_url",
            "logout url is mandatory to configure saml",
            2048,
        ),
        (
            "public_key",
            "public key is mandatory to configure saml",
            5000,
        ),
    ] {
        let path = format!("{BASE}.{key}");
        let text = match saml.get(key) {
            None => {
                return Err(ApiError::MandatoryNotFound {
                    api_name: key.into(),
                    json_path: path,
                    message: missing_message,
                }
                .wrapped(KEY));
            }
            Some(Value::Null) => {
                return Err(ApiError::NotAllowed {
                    details: Details::At {
                        api_name: key.into(),
                        json_path: path,
                    },
                    message: "not allowed to set value as null",
                }
                .wrapped(KEY));
            }
            Some(Value::String(text)) => text,
            Some(_) => return Err(ApiError::expected_type("string", key, &path).wrapped(KEY)),
        };
        if text.chars().count() > max {
            return Err(ApiError::InvalidData {
                details: Details::MaxLength {
                    api_name: key.into(),
                    json_path: path,
                    maximum_length: max,
                },
                message: message::INVALID_DATA,
            }
            .wrapped(KEY));
        }
        stored.insert(key.into(), Value::String(text.clone()));
    }
    match saml.get("active") {
        None | Some(Value::Bool(true)) => {}
        Some(_) => {
            return Err(
                ApiError::expected_type("boolean", "active", &format!("{BASE}.active"))
                    .wrapped(KEY),
            );
        }
    }
    stored.insert("active".into(), Value::Bool(true));
    Ok(Value::Object(stored).to_string())
}

/// The portal as P1/P2 print it, keys in the documented order. Before v8, P2 adds
/// `saml_configuration` when one is configured. On v8, P1 and P2 add `login_url`, and P2 adds
/// `saml_configuration` (`null` when none) and the portal's SAML service-provider URLs and admin
/// (oas8 `getPortals:200:default`, `getPortal:200:default`).
fn render(ctx: &Ctx<'_>, portal: &PortalRow, with_saml: bool) -> Value {
    let user = |user: &UserRef| json!({ "name": user.name, "id": user.id });
    let mut object = Map::new();
    object.insert(
        "created_time".into(),
        format_timestamp(portal.created_time, ctx.offset).into(),
    );
    object.insert(
        "modified_time".into(),
        format_timestamp(portal.modified_time, ctx.offset).into(),
    );
    object.insert("modified_by".into(), user(&portal.modified_by));
    object.insert("name".into(), portal.name.clone().into());
    object.insert("active".into(), portal.active.into());
    object.insert("zaid".into(), portal.zaid.clone().into());
    object.insert("created_by".into(), user(&portal.created_by));
    let saml = portal
        .saml
        .as_deref()
        .and_then(|saml| serde_json::from_str::<Value>(saml).ok());
    if ctx.version < ApiVersion::V8 {
        if with_saml && let Some(saml) = saml {
            object.insert("saml_configuration".into(), saml);
        }
        return Value::Object(object);
    }
    let site = Site::of(portal);
    if with_saml {
        object.insert("saml_configuration".into(), saml.unwrap_or(Value::Null));
    }
    object.insert("login_url".into(), site.login_url().into());
    if with_saml {
        object.insert("acs_url".into(), site.url("/saml/acs").into());
        object.insert("admin_zuid".into(), site.admin_zuid());
        object.insert("default_relay_state_url".into(), site.login_url().into());
        object.insert("issuer".into(), site.host.clone().into());
        object.insert("single_logout_url".into(), site.url("/saml/slo").into());
    }
    Value::Object(object)
}

/// Where a portal's users sign in: `https://<name in lower case>.zohoportal.com` (the mock's
/// choice: Zoho documents the keys, not the values), and the zaid that stands for its admin.
struct Site {
    host: String,
    zaid: String,
}

impl Site {
    fn of(portal: &PortalRow) -> Site {
        Site {
            host: format!("{}.zohoportal.com", portal.name.to_ascii_lowercase()),
            zaid: portal.zaid.clone(),
        }
    }

    fn login_url(&self) -> String {
        self.url("")
    }

    fn url(&self, path: &str) -> String {
        format!("https://{}{path}", self.host)
    }

    /// `admin_zuid`, a JSON integer: the portal's zaid (the mock has no accounts-server ids).
    fn admin_zuid(&self) -> Value {
        self.zaid.parse::<u64>().map_or(Value::Null, Value::from)
    }
}

/// The `Client Portal` type every new portal gets: Contacts as personality module, Email as
/// invitation field, the Contacts and Notes modules with view access.
fn create_default_user_type(ctx: &Ctx<'_>, tx: &rusqlite::Transaction<'_>) -> Result<(), ApiError> {
    let org_id = ctx.caller.org_id.as_str();
    let (contacts, email) = user_types::module_and_field(tx, org_id, "Contacts", "Email")?
        .ok_or(ApiError::InternalError)?;
    let notes = user_types::module_and_field(tx, org_id, "Notes", "Note_Title")?;
    let view_only = |module_id: &str| {
        json!({
            "id": module_id,
            "shared_type": "private",
            "permissions": {"view": true, "edit": false, "edit_shared_records": false,
                            "create": false, "delete": false, "delete_attachment": false,
                            "create_attachment": false},
            "layouts": null, "views": null, "filters": null, "fields": [],
        })
        .to_string()
    };
    let mut modules = vec![(contacts.clone(), view_only(&contacts))];
    if let Some((notes, _)) = notes {
        modules.push((notes.clone(), view_only(&notes)));
    }
    user_types::insert(
        tx,
        &NewUserType {
            by: ctx.requester(),
            name: "Client Portal",
            personality_module_id: &contacts,
            invitation_field_id: email.as_deref(),
            active: true,
            is_default: true,
            modules: &modules,
        },
    )?;
    Ok(())
}
