//! Portal invitations (I1–I3).
//!
//! ```text
//! POST /crm/{v}/{module}/{record_id}/actions/portal_invite?user_type_id=&type=invite|reinvite&language=
//!   -> 200 {"portal_invite":[{"code":"SUCCESS","details":{"record_id":"…"},"message":"An Invite has been sent to the personality.","status":"success"}]}
//! POST /crm/{v}/{module}/actions/portal_invite  {"portal_invite":[{"data":[{"id","user_type_id","type","language"}]}]}
//!   -> 200 {"portal_invite":[{"code":"SCHEDULED","details":{"job_id":"…"},"message":"Portal bulk invite scheduled successfully","status":"success"}]}
//! GET  /crm/{v}/{module}/actions/portal_invite[?job_id=]
//!   -> 200 {"portal_invite":[{"data":[…]|null,"job_id":"…","status":"scheduled|completed"}]} | 204 (unknown job)
//!      (a pending job's `data`: null on v4–v7, [] on v8)
//! ```

use std::borrow::Cow;

use serde::Serialize;
use serde_json::{Value, json};

use super::Ctx;
use super::body::{bulk_groups, group_items, parse_json};
use super::invitations_plain;
use crate::api::error::{ApiError, Details, message};
use crate::domain::jobs;
use crate::domain::membership::{self, Invitation, InviteType, LANGUAGES};
use crate::http::ApiResponse;
use crate::store::orgs::OrgRow;
use crate::store::{crm, jobs as job_store};

pub(super) const KEY: &str = "portal_invite";
/// At most this many `portal_invite` items, each with at most this many `data` items.
pub(super) const MAX_BATCH: usize = 100;

/// I1: invites one record.
pub fn invite(
    ctx: &Ctx<'_>,
    org: &OrgRow,
    module: &str,
    record_id: &str,
) -> Result<ApiResponse, ApiError> {
    let user_type_id = ctx.required_param("user_type_id")?;
    let invite_type = InviteType::parse(ctx.required_param("type")?).ok_or(bad_param("type"))?;
    let language = ctx
        .request
        .query_param("language")
        .filter(|value| !value.is_empty())
        .unwrap_or("en_US");
    if !LANGUAGES.contains(&language) {
        return Err(bad_param("language"));
    }
    ctx.state.store.write(|tx| {
        membership::require_portal(tx, &ctx.caller.org_id)?;
        membership::invite(
            tx,
            &Invitation {
                org,
                module,
                record_id,
                user_type_id,
                invite_type,
                language,
                now: ctx.now,
            },
        )
    })?;
    Ok(ApiResponse::json(
        200,
        &json!({ KEY: [{
            "code": "SUCCESS",
            "details": { "record_id": record_id },
            "message": invite_type.success_message(),
            "status": "success",
        }]}),
    ))
}

/// I2: schedules a bulk invitation job.
pub fn bulk_invite(ctx: &Ctx<'_>, module: &str) -> Result<ApiResponse, ApiError> {
    // The checked items borrow the body's strings, and the job's payload is their text. A plain
    // body is read into them directly; any other is read as a tree (held once, not copied),
    // whose checks answer its error.
    let tree;
    let items = match invitations_plain::items(&ctx.request.body) {
        Some(items) => items,
        None => {
            tree = parse_json(&ctx.request.body)?;
            validate_bulk(&tree)?
        }
    };
    let payload = BulkPayload { items };
    let org_id = ctx.caller.org_id.as_str();
    let job_id = ctx.state.store.write(|tx| {
        membership::require_portal(tx, org_id)?;
        let module = crm::module_by_api_name(tx, org_id, module)?.ok_or(ApiError::InvalidModule)?;
        Ok::<_, ApiError>(jobs::schedule(
            tx,
            ctx.requester(),
            &jobs::Schedule {
                kind: "invite",
                module: Some(&module.api_name),
                user_type_id: None,
                target_type_id: None,
                payload: &payload,
            },
        )?)
    })?;
    Ok(ApiResponse::json(
        200,
        &json!({ KEY: [{
            "code": "SCHEDULED",
            "details": { "job_id": job_id },
            "message": "Portal bulk invite scheduled successfully",
            "status": "success",
        }]}),
    ))
}

/// I3: one bulk-invite job (204 if unknown), or all of the module's without `job_id`.
pub fn job_status(ctx: &Ctx<'_>, module: &str) -> Result<ApiResponse, ApiError> {
    let org_id = ctx.caller.org_id.as_str();
    ctx.state.store.read(|conn| {
        membership::require_portal(conn, org_id)?;
        let module =
            crm::module_by_api_name(conn, org_id, module)?.ok_or(ApiError::InvalidModule)?;
        let found = match ctx
            .request
            .query_param("job_id")
            .filter(|id| !id.is_empty())
        {
            Some(job_id) => job_store::get(conn, org_id, job_id)?
                .filter(|job| {
                    job.kind == "invite" && job.module.as_deref() == Some(&module.api_name)
                })
                .into_iter()
                .collect(),
            None => job_store::list(conn, org_id, "invite", Some(&module.api_name))?,
        };
        if found.is_empty() {
            return Ok(ApiResponse::no_content());
        }
        let rendered: Vec<Value> = found
            .iter()
            .map(|job| jobs::render(job, ctx.version))
            .collect();
        Ok(ApiResponse::json(200, &json!({ KEY: rendered })))
    })
}

fn bad_param(name: &'static str) -> ApiError {
    ApiError::InvalidData {
        details: Details::Param {
            param_name: name,
            api_name: name,
        },
        message: message::INVALID_DATA,
    }
}

/// A bulk invite job's payload: `{"items":[…]}`.
#[derive(Serialize)]
struct BulkPayload<'a> {
    items: Vec<BulkItem<'a>>,
}

/// One checked `data` item of a bulk body, as the job stores it (a number id as its text; no
/// `language` for the default one).
#[derive(Debug, PartialEq, Serialize)]
pub(super) struct BulkItem<'a> {
    pub(super) id: Cow<'a, str>,
    pub(super) user_type_id: Cow<'a, str>,
    #[serde(rename = "type")]
    pub(super) invite_type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) language: Option<&'a str>,
}

/// Checks the bulk body's shape and answers its `data` items, flattened, in order.
pub(super) fn validate_bulk(body: &Value) -> Result<Vec<BulkItem<'_>>, ApiError> {
    let groups = bulk_groups(body, KEY)?;
    if groups.len() > MAX_BATCH {
        return Err(too_many(KEY, "$.portal_invite"));
    }
    let mut items = Vec::new();
    for (g, group) in groups.iter().enumerate() {
        let group_path = format!("$.portal_invite[{g}].data");
        let data = group_items(group, "data", &group_path, KEY)?;
        if data.len() > MAX_BATCH {
            return Err(too_many("data", &group_path).wrapped(KEY));
        }
        items.reserve(data.len());
        for (d, item) in data.iter().enumerate() {
            let path = || format!("{group_path}[{d}]");
            let Value::Object(item) = item else {
                return Err(ApiError::expected_type("jsonobject", "data", &path()).wrapped(KEY));
            };
            let id = item_text(item, "id", true, path)?;
            let user_type_id = item_text(item, "user_type_id", true, path)?;
            let Cow::Borrowed(invite_type) = item_text(item, "type", false, path)? else {
                // A `type` is only ever a string of the body (no number is taken).
                return Err(ApiError::InternalError);
            };
            if InviteType::parse(invite_type).is_none() {
                return Err(ApiError::InvalidData {
                    details: Details::SupportedValues {
                        supported_values: vec!["invite", "reinvite"],
                        api_name: "type".into(),
                        json_path: format!("{}.type", path()),
                    },
                    message: message::INVALID_DATA,
                }
                .wrapped(KEY));
            }
            // `""` is in the v8 schema's enum: like `null`, the default language (as the
            // single invite reads an empty `language` parameter).
            let language = match item.get("language") {
                None | Some(Value::Null) => None,
                Some(Value::String(language)) if language.is_empty() => None,
                Some(Value::String(language)) if LANGUAGES.contains(&language.as_str()) => {
                    Some(language.as_str())
                }
                Some(_) => {
                    return Err(ApiError::InvalidData {
                        details: Details::SupportedValues {
                            supported_values: LANGUAGES.to_vec(),
                            api_name: "language".into(),
                            json_path: format!("{}.language", path()),
                        },
                        message: message::INVALID_DATA,
                    }
                    .wrapped(KEY));
                }
            };
            items.push(BulkItem {
                id,
                user_type_id,
                invite_type,
                language,
            });
        }
    }
    Ok(items)
}

/// The mandatory text `key` of a bulk item at `path()`: a string, or (when `numbers`) a
/// number's text.
fn item_text<'a>(
    item: &'a serde_json::Map<String, Value>,
    key: &'static str,
    numbers: bool,
    path: impl Fn() -> String,
) -> Result<Cow<'a, str>, ApiError> {
    match item.get(key) {
        None | Some(Value::Null) => {
            Err(ApiError::mandatory(key, &format!("{}.{key}", path())).wrapped(KEY))
        }
        Some(Value::String(text)) => Ok(Cow::Borrowed(text)),
        Some(Value::Number(number)) if numbers => Ok(Cow::Owned(number.to_string())),
        Some(_) => {
            Err(ApiError::expected_type("string", key, &format!("{}.{key}", path())).wrapped(KEY))
        }
    }
}

fn too_many(api_name: &str, json_path: &str) -> ApiError {
    ApiError::InvalidData {
        details: Details::MaxLength {
            api_name: api_name.into(),
            json_path: json_path.into(),
            maximum_length: MAX_BATCH,
        },
        message: message::INVALID_DATA,
    }
}
