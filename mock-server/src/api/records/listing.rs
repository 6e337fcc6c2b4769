//! Listing records: a module's records a page at a time (`GET /{module}`), and its deleted
//! records (`GET /{module}/deleted`).
//!
//! ```text
//! GET /crm/{v}/{module}?fields=Last_Name,Email[&page=&per_page=|&page_token=][&sort_by=&sort_order=][&cvid=]
//!   -> 200 {"data":[{…the fields asked…,"id"}],"info":{"per_page","next_page_token","count","sort_by","page",
//!           "previous_page_token","page_token_expiry","sort_order","more_records"}} | 204
//! GET /crm/{v}/{module}/deleted?type=all|recycle|permanent[&page=&per_page=]
//!   -> 200 {"data":[{"deleted_by","id","display_name","type","created_by","deleted_time"}],
//!           "info":{"per_page","count","page","more_records"}} | 204
//! ```
//!
//! `fields` is required (from v3 on at Zoho; the mock serves v4–v8); `page` reaches the first
//! 2,000 records, beyond which `page_token` (in each answer's `next_page_token`, valid a day)
//! continues.

use serde_json::{Map, Value, json};

use super::render::Renderer;
use super::{KEY, module_by_name};
use crate::api::Ctx;
use crate::api::error::{ApiError, Details, message};
use crate::api::portal_users::number_param;
use crate::clock::format_timestamp;
use crate::http::ApiResponse;
use crate::store::crm::{self, ModuleMeta};
use crate::store::record_queries::{self, SortBy};

/// The most records a page holds, and the default.
pub(super) const PER_PAGE_MAX: usize = 200;
/// How many records `page` reaches; `page_token` goes further.
const PAGE_REACH: usize = 2000;
/// At most this many field names in `fields`.
const MAX_FIELDS: usize = 50;
/// How long a page token lives, in seconds.
const TOKEN_LIFE: i64 = 24 * 3600;

/// `INVALID_DATA` `{"param_name"}` "invalid data": a query parameter Zoho does not accept.
pub(super) fn bad_param(param_name: &'static str) -> ApiError {
    ApiError::InvalidData {
        details: Details::ParamName { param_name },
        message: message::INVALID_DATA,
    }
}

/// `page` and `per_page`: positive integers, `per_page` at most 200.
pub(super) fn paging(ctx: &Ctx<'_>) -> Result<(usize, usize), ApiError> {
    let page = number_param(ctx, "page", 1, usize::MAX)?;
    let per_page = number_param(ctx, "per_page", PER_PAGE_MAX, PER_PAGE_MAX)?;
    Ok((page, per_page))
}

/// The `fields` parameter: field API names, comma separated, at most 50.
pub(super) fn field_names(ctx: &Ctx<'_>, required: bool) -> Result<Option<Vec<String>>, ApiError> {
    let Some(text) = ctx.request.query_param("fields") else {
        return if required {
            Err(ApiError::RequiredParamMissing {
                key: "param",
                value: "fields".to_owned(),
            })
        } else {
            Ok(None)
        };
    };
    let mut names: Vec<String> = Vec::new();
    for name in text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        if !names.iter().any(|known| known == name) {
            names.push(name.to_owned());
        }
    }
    if names.is_empty() && required {
        return Err(ApiError::RequiredParamMissing {
            key: "param",
            value: "fields".to_owned(),
        });
    }
    if names.len() > MAX_FIELDS {
        return Err(bad_param("fields"));
    }
    Ok(Some(names))
}

/// The names of `fields` that the module shows: its fields and the system fields (others are
/// left out, as Zoho ignores them).
pub(super) fn known_fields(meta: &ModuleMeta, names: Option<Vec<String>>) -> Option<Vec<String>> {
    const SYSTEM: [&str; 6] = [
        "id",
        "Created_Time",
        "Created_By",
        "Modified_Time",
        "Modified_By",
        "$approval_state",
    ];
    names.map(|names| {
        names
            .into_iter()
            .filter(|name| {
                SYSTEM.contains(&name.as_str()) || meta.fields.iter().any(|f| &f.api_name == name)
            })
            .collect()
    })
}

/// What a query asked for one record more than `per_page` found, cut to the page, and whether
/// more records follow; `None` when the page is empty (Zoho answers 204).
pub(super) fn one_page<T>(mut found: Vec<T>, per_page: usize) -> Option<(Vec<T>, bool)> {
    let more_records = found.len() > per_page;
    found.truncate(per_page);
    (!found.is_empty()).then_some((found, more_records))
}

/// The `info` of a page reached by `page` and `per_page` (a search, deleted records).
pub(super) fn page_info(per_page: usize, count: usize, page: usize, more_records: bool) -> Value {
    json!({
        "per_page": per_page,
        "count": count,
        "page": page,
        "more_records": more_records,
    })
}

/// Where a page starts and how it is sorted: from `page_token`, or from the parameters.
struct Position {
    offset: usize,
    sort: SortBy,
    descending: bool,
}

fn sort_name(sort: SortBy) -> &'static str {
    match sort {
        SortBy::Id => "id",
        SortBy::CreatedTime => "Created_Time",
        SortBy::ModifiedTime => "Modified_Time",
    }
}

/// An opaque page token: the position and its expiry, hex-encoded.
fn token(position: &Position, expiry: i64) -> String {
    let plain = format!(
        "{}.{}.{}.{}",
        position.offset,
        sort_name(position.sort),
        u8::from(position.descending),
        expiry
    );
    plain.bytes().map(|b| format!("{b:02x}")).collect()
}

fn read_token(text: &str, now: i64) -> Option<Position> {
    if text.len() % 2 != 0 || text.len() > 200 {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect();
    let plain = String::from_utf8(bytes?).ok()?;
    let [offset, sort, descending, expiry] = plain.split('.').collect::<Vec<_>>()[..] else {
        return None;
    };
    let expiry: i64 = expiry.parse().ok()?;
    if expiry < now {
        return None;
    }
    Some(Position {
        offset: offset.parse().ok()?,
        sort: match sort {
            "id" => SortBy::Id,
            "Created_Time" => SortBy::CreatedTime,
            "Modified_Time" => SortBy::ModifiedTime,
            _ => return None,
        },
        descending: match descending {
            "1" => true,
            "0" => false,
            _ => return None,
        },
    })
}

/// `GET /crm/{v}/{module}`: a page of the module's active records.
pub fn list(ctx: &Ctx<'_>, module: &str) -> Result<ApiResponse, ApiError> {
    let org_id = ctx.caller.org_id.as_str();
    let meta = ctx.state.store.read_cached(|conn, cache| {
        let module = module_by_name(conn, org_id, module)?;
        let id = module.id.clone();
        Ok::<_, ApiError>(
            cache.module_meta(org_id, &id, || crm::module_meta(conn, org_id, module))?,
        )
    })?;
    let fields = known_fields(&meta, field_names(ctx, true)?);
    let (page, per_page) = paging(ctx)?;
    let position = match ctx.request.query_param("page_token") {
        Some(text) => read_token(text, ctx.now).ok_or_else(|| bad_param("page_token"))?,
        None => {
            let sort = match ctx.request.query_param("sort_by") {
                None | Some("id") => SortBy::Id,
                Some("Created_Time") => SortBy::CreatedTime,
                Some("Modified_Time") => SortBy::ModifiedTime,
                Some(_) => return Err(bad_param("sort_by")),
            };
            let descending = match ctx.request.query_param("sort_order") {
                None | Some("desc") => true,
                Some("asc") => false,
                Some(_) => return Err(bad_param("sort_order")),
            };
            if page
                .checked_mul(per_page)
                .is_none_or(|end| end > PAGE_REACH)
            {
                return Err(ApiError::DiscretePaginationLimitExceeded);
            }
            Position {
                offset: (page - 1) * per_page,
                sort,
                descending,
            }
        }
    };
    ctx.state.store.read(|conn| {
        if let Some(cvid) = ctx.request.query_param("cvid")
            && !meta.views.iter().any(|view| view.id == cvid)
        {
            return Err(bad_param("cvid"));
        }
        let found = record_queries::list(
            conn,
            org_id,
            &meta.module.id,
            position.sort,
            position.descending,
            per_page + 1,
            position.offset,
        )?;
        let Some((found, more_records)) = one_page(found, per_page) else {
            return Ok(ApiResponse::no_content());
        };
        let data = Renderer::new(ctx, conn).records_with(&found, fields.as_deref())?;
        let expiry = ctx.now + TOKEN_LIFE;
        let at = |offset: usize| Position {
            offset,
            sort: position.sort,
            descending: position.descending,
        };
        let next = more_records.then(|| token(&at(position.offset + per_page), expiry));
        let previous = (position.offset > 0)
            .then(|| token(&at(position.offset.saturating_sub(per_page)), expiry));
        let info = json!({
            "per_page": per_page,
            "next_page_token": next,
            "count": data.len(),
            "sort_by": sort_name(position.sort),
            "page": position.offset / per_page + 1,
            "previous_page_token": previous,
            "page_token_expiry": format_timestamp(expiry, ctx.offset),
            "sort_order": if position.descending { "desc" } else { "asc" },
            "more_records": more_records,
        });
        Ok(ApiResponse::json(200, &json!({ KEY: data, "info": info })))
    })
}

/// `GET /crm/{v}/{module}/deleted`: records in the recycle bin, deleted for good, or both.
pub fn deleted(ctx: &Ctx<'_>, module: &str) -> Result<ApiResponse, ApiError> {
    let (recycle, permanent) = match ctx.request.query_param("type") {
        None | Some("all") => (true, true),
        Some("recycle") => (true, false),
        Some("permanent") => (false, true),
        Some(_) => return Err(bad_param("type")),
    };
    let (page, per_page) = paging(ctx)?;
    let org_id = ctx.caller.org_id.as_str();
    ctx.state.store.read(|conn| {
        let module = module_by_name(conn, org_id, module)?;
        let Some(offset) = (page - 1).checked_mul(per_page) else {
            return Ok(ApiResponse::no_content());
        };
        let found = record_queries::deleted(
            conn,
            org_id,
            &module.id,
            recycle,
            permanent,
            per_page + 1,
            offset,
        )?;
        let Some((found, more_records)) = one_page(found, per_page) else {
            return Ok(ApiResponse::no_content());
        };
        let mut renderer = Renderer::new(ctx, conn);
        let mut data = Vec::with_capacity(found.len());
        for record in &found {
            let mut item = Map::new();
            item.insert(
                "deleted_by".into(),
                renderer.user(record.modified_by.as_deref())?,
            );
            item.insert("id".into(), json!(record.row.id));
            item.insert("display_name".into(), json!(record.row.name));
            let kind = if record.row.state == "deleted" {
                "permanent"
            } else {
                "recycle"
            };
            item.insert("type".into(), json!(kind));
            item.insert(
                "created_by".into(),
                renderer.user(record.created_by.as_deref())?,
            );
            item.insert("deleted_time".into(), renderer.time(record.modified_time));
            data.push(Value::Object(item));
        }
        let info = page_info(per_page, data.len(), page, more_records);
        Ok(ApiResponse::json(200, &json!({ KEY: data, "info": info })))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_tokens_round_trip_and_expire() {
        let position = Position {
            offset: 2200,
            sort: SortBy::ModifiedTime,
            descending: false,
        };
        let text = token(&position, 1_000);
        assert!(text.bytes().all(|b| b.is_ascii_hexdigit()));
        let back = read_token(&text, 999).unwrap();
        assert_eq!(
            (back.offset, back.sort, back.descending),
            (2200, SortBy::ModifiedTime, false)
        );
        assert!(read_token(&text, 1_001).is_none());
        for bad in ["", "zz", "abc", "2e2e2e", &"a".repeat(10_000)] {
            assert!(read_token(bad, 0).is_none(), "{bad}");
        }
    }
}
