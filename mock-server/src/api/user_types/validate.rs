//! The checks of a user type's body that need more than its shape: its name, its personality
//! module and invitation field, and its modules against the org's CRM.

use super::KEY;
use rusqlite::Connection;
use serde_json::{Map, Value};

use crate::api::error::{ApiError, Details, message};
use crate::api::user_type_modules::{
    self as modules, Rules, id_of, invalid_at, missing, too_long, too_short, wrong_type,
};
use crate::store::crm::{self, ModuleRow};

const NAME_MAX: usize = 50;
const NAME_REGEX: &str = "^[A-Za-z0-9 ]+$";

pub(super) fn overlay_module(stored: &mut Value, overlay: &Map<String, Value>) {
    let Some(stored) = stored.as_object_mut() else {
        return;
    };
    for (key, value) in overlay {
        match (key.as_str(), stored.get_mut(key), value) {
            ("permissions", Some(Value::Object(current)), Value::Object(given)) => {
                for (permission, flag) in given {
                    current.insert(permission.clone(), flag.clone());
                }
            }
            _ => {
                stored.insert(key.clone(), value.clone());
            }
        }
    }
}

pub(super) fn validate_modules(
    conn: &Connection,
    org_id: &str,
    personality: &ModuleRow,
    items: &[Value],
    base: &str,
    rules: Rules,
) -> Result<Vec<(String, Value)>, ApiError> {
    if items.len() > 500 {
        return Err(too_long("modules", &format!("{base}.modules"), 500));
    }
    let mut configs: Vec<(String, Value)> = Vec::new();
    for (k, item) in items.iter().enumerate() {
        let path = format!("{base}.modules[{k}]");
        let (module_id, config) = modules::validate(conn, org_id, personality, item, &path, rules)?;
        if configs.iter().any(|(existing, _)| *existing == module_id) {
            return Err(ApiError::DuplicateData {
                api_name: "id".into(),
                json_path: format!("{path}.id"),
            }
            .wrapped(KEY));
        }
        configs.push((module_id, config));
    }
    check_mandatory_modules(conn, org_id, personality, &configs)?;
    Ok(configs)
}

pub(super) fn check_mandatory_modules(
    conn: &Connection,
    org_id: &str,
    personality: &ModuleRow,
    configs: &[(String, Value)],
) -> Result<(), ApiError> {
    let has = |id: &str| configs.iter().any(|(module_id, _)| module_id == id);
    let notes = crm::module_by_api_name(conn, org_id, "Notes")?;
    let notes_present = notes.is_none_or(|notes| has(&notes.id));
    if !has(&personality.id) || !notes_present {
        return Err(ApiError::MandatoryModulesMissing.wrapped(KEY));
    }
    Ok(())
}

pub(super) fn validate_name<'a>(
    value: Option<&'a Value>,
    base: &str,
) -> Result<Option<&'a str>, ApiError> {
    let path = format!("{base}.name");
    let name = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(name)) => name.as_str(),
        Some(_) => return Err(wrong_type("string", "name", &path)),
    };
    if name.is_empty() {
        return Err(too_short("name", &path, 1));
    }
    if name.chars().count() > NAME_MAX {
        return Err(too_long("name", &path, NAME_MAX));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ') {
        return Err(ApiError::InvalidData {
            details: Details::Regex {
                regex: NAME_REGEX,
                api_name: "name".into(),
                json_path: path,
            },
            message: message::INVALID_DATA,
        }
        .wrapped(KEY));
    }
    Ok(Some(name))
}

pub(super) fn optional_bool(
    value: Option<&Value>,
    key: &str,
    base: &str,
) -> Result<Option<bool>, ApiError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(value) => modules::boolean(value, key, &format!("{base}.{key}")).map(Some),
    }
}

/// `personality_module`: `{api_name}` and/or `{id}` of a module that can be a personality.
pub(super) fn personality_module(
    conn: &Connection,
    org_id: &str,
    value: Option<&Value>,
    base: &str,
    rules: Rules,
) -> Result<Option<ModuleRow>, ApiError> {
    let path = format!("{base}.personality_module");
    let object = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(object)) => object,
        Some(_) => return Err(wrong_type("jsonobject", "personality_module", &path)),
    };
    let by_id = match object.get("id") {
        None | Some(Value::Null) => None,
        Some(value) => Some(modules::given_id(value, &format!("{path}.id"), rules)?),
    };
    let module = match (by_id, object.get("api_name")) {
        (Some(id), _) => crm::module_by_id(conn, org_id, &id)?,
        (None, Some(Value::String(api_name))) => crm::module_by_api_name(conn, org_id, api_name)?,
        (None, None | Some(Value::Null)) => {
            return Err(missing("api_name", &format!("{path}.api_name")));
        }
        (None, Some(_)) => {
            return Err(wrong_type(
                "string",
                "api_name",
                &format!("{path}.api_name"),
            ));
        }
    };
    let names_agree = |module: &ModuleRow| match object.get("api_name") {
        Some(Value::String(api_name)) => module.api_name.eq_ignore_ascii_case(api_name),
        _ => true,
    };
    match module {
        Some(module) if module.personality && names_agree(&module) => Ok(Some(module)),
        // The newer v8 update schema names this message for it (`ErrorInvalidPersonalityModule`,
        // on updatePortalUserType only); create and v4–v7 keep "invalid data".
        _ if rules.v8 && !rules.create => Err(ApiError::InvalidData {
            details: Details::At {
                api_name: "personality_module".to_owned(),
                json_path: path,
            },
            message: message::INVALID_PERSONALITY_MODULE,
        }
        .wrapped(KEY)),
        _ => Err(invalid_at("personality_module", &path)),
    }
}

/// `invitation_field`: an email field of the personality module; by default its `Email` field.
pub(super) fn invitation_field(
    conn: &Connection,
    org_id: &str,
    personality: &ModuleRow,
    value: Option<&Value>,
    base: &str,
) -> Result<Option<String>, ApiError> {
    let path = format!("{base}.invitation_field");
    let emails = crm::fields_of_type(conn, org_id, &personality.id, "email")?;
    let object = match value {
        None | Some(Value::Null) => {
            let default = emails
                .iter()
                .find(|f| f.api_name == "Email")
                .or(emails.first());
            return Ok(default.map(|f| f.id.clone()));
        }
        Some(Value::Object(object)) => object,
        Some(_) => return Err(wrong_type("jsonobject", "invitation_field", &path)),
    };
    let id = object.get("id").and_then(id_of);
    let api_name = object.get("api_name").and_then(Value::as_str);
    emails
        .iter()
        .find(|f| {
            id.as_deref() == Some(f.id.as_str())
                || (id.is_none() && api_name == Some(f.api_name.as_str()))
        })
        .map(|f| Some(f.id.clone()))
        .ok_or_else(|| invalid_at("invitation_field", &path))
}
