//! The Organization API (`GET /org`): the second call Zoho's SDKs make after fetching a token.
//!
//! ```text
//! GET /crm/{v}/org
//!   -> 200 {"org":[{"id","company_name","domain_name":"org<zgid>","zgid","primary_email",
//!            "type":"production"|"sandbox","license_details":{…},…}]}
//! ```
//! Built from the org's fixture: `zgid` is its `zaid` (the id Zoho gives the org's portal),
//! `primary_email` the first administrator's address, the licence its edition and trial flag.
//! Address, currency and time-zone fields are null: the fixtures do not hold them.

use serde_json::json;

use super::Ctx;
use crate::api::error::ApiError;
use crate::http::ApiResponse;
use crate::store::orgs::OrgRow;
use crate::store::{crm_users, tokens};

/// The sequence of the org's own id within its prefix (no record of the fixtures uses it).
const ORG_SEQ: u64 = 1;

/// `GET /org`
pub fn get(ctx: &Ctx<'_>, org: &OrgRow) -> Result<ApiResponse, ApiError> {
    let org_id = ctx.caller.org_id.as_str();
    let (prefix, primary_email) = ctx.state.store.read(|conn| {
        let prefix = crm_users::id_prefix(conn, org_id)?.unwrap_or_default();
        let admin = tokens::admin_user(conn, org_id)?;
        let email = crm_users::users(conn, org_id)?
            .into_iter()
            .find(|user| Some(&user.id) == admin.as_ref())
            .map(|user| user.email);
        Ok::<_, ApiError>((prefix, email))
    })?;
    let edition = org.edition.to_ascii_lowercase();
    let license = if org.trial {
        json!({
            "paid": false,
            "paid_type": "free",
            "trial_type": edition,
            "trial_expiry": null,
            "paid_expiry": null,
        })
    } else {
        json!({
            "paid": true,
            "paid_type": edition,
            "trial_type": null,
            "trial_expiry": null,
            "paid_expiry": null,
        })
    };
    let body = json!({
        "org": [{
            "id": format!("{prefix}{ORG_SEQ:09}"),
            "company_name": org.company_name,
            "domain_name": format!("org{}", org.zaid),
            "zgid": org.zaid,
            "primary_email": primary_email,
            "type": if org.sandbox { "sandbox" } else { "production" },
            "license_details": license,
            "alias": null,
            "description": null,
            "phone": null,
            "mobile": null,
            "fax": null,
            "website": null,
            "street": null,
            "city": null,
            "state": null,
            "zip": null,
            "country": null,
            "country_code": null,
            "time_zone": null,
            "currency": null,
            "currency_symbol": null,
            "currency_locale": null,
            "iso_code": null,
            "employee_count": null,
            "photo_id": null,
            "mc_status": false,
            "gapps_enabled": false,
            "translation_enabled": false,
            "privacy_settings": false,
        }],
    });
    Ok(ApiResponse::json(200, &body))
}
