//! The rules of portal membership: invite, transfer, delete, change status. One function per
//! operation on one user, and one per precondition of a whole call (the portal, the user type,
//! a transfer's target), shared by the synchronous endpoints and the job runner, so a job item
//! and a single call answer exactly alike, however the state changed between scheduling a job
//! and running it. Each runs inside the caller's transaction and either applies completely or
//! answers an error without writing.

use rusqlite::Connection;

use crate::api::error::{ApiError, Details, message};
use crate::store::orgs::OrgRow;
use crate::store::user_types::{TypeSummary, UserTypeRow};
use crate::store::{crm, portal_users, portals, records, user_types};

/// The org has a portal (every Portals call but creating one needs it).
pub fn require_portal(conn: &Connection, org_id: &str) -> Result<(), ApiError> {
    if portals::exists(conn, org_id, None)? {
        Ok(())
    } else {
        Err(ApiError::no_portal())
    }
}

/// The user type a call names exists: `INVALID_DATA` with its id otherwise.
pub fn require_type(
    conn: &Connection,
    org_id: &str,
    user_type_id: &str,
) -> Result<UserTypeRow, ApiError> {
    user_types::get(conn, org_id, user_type_id)?.ok_or(ApiError::InvalidData {
        details: Details::Id {
            id: user_type_id.to_owned(),
        },
        message: message::INVALID_DATA,
    })
}

/// A transfer's target (of users, or of a deleted type's users): another existing type of the
/// same personality module; `INVALID_DATA` on `transfer_To` otherwise.
pub fn transfer_target(
    conn: &Connection,
    org_id: &str,
    source: &TypeSummary,
    target: &str,
) -> Result<(), ApiError> {
    let valid = target != source.id
        && user_types::personality(conn, org_id, target)?
            .is_some_and(|(module_id, _)| module_id == source.personality_module_id);
    if valid {
        Ok(())
    } else {
        Err(ApiError::InvalidData {
            details: Details::ParamName {
                param_name: "transfer_To",
            },
            message: message::INVALID_DATA,
        })
    }
}

/// Portal users an org may have (10 on trial editions).
pub fn user_licence(org: &OrgRow) -> i64 {
    if org.trial { 10 } else { 10_000 }
}

/// The invitation languages Zoho accepts (`en_US` by default).
pub const LANGUAGES: [&str; 28] = [
    "en_US", "en_GB", "bg_BG", "zh_CN", "zh_TW", "hr_HR", "ar_EG", "in_ID", "cs_CZ", "da_DK",
    "nl_NL", "fr_FR", "de_DE", "hu_HU", "hi_IN", "it_IT", "ja_JP", "pl_PL", "pt_BR", "pt_PT",
    "ru_RU", "es_ES", "sv_SE", "th_TH", "tr_TR", "vi_VN", "ko_KR", "iw_IL",
];

/// Email domains the mock treats as anonymous or disposable.
pub const ANONYMOUS_DOMAINS: [&str; 6] = [
    "mailinator.com",
    "guerrillamail.com",
    "10minutemail.com",
    "yopmail.com",
    "trashmail.com",
    "tempmail.com",
];

/// `invite` or `reinvite`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteType {
    /// A first invitation.
    Invite,
    /// A new invitation to an unconfirmed user.
    Reinvite,
}

impl InviteType {
    /// Parses the `type` value.
    pub fn parse(text: &str) -> Option<InviteType> {
        match text {
            "invite" => Some(InviteType::Invite),
            "reinvite" => Some(InviteType::Reinvite),
            _ => None,
        }
    }

    /// The success message of each.
    pub fn success_message(self) -> &'static str {
        match self {
            InviteType::Invite => "An Invite has been sent to the personality.",
            InviteType::Reinvite => "Invite has been resent to personality",
        }
    }
}

/// One invitation to check and apply.
pub struct Invitation<'a> {
    pub org: &'a OrgRow,
    /// The module of the path (API name).
    pub module: &'a str,
    pub record_id: &'a str,
    pub user_type_id: &'a str,
    /// invite or reinvite.
    pub invite_type: InviteType,
    /// Language.
    pub language: &'a str,
    /// Now.
    pub now: i64,
}

fn invite_failed(message: &'static str) -> ApiError {
    ApiError::InvalidData {
        details: Details::Empty {},
        message,
    }
}

/// Checks an invitation against the CRM and the portal (in the documented order of failure
/// reasons) and, if it passes, creates the unconfirmed portal user or renews the invitation.
pub fn invite(conn: &Connection, invitation: &Invitation<'_>) -> Result<(), ApiError> {
    let org_id = invitation.org.id.as_str();
    let module =
        crm::module_by_api_name(conn, org_id, invitation.module)?.ok_or(ApiError::InvalidModule)?;
    let (personality_id, is_default) =
        user_types::personality(conn, org_id, invitation.user_type_id)?.ok_or(
            ApiError::InvalidData {
                details: Details::Param {
                    param_name: "user_type_id",
                    api_name: "user_type_id",
                },
                message: message::INVALID_DATA,
            },
        )?;
    if personality_id != module.id {
        return Err(ApiError::InvalidModule);
    }
    let record = records::get(conn, org_id, &module.id, invitation.record_id)?
        .filter(|record| record.state != "deleted")
        .ok_or(invite_failed("the id given seems to be invalid"))?;
    if record.state == "recycle_bin" {
        return Err(invite_failed(
            "Invitation sent has failed as provided personality record is in recycle bin.",
        ));
    }
    let existing = portal_users::membership(conn, org_id, &record.id)?;
    match (invitation.invite_type, &existing) {
        (InviteType::Invite, Some(_)) => return Err(cannot_process()),
        (InviteType::Reinvite, None) => return Err(cannot_process()),
        (InviteType::Reinvite, Some((_, confirmed))) if *confirmed => {
            return Err(cannot_process());
        }
        _ => {}
    }
    let record_details = || record.id.clone();
    match record.approval.as_str() {
        "awaiting_approval" => {
            return Err(ApiError::RecordState {
                code: "NOT_APPROVED",
                record_id: record_details(),
                message: "Entity has not approved to invite yet.",
            });
        }
        "under_review" => {
            return Err(ApiError::RecordState {
                code: "NOT_REVIEWED",
                record_id: record_details(),
                message: "You cannot sent portal invitation since the record is waiting for approval under review process.",
            });
        }
        _ => {}
    }
    let email = record
        .email
        .as_deref()
        .filter(|email| !email.is_empty())
        .ok_or(invite_failed(
            "Invitation sent has failed as provided personality record does not have email id.",
        ))?;
    let supported = email
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "@.-_+".contains(c));
    let domain = email
        .rsplit_once('@')
        .map(|(_, domain)| domain.to_ascii_lowercase());
    if !supported || email.matches('@').count() != 1 {
        return Err(invite_failed(
            "Invitation sent has failed as email id of the personality record has unsupported characters.",
        ));
    }
    let domain = domain.unwrap_or_default();
    if ANONYMOUS_DOMAINS.contains(&domain.as_str()) {
        return Err(invite_failed(
            "Invitation sent has failed as email id of the personality record belongs to an anonymous domain.",
        ));
    }
    if is_default && domain == invitation.org.company_domain.to_ascii_lowercase() {
        return Err(invite_failed(
            "Invitation sent has failed as users of your organization's domain cannot be invited to the Client Portal user type.",
        ));
    }
    if !record.gdpr_consent {
        return Err(invite_failed(
            "Invitation sent has failed as the personality record has not given GDPR consent.",
        ));
    }
    if portal_users::with_email(conn, org_id, email, &record.id)?.is_some() {
        return Err(ApiError::RecordState {
            code: "DUPLICATE_DATA",
            record_id: record_details(),
            message: "Invitation sent has failed as a portal user exists with same email id",
        });
    }
    match existing {
        Some((user_type_id, _)) => {
            // A reinvite names the type the user is invited to ("the user type you want to
            // assign this user with"): an unconfirmed user invited again to another type of
            // the same personality module moves there (FIDELITY.md, "Reinvite to another type").
            if user_type_id != invitation.user_type_id {
                portal_users::set_type(conn, org_id, &record.id, invitation.user_type_id)?;
            }
            portal_users::reinvite(
                conn,
                org_id,
                &record.id,
                invitation.language,
                invitation.now,
            )?
        }
        None => {
            if portal_users::total(conn, org_id)? >= user_licence(invitation.org) {
                return Err(ApiError::LicenseLimitExceeded);
            }
            portal_users::insert(
                conn,
                org_id,
                &record.id,
                invitation.user_type_id,
                invitation.language,
                invitation.now,
            )?;
        }
    }
    Ok(())
}

fn cannot_process() -> ApiError {
    ApiError::CannotProcess {
        message: "Invalid type for the portal invite",
    }
}

/// Removes one user of a type; other ids answer the documented per-item `INVALID_DATA`.
pub fn delete(
    conn: &Connection,
    org_id: &str,
    user_type_id: &str,
    personality_id: &str,
) -> Result<(), ApiError> {
    // One statement: it removes the user only if it is of this type.
    if portal_users::delete_of_type(conn, org_id, personality_id, user_type_id)? {
        Ok(())
    } else {
        Err(ApiError::PersonalityNotInType {
            personality_id: personality_id.to_owned(),
            message: "Delete of user failed as personality id does not belongs to any portal user or belongs to portal user, who does not belongs to provided user type.",
        })
    }
}

/// Moves one user of a type to another.
pub fn transfer(
    conn: &Connection,
    org_id: &str,
    user_type_id: &str,
    target: &str,
    personality_id: &str,
) -> Result<(), ApiError> {
    match portal_users::get(conn, org_id, personality_id)? {
        Some(user) if user.user_type_id == user_type_id => {
            portal_users::set_type(conn, org_id, personality_id, target)?;
            Ok(())
        }
        _ => Err(ApiError::PersonalityNotInType {
            personality_id: personality_id.to_owned(),
            message: "Transfer of user failed as personality id does not belongs to any portal user or belongs to portal user, who does not belongs to provided user type.",
        }),
    }
}

/// Activates or deactivates one user of a type. `resource_path_index` is where the user id
/// stands in the single-user path (Zoho reports it in the error details).
pub fn change_status(
    conn: &Connection,
    org: &OrgRow,
    user_type_id: &str,
    personality_id: &str,
    active: bool,
) -> Result<(), ApiError> {
    let at = |code: &'static str, message: &'static str| ApiError::AtPathIndex {
        code,
        resource_path_index: "6",
        message,
    };
    let user = portal_users::get(conn, &org.id, personality_id)?
        .filter(|user| user.user_type_id == user_type_id)
        .ok_or(at("INVALID_DATA", message::INVALID_DATA))?;
    if user.record_state == "recycle_bin" {
        return Err(at(
            "INVALID_DATA",
            "Activation/Deactivation of portal user whose personality record in recyclebin is not allowed.",
        ));
    }
    match (active, user.active) {
        (true, true) => Err(at("ALREADY_ACTIVATED", "Already in active state only.")),
        (false, false) => Err(at("ALREADY_DEACTIVATED", "Already in inactive state only.")),
        (false, true) if !user.confirm => Err(at(
            "NOT_ALLOWED",
            "Deactivating unconfirmed user is not allowed",
        )),
        (true, false) => {
            let (_, active_users) = portal_users::counts(conn, &org.id)?;
            let limit = user_licence(org);
            if active_users >= limit {
                return Err(ApiError::LimitExceeded {
                    limit: (limit - active_users).max(0),
                });
            }
            portal_users::set_active(conn, &org.id, personality_id, true)?;
            Ok(())
        }
        (false, true) => {
            portal_users::set_active(conn, &org.id, personality_id, false)?;
            Ok(())
        }
    }
}
