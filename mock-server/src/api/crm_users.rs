//! The Users API's list (`GET /users`), as far as Zoho's SDKs need it: right after fetching a
//! token they call `GET /crm/v8/users?type=CurrentUser` (then `GET /crm/v8/org`) to name the
//! token's user.
//!
//! ```text
//! GET /crm/{v}/users?type=CurrentUser|AllUsers|ActiveUsers|AdminUsers|…&page=&per_page=
//!   -> 200 {"users":[{"id","first_name","last_name","full_name","email","status":"active",
//!            "confirm":true,"profile":{"name","id"}}],"info":{"per_page","count","page","more_records"}}
//!   -> 204 when no user matches
//! ```
//! The users are the org's fixture users; all of them are active and confirmed. A profile's id
//! follows Zoho's default profiles: the org's prefix and `000026011` for the first profile (Zoho's
//! Administrator), then every third number (`000026014`: Standard).

use serde_json::{Value, json};

use super::Ctx;
use super::portal_users::number_param;
use crate::api::error::{ApiError, Details, message};
use crate::http::ApiResponse;
use crate::store::crm_users::{self, CrmUserRow};

/// At most 200 users a page, as at Zoho.
const PER_PAGE_MAX: usize = 200;
/// The sequence of the org's first default profile (Administrator) at Zoho.
const FIRST_PROFILE_SEQ: i64 = 26011;

/// Which users a `type` selects.
enum Selection {
    /// The token's own user.
    Current,
    /// Every user (all are active and confirmed).
    All,
    /// Users with the Administrator profile.
    Admins,
    /// Deactivated, unconfirmed or deleted users: the fixtures have none.
    Nobody,
}

/// `GET /users`
pub fn list(ctx: &Ctx<'_>) -> Result<ApiResponse, ApiError> {
    let selection = match ctx.request.query_param("type").unwrap_or("AllUsers") {
        "CurrentUser" => Selection::Current,
        "AllUsers" | "ActiveUsers" | "ConfirmedUsers" | "ActiveConfirmedUsers" => Selection::All,
        "AdminUsers" | "ActiveConfirmedAdmins" => Selection::Admins,
        "DeactiveUsers" | "NotConfirmedUsers" | "DeletedUsers" => Selection::Nobody,
        _ => {
            return Err(ApiError::InvalidData {
                details: Details::ParamName { param_name: "type" },
                message: message::INVALID_DATA,
            });
        }
    };
    let page = number_param(ctx, "page", 1, usize::MAX)?;
    let per_page = number_param(ctx, "per_page", PER_PAGE_MAX, PER_PAGE_MAX)?;
    let org_id = ctx.caller.org_id.as_str();
    let (users, prefix) = ctx.state.store.read(|conn| {
        Ok::<_, ApiError>((
            crm_users::users(conn, org_id)?,
            crm_users::id_prefix(conn, org_id)?.unwrap_or_default(),
        ))
    })?;
    let selected: Vec<&CrmUserRow> = users
        .iter()
        .filter(|user| match selection {
            Selection::Current => user.id == ctx.caller.user_id,
            Selection::All => true,
            Selection::Admins => user.profile_name == "Administrator",
            Selection::Nobody => false,
        })
        .collect();
    let offset = (page - 1).saturating_mul(per_page);
    let shown: Vec<Value> = selected
        .iter()
        .skip(offset)
        .take(per_page)
        .map(|user| render(user, &prefix))
        .collect();
    if shown.is_empty() {
        return Ok(ApiResponse::no_content());
    }
    let count = shown.len();
    Ok(ApiResponse::json(
        200,
        &json!({
            "users": shown,
            "info": {
                "per_page": per_page,
                "count": count,
                "page": page,
                "more_records": offset.saturating_add(count) < selected.len(),
            },
        }),
    ))
}

fn render(user: &CrmUserRow, prefix: &str) -> Value {
    let (first_name, last_name) = match user.name.rsplit_once(' ') {
        Some((first, last)) => (Value::from(first), last),
        None => (Value::Null, user.name.as_str()),
    };
    json!({
        "id": user.id,
        "first_name": first_name,
        "last_name": last_name,
        "full_name": user.name,
        "email": user.email,
        "status": "active",
        "confirm": true,
        "profile": {
            "name": user.profile_name,
            "id": profile_id(prefix, user.profile_ordinal),
        },
    })
}

/// A profile's id: the org's prefix, then Zoho's default-profile sequence.
pub fn profile_id(prefix: &str, ordinal: i64) -> String {
    format!("{prefix}{:09}", FIRST_PROFILE_SEQ + 3 * ordinal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_ids_follow_zohos_default_profiles() {
        assert_eq!(profile_id("1306462000", 0), "1306462000000026011");
        assert_eq!(profile_id("1306462000", 1), "1306462000000026014");
    }

    #[test]
    fn a_single_word_name_is_the_last_name() {
        let user = CrmUserRow {
            id: "1".into(),
            name: "Cher".into(),
            email: "cher@example.com".into(),
            profile_name: "Standard".into(),
            profile_ordinal: 1,
        };
        let shown = render(&user, "1306462000");
        assert_eq!(shown["first_name"], Value::Null);
        assert_eq!(shown["last_name"], "Cher");
        assert_eq!(shown["profile"]["id"], "1306462000000026014");
    }
}
