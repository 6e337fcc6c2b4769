//! Users of a user type (U1–U5).
//!
//! ```text
//! GET    …/user_type/{id}/users?type=&filters=&personality_ids=&page=&per_page=
//!        -> 200 {"users":[…],"info":{"per_page","total_count","count","page","more_records"}} | 204
//!           (v8: items with `created_time` and `Source__s`, `info` {"total_count"})
//! DELETE …/user_type/{id}/users?personality_ids=a,b      (500 or more: a job)
//! POST   …/user_type/{id}/users/action/transfer?transfer_To=&personality_ids=   (over 200: a job)
//! PUT    …/user_type/{id}/users/{user_id}/actions/change_status?active=true|false
//! PUT    …/user_type/{id}/users/actions/change_status  {"change_status":[{"users":[{"active","personality_id"}]}]} (a job)
//! ```

use serde_json::{Value, json};

use super::Ctx;
use super::body::{bulk_groups, group_items, parse_json, per_item_results};
use crate::api::error::{ApiError, Details, message};
use crate::clock::format_timestamp;
use crate::domain::jobs;
use crate::domain::membership;
use crate::http::ApiResponse;
use crate::store::orgs::OrgRow;
use crate::store::portal_users::UserFilter;
use crate::store::{portals, user_pages, user_types};
use crate::version::ApiVersion;

/// Transfers of more than this many users become a job.
pub const TRANSFER_SYNC_MAX: usize = 200;
/// Deletes of at most this many users run at once; more become a job.
pub const DELETE_SYNC_MAX: usize = 499;
const PER_PAGE_MAX: usize = 200;

/// U1: one page of a type's users.
pub fn list(ctx: &Ctx<'_>, portal: &str, user_type_id: &str) -> Result<ApiResponse, ApiError> {
    // `type`: which users by (confirmed, active).
    let (confirm, active) = match ctx.request.query_param("type").unwrap_or("AllUsers") {
        "AllUsers" => (None, None),
        "AllActiveUsers" | "ActiveUsers" => (None, Some(true)),
        "DeactiveUsers" => (None, Some(false)),
        "NotConfirmedUsers" => (Some(false), None),
        "ConfirmedUsers" => (Some(true), None),
        "ActiveConfirmedUsers" => (Some(true), Some(true)),
        _ => {
            return Err(ApiError::PatternNotMatched {
                api_name: "type".into(),
                json_path: None,
            });
        }
    };
    let mut filter = UserFilter {
        confirm,
        active,
        ..UserFilter::default()
    };
    let filters = ctx
        .request
        .query_param("filters")
        .or_else(|| ctx.request.query_param("filter"));
    if let Some(filters) = filters {
        filter.status_reason = Some(parse_filters(filters)?);
    }
    // Zoho's v8 docs: "the list of portal user record IDs to filter the results".
    if let Some(given) = ctx.request.query_param("personality_ids") {
        // An optional filter given without an id is a bad value, not a missing parameter.
        if given.split(',').all(|id| id.trim().is_empty()) {
            return Err(ApiError::InvalidData {
                details: Details::ParamName {
                    param_name: "personality_ids",
                },
                message: message::INVALID_DATA,
            });
        }
        let ids = id_list(ctx, "personality_ids")?;
        filter.personality_ids = Some(Value::from(ids).to_string());
    }
    // v8 documents a `Source__s` filter (the user's source, compared exactly).
    if ctx.version >= ApiVersion::V8 {
        filter.source = ctx.request.query_param("Source__s").map(str::to_owned);
    }
    let page = number_param(ctx, "page", 1, usize::MAX)?;
    let per_page = number_param(ctx, "per_page", PER_PAGE_MAX, PER_PAGE_MAX)?;
    let org_id = ctx.caller.org_id.as_str();
    ctx.state.store.read_cached(|conn, cache| {
        require_type_exists(conn, org_id, portal, user_type_id)?;
        let matching = user_pages::matching(conn, &mut cache.seqs, org_id, user_type_id, &filter)?;
        let total = i64::try_from(matching.len()).unwrap_or(i64::MAX);
        // A page past the last user is empty (and must not overflow the offset).
        let Some((offset, shown)) = (page - 1).checked_mul(per_page).and_then(|offset| {
            let rest = matching.get(offset..)?;
            let shown = &rest[..rest.len().min(per_page)];
            Some((offset, shown)).filter(|_| !shown.is_empty())
        }) else {
            return Ok(ApiResponse::no_content());
        };
        let (first, last) = (shown[0], shown[shown.len() - 1]);
        let rows = user_pages::page(conn, org_id, user_type_id, &filter, first, last)?;
        if rows.is_empty() {
            return Ok(ApiResponse::no_content());
        }
        let count = rows.len();
        let more_records = offset.saturating_add(count) < total as usize;
        // v8: the item and `info` of Zoho's v8 example (FIDELITY "v8 users list item").
        let v8 = ctx.version >= ApiVersion::V8;
        let users: Vec<ListedUser<'_>> = rows
            .iter()
            .map(|user| ListedUser {
                personality_id: &user.personality_id,
                confirm: user.confirm,
                status_reason: user.status_reason.as_deref(),
                time: if v8 {
                    ListedTime::Created(format_timestamp(user.created_time, ctx.offset))
                } else {
                    ListedTime::Invited(format_timestamp(user.invited_time, ctx.offset))
                },
                module: &user.module,
                name: &user.name,
                active: user.active,
                email: user.email.as_deref(),
                source: v8.then_some(user.source.as_str()),
            })
            .collect();
        if v8 {
            let info = PageInfoV8 { total_count: total };
            return Ok(ApiResponse::json_from(200, &UserPage { users, info }));
        }
        Ok(ApiResponse::json_from(
            200,
            &UserPage {
                users,
                info: PageInfo {
                    per_page,
                    total_count: total,
                    count,
                    page,
                    more_records,
                },
            },
        ))
    })
}

/// One user of a listing, in the Kaizen #72 key order (serialised straight into the body: a
/// page holds up to 200 of them). v8 follows the key order of Zoho's v8 example: `created_time`
/// (when the portal user was created) in place of `invited_time`, and `Source__s` last.
#[derive(serde::Serialize)]
struct ListedUser<'a> {
    personality_id: &'a str,
    confirm: bool,
    #[serde(rename = "status_reason__s")]
    status_reason: Option<&'a str>,
    #[serde(flatten)]
    time: ListedTime,
    module: &'a str,
    name: &'a str,
    active: bool,
    email: Option<&'a str>,
    /// v8 only.
    #[serde(rename = "Source__s", skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
}

/// The time a listed user shows: v4–v7 `invited_time`, v8 `created_time`.
#[derive(serde::Serialize)]
enum ListedTime {
    #[serde(rename = "invited_time")]
    Invited(String),
    #[serde(rename = "created_time")]
    Created(String),
}

/// A page of users and its `info`: [`PageInfo`] (v4–v7) or [`PageInfoV8`].
#[derive(serde::Serialize)]
struct UserPage<'a, Info> {
    users: Vec<ListedUser<'a>>,
    info: Info,
}

/// `info` of a page (v4–v7).
#[derive(serde::Serialize)]
struct PageInfo {
    per_page: usize,
    total_count: i64,
    count: usize,
    page: usize,
    more_records: bool,
}

/// `info` of a v8 page: only `total_count`, as the v8 example and schema show it.
#[derive(serde::Serialize)]
struct PageInfoV8 {
    total_count: i64,
}

/// U2: removes users from the portal.
pub fn delete(ctx: &Ctx<'_>, portal: &str, user_type_id: &str) -> Result<ApiResponse, ApiError> {
    let ids = id_list(ctx, "personality_ids")?;
    let org_id = ctx.caller.org_id.as_str();
    let message = if ctx.version >= ApiVersion::V8 {
        "User deleted successfully"
    } else {
        "Portal user deleted successfully."
    };
    ctx.state.store.write(|tx| {
        require_type_exists(tx, org_id, portal, user_type_id)?;
        if ids.len() > DELETE_SYNC_MAX {
            let payload =
                json!({ "user_type_id": user_type_id, "personality_ids": ids, "message": message });
            let job_id = jobs::schedule(
                tx,
                ctx.requester(),
                &jobs::Schedule {
                    kind: "delete",
                    module: None,
                    user_type_id: Some(user_type_id),
                    target_type_id: None,
                    payload: &payload,
                },
            )?;
            return Ok(scheduled(
                "users",
                &job_id,
                "Portal user delete scheduled successfully",
            ));
        }
        let results = ids
            .iter()
            .map(|id| {
                membership::delete(tx, org_id, user_type_id, id).map(|()| success(id, message))
            })
            .collect();
        Ok(per_item_results("users", results, 200))
    })
}

/// U3: moves users to another type of the same personality module.
pub fn transfer(ctx: &Ctx<'_>, portal: &str, user_type_id: &str) -> Result<ApiResponse, ApiError> {
    let target = ctx.required_param("transfer_To")?.to_owned();
    // v8's transfer errors name a bad parameter as `param` (its schema has no `param_name`).
    let v8_form = |error: ApiError| match error {
        ApiError::InvalidData {
            details: Details::ParamName { param_name },
            message,
        } if ctx.version >= ApiVersion::V8 => ApiError::InvalidData {
            details: Details::ParamKey { param: param_name },
            message,
        },
        other => other,
    };
    let ids = id_list(ctx, "personality_ids").map_err(v8_form)?;
    let org_id = ctx.caller.org_id.as_str();
    ctx.state.store.write(|tx| {
        let source = require_type(tx, org_id, portal, user_type_id)?;
        membership::transfer_target(tx, org_id, &(&source).into(), &target).map_err(v8_form)?;
        if ids.len() > TRANSFER_SYNC_MAX {
            let payload = json!({ "user_type_id": user_type_id, "transfer_To": target, "personality_ids": ids });
            let job_id = jobs::schedule(
                tx,
                ctx.requester(),
                &jobs::Schedule {
                    kind: "transfer",
                    module: None,
                    user_type_id: Some(user_type_id),
                    target_type_id: Some(&target),
                    payload: &payload,
                },
            )?;
            return Ok(scheduled("users", &job_id, "Portal user transfer scheduled successfully"));
        }
        let results = ids
            .iter()
            .map(|id| {
                membership::transfer(tx, org_id, user_type_id, &target, id)
                    .map(|()| success(id, "User has been transferred successfully"))
            })
            .collect();
        Ok(per_item_results("users", results, 200))
    })
}

/// U4: activates or deactivates one user.
pub fn change_status(
    ctx: &Ctx<'_>,
    org: &OrgRow,
    portal: &str,
    user_type_id: &str,
    personality_id: &str,
) -> Result<ApiResponse, ApiError> {
    let active = parse_bool(ctx.required_param("active")?).ok_or(ApiError::InvalidData {
        details: Details::ParamName {
            param_name: "active",
        },
        message: message::INVALID_DATA,
    })?;
    ctx.state.store.write(|tx| {
        require_type_exists(tx, &org.id, portal, user_type_id)?;
        membership::change_status(tx, org, user_type_id, personality_id, active)
    })?;
    Ok(ApiResponse::json(
        200,
        &json!({ "change_status": [success(personality_id, "Status of the user changed successfully.")] }),
    ))
}

/// U5: schedules a bulk status change.
pub fn bulk_change_status(
    ctx: &Ctx<'_>,
    portal: &str,
    user_type_id: &str,
) -> Result<ApiResponse, ApiError> {
    const KEY: &str = "change_status";
    let body = parse_json(&ctx.request.body)?;
    let groups = bulk_groups(&body, KEY)?;
    let mut users = Vec::new();
    for (g, group) in groups.iter().enumerate() {
        let path = format!("$.change_status[{g}].users");
        let items = group_items(group, "users", &path, KEY)?;
        for (u, item) in items.iter().enumerate() {
            let item_path = format!("{path}[{u}]");
            let personality_id = match item.get("personality_id") {
                Some(Value::String(id))
                    if id.bytes().all(|b| b.is_ascii_digit()) && !id.is_empty() =>
                {
                    id.clone()
                }
                Some(Value::Number(number)) if number.is_u64() => number.to_string(),
                None | Some(Value::Null) => {
                    return Err(ApiError::mandatory(
                        "personality_id",
                        &format!("{item_path}.personality_id"),
                    )
                    .wrapped(KEY));
                }
                Some(_) => {
                    return Err(ApiError::expected_type(
                        "string",
                        "personality_id",
                        &format!("{item_path}.personality_id"),
                    )
                    .wrapped(KEY));
                }
            };
            let active = match item.get("active") {
                Some(Value::Bool(active)) => *active,
                None | Some(Value::Null) => {
                    return Err(
                        ApiError::mandatory("active", &format!("{item_path}.active")).wrapped(KEY),
                    );
                }
                Some(_) => {
                    return Err(ApiError::expected_type(
                        "boolean",
                        "active",
                        &format!("{item_path}.active"),
                    )
                    .wrapped(KEY));
                }
            };
            users.push(json!({ "personality_id": personality_id, "active": active }));
        }
    }
    let org_id = ctx.caller.org_id.as_str();
    ctx.state.store.write(|tx| {
        require_type_exists(tx, org_id, portal, user_type_id)?;
        let payload = json!({ "user_type_id": user_type_id, "users": users });
        let job_id = jobs::schedule(
            tx,
            ctx.requester(),
            &jobs::Schedule {
                kind: "change_status",
                module: None,
                user_type_id: Some(user_type_id),
                target_type_id: None,
                payload: &payload,
            },
        )?;
        Ok(scheduled(
            KEY,
            &job_id,
            "Portal bulk user status change scheduled successfully",
        ))
    })
}

/// Booleans in queries are case-insensitive (`True`, `false`), as the SDKs send them.
pub fn parse_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

fn require_type(
    conn: &rusqlite::Connection,
    org_id: &str,
    portal: &str,
    user_type_id: &str,
) -> Result<user_types::UserTypeRow, ApiError> {
    require_portal(conn, org_id, portal)?;
    membership::require_type(conn, org_id, user_type_id)
}

/// Like [`require_type`], without reading the type's row (for calls that need only its
/// existence).
fn require_type_exists(
    conn: &rusqlite::Connection,
    org_id: &str,
    portal: &str,
    user_type_id: &str,
) -> Result<(), ApiError> {
    require_portal(conn, org_id, portal)?;
    user_types::personality(conn, org_id, user_type_id)?.ok_or(ApiError::InvalidData {
        details: Details::Id {
            id: user_type_id.to_owned(),
        },
        message: message::INVALID_DATA,
    })?;
    Ok(())
}

/// The org's portal has this name: `NO_PORTAL` otherwise.
fn require_portal(conn: &rusqlite::Connection, org_id: &str, portal: &str) -> Result<(), ApiError> {
    if portals::exists(conn, org_id, Some(portal))? {
        Ok(())
    } else {
        Err(ApiError::no_portal())
    }
}

/// A comma-separated list of ids (required; blanks and repeats dropped).
fn id_list(ctx: &Ctx<'_>, name: &'static str) -> Result<Vec<String>, ApiError> {
    let text = ctx.required_param(name)?;
    let mut ids: Vec<String> = Vec::new();
    for id in text.split(',').map(str::trim).filter(|id| !id.is_empty()) {
        if !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::InvalidData {
                details: Details::ParamName { param_name: name },
                message: message::INVALID_DATA,
            });
        }
        if !ids.iter().any(|known| known == id) {
            ids.push(id.to_owned());
        }
    }
    if ids.is_empty() {
        return Err(ApiError::RequiredParamMissing {
            key: "param",
            value: name.into(),
        });
    }
    Ok(ids)
}

pub(super) fn number_param(
    ctx: &Ctx<'_>,
    name: &'static str,
    default: usize,
    max: usize,
) -> Result<usize, ApiError> {
    match ctx.request.query_param(name) {
        None => Ok(default),
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or(ApiError::InvalidData {
                details: Details::ParamName { param_name: name },
                message: message::INVALID_DATA,
            }),
    }
}

/// `filters=[{"field":"status_reason__s","value":"…","comparator":"equal|not_equal"}]`
fn parse_filters(text: &str) -> Result<(bool, String), ApiError> {
    let invalid = ApiError::InvalidData {
        details: Details::ParamName {
            param_name: "filters",
        },
        message: message::INVALID_DATA,
    };
    let value: Value = serde_json::from_str(text).map_err(|_| invalid.clone())?;
    let criteria = match &value {
        Value::Array(items) if items.len() == 1 => &items[0],
        Value::Object(_) => &value,
        _ => return Err(invalid),
    };
    let field = criteria.get("field").and_then(Value::as_str);
    let comparator = criteria.get("comparator").and_then(Value::as_str);
    let wanted = criteria.get("value").and_then(Value::as_str);
    match (field, comparator, wanted) {
        (Some("status_reason__s"), Some("equal"), Some(wanted)) => Ok((true, wanted.to_owned())),
        (Some("status_reason__s"), Some("not_equal"), Some(wanted)) => {
            Ok((false, wanted.to_owned()))
        }
        _ => Err(invalid),
    }
}

fn success(personality_id: &str, message: &str) -> Value {
    json!({
        "code": "SUCCESS",
        "details": { "personality_id": personality_id },
        "message": message,
        "status": "success",
    })
}

fn scheduled(key: &str, job_id: &str, message: &str) -> ApiResponse {
    let mut body = serde_json::Map::new();
    body.insert(
        key.into(),
        json!([{ "code": "SCHEDULED", "details": { "job_id": job_id }, "message": message, "status": "success" }]),
    );
    ApiResponse::json(200, &Value::Object(body))
}
