//! One org at a glance, for the dashboard: what no other control-plane route gives in one
//! answer (its portal, its user types with their user counts, its CRM users), read through the
//! store like every other route. Clock, limits and environment keep their own routes.
//!
//! ```text
//! GET /__mock/orgs/{id}/summary
//!   -> 200 {"org_id","fixture","company_name","edition","trial","crm_users":N,
//!           "portal":{"name","zaid","active"} | null,
//!           "user_types":[{"id","name","personality_module","default","active",
//!                          "active_users","inactive_users"},…]}
//! ```

use serde_json::{Value, json};

use super::error::{ControlError, Outcome};
use crate::http::ApiResponse;
use crate::state::AppState;
use crate::store::{StoreError, orgs, portals, user_types};

/// `GET …/summary`: 404 `UNKNOWN_ORG` for an org that does not exist.
pub(super) fn summary(state: &AppState, org_id: &str) -> Outcome {
    let read = state.store.read(|conn| {
        let Some(org) = orgs::get(conn, org_id)? else {
            return Ok::<_, StoreError>(None);
        };
        let portal = portals::of_org(conn, org_id)?;
        let types = user_types::list(conn, org_id)?;
        let crm_users = orgs::user_count(conn, org_id)?;
        Ok(Some((org, portal, types, crm_users)))
    })?;
    let (org, portal, types, crm_users) =
        read.ok_or_else(|| ControlError::UnknownOrg(org_id.to_owned()))?;
    let portal = portal.map_or(
        Value::Null,
        |portal| json!({ "name": portal.name, "zaid": portal.zaid, "active": portal.active }),
    );
    let user_types: Vec<Value> = types
        .into_iter()
        .map(|t| {
            json!({
                "id": t.id,
                "name": t.name,
                "personality_module": t.personality.1,
                "default": t.is_default,
                "active": t.active,
                "active_users": t.active_users,
                "inactive_users": t.inactive_users,
            })
        })
        .collect();
    Ok(ApiResponse::json(
        200,
        &json!({
            "org_id": org.id,
            "fixture": org.fixture,
            "company_name": org.company_name,
            "edition": org.edition,
            "trial": org.trial,
            "crm_users": crm_users,
            "portal": portal,
            "user_types": user_types,
        }),
    ))
}
