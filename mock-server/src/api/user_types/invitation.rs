//! The phone field as a user type's invitation field (v8): allowed, unless the portal has SAML
//! configured (`SamlInvitationFieldNotAllowedError`: "SAML-based portals require an email field
//! as the invitation field"). Email fields, and every other version, follow
//! `validate::invitation_field`.

use rusqlite::Connection;
use serde_json::Value;

use super::KEY;
use crate::api::error::{ApiError, Details};
use crate::api::user_type_modules::id_of;
use crate::store::crm::{self, ModuleRow};

/// The message of Zoho's example (oas8 `updatePortalUserType:400:notallowedresponse1`).
const SAML_PHONE: &str = "SAML configured for portal so phone field was not allowed for user types";

/// When `value` (the body's `invitation_field`) names a phone field of the personality module
/// on v8: its id, or `NOT_ALLOWED` when the portal has SAML configured. `None` for anything
/// else, which the email rules then check.
pub(super) fn phone_field(
    conn: &Connection,
    org_id: &str,
    personality: &ModuleRow,
    value: Option<&Value>,
    base: &str,
    saml_configured: bool,
) -> Result<Option<String>, ApiError> {
    let Some(Value::Object(object)) = value else {
        return Ok(None);
    };
    let id = object.get("id").and_then(id_of);
    let api_name = object.get("api_name").and_then(Value::as_str);
    let phones = crm::fields_of_type(conn, org_id, &personality.id, "phone")?;
    let phone = phones.iter().find(|f| {
        id.as_deref() == Some(f.id.as_str())
            || (id.is_none() && api_name == Some(f.api_name.as_str()))
    });
    match phone {
        None => Ok(None),
        Some(_) if saml_configured => {
            // The example names the field's id, as it is given.
            let (api_name, json_path) = if id.is_some() {
                ("id", format!("{base}.invitation_field.id"))
            } else {
                ("api_name", format!("{base}.invitation_field.api_name"))
            };
            Err(ApiError::NotAllowed {
                details: Details::At {
                    api_name: api_name.into(),
                    json_path,
                },
                message: SAML_PHONE,
            }
            .wrapped(KEY))
        }
        Some(field) => Ok(Some(field.id.clone())),
    }
}
