//! Seed fixtures: the JSON format of an org (its CRM, users, tokens, portal) and how a set of
//! them is loaded: the copy embedded at build time, plus a `--fixtures DIR`, or a directory
//! alone (`--only-fixtures DIR`).
//!
//! A fixture directory holds `orgs/<name>.json` (one org each; the file name is the fixture's
//! name) and `crm/<name>.json` (CRM metadata and records that several orgs share, referenced by
//! `"crm": "<name>"`; an org may also carry its CRM inline). Parsing is strict: an unknown key is
//! an error that names the file.

mod load;
pub mod references;

pub use load::FixtureSet;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_fixtures.rs"));
}

/// One org, as a fixture file describes it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgFixture {
    /// What this org is for (shown by the control plane).
    pub description: String,
    /// Org-wide settings.
    pub org: OrgSettings,
    /// The CRM around the portal: a reference to `crm/<name>.json` or the CRM itself.
    pub crm: CrmSource,
    /// Profiles and their portal permissions.
    pub profiles: Vec<ProfileFixture>,
    /// CRM users (admins who call the API; names appear in `created_by`/`modified_by`).
    pub users: Vec<UserFixture>,
    /// OAuth clients that may exchange this org's refresh and grant tokens.
    #[serde(default)]
    pub oauth_clients: Vec<OauthClientFixture>,
    /// Access, refresh and grant tokens.
    #[serde(default)]
    pub tokens: Vec<TokenFixture>,
    /// The portal, if the org has one.
    #[serde(default)]
    pub portal: Option<PortalFixture>,
    /// The portal's user types.
    #[serde(default)]
    pub user_types: Vec<UserTypeFixture>,
    /// The portal's users.
    #[serde(default)]
    pub portal_users: Vec<PortalUserFixture>,
    /// Scheduled and completed jobs (bulk invites, status changes, transfers, deletes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub jobs: Vec<JobFixture>,
}

/// Org-wide settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgSettings {
    /// The company name.
    pub company_name: String,
    /// The company's email domain (invitees on it are refused for the Client Portal type).
    pub company_domain: String,
    /// The offset timestamps are printed with, e.g. `+05:30`.
    pub utc_offset: String,
    /// Free, Standard, Professional, Enterprise or Ultimate.
    pub edition: String,
    /// A trial edition (at most 10 portal users).
    #[serde(default)]
    pub trial: bool,
    /// A sandbox org: every Portals call answers API_NOT_SUPPORTED.
    #[serde(default)]
    pub sandbox: bool,
    /// The zaid a portal created in this org receives.
    pub zaid: String,
    /// The first 10 digits of every id made in this org.
    pub id_prefix: String,
    /// The last 9 digits of the next id made in this org.
    pub next_seq: u64,
    /// The org's clock stands still at this RFC 3339 instant (absent: it runs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock_fixed: Option<String>,
    /// Seconds added to the org's clock.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub clock_shift: i64,
    /// API credits and concurrency limits are enforced.
    #[serde(default, skip_serializing_if = "is_false")]
    pub enforce_limits: bool,
}

/// Either the name of a shared CRM file or the CRM itself.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum CrmSource {
    /// `crm/<name>.json`
    Named(String),
    /// The CRM inline.
    Inline(Box<CrmFixture>),
}

/// Read in one pass, as the string or object it is (an untagged enum would first buffer an
/// inline CRM of 10,000 records whole, to try each variant on the copy).
impl<'de> Deserialize<'de> for CrmSource {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(CrmSourceVisitor)
    }
}

struct CrmSourceVisitor;

impl<'de> serde::de::Visitor<'de> for CrmSourceVisitor {
    type Value = CrmSource;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the name of a file of crm/ or a CRM object")
    }

    fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<CrmSource, E> {
        Ok(CrmSource::Named(name.to_owned()))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<CrmSource, A::Error> {
        CrmFixture::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            .map(|crm| CrmSource::Inline(Box::new(crm)))
    }
}

/// CRM metadata and records.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrmFixture {
    /// What this CRM holds.
    #[serde(default)]
    pub description: String,
    /// Modules with their fields, layouts and views.
    pub modules: Vec<ModuleFixture>,
    /// Records of those modules.
    pub records: Vec<RecordFixture>,
}

/// A CRM module.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModuleFixture {
    /// 19-digit id.
    pub id: String,
    /// API name (`Contacts`).
    pub api_name: String,
    /// Singular label (`Contact`).
    pub singular_label: String,
    /// Plural label (`Contacts`).
    pub plural_label: String,
    /// `private` or `public`.
    pub shared_type: String,
    /// Can be a user type's personality module.
    #[serde(default)]
    pub personality: bool,
    /// Can be given to a user type at all.
    #[serde(default = "yes")]
    pub portal_allowed: bool,
    /// Fields.
    pub fields: Vec<FieldFixture>,
    /// Layouts.
    pub layouts: Vec<LayoutFixture>,
    /// Custom and canvas views.
    pub views: Vec<ViewFixture>,
}

/// A field of a module.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldFixture {
    /// 19-digit id.
    pub id: String,
    /// API name.
    pub api_name: String,
    /// Label.
    pub field_label: String,
    /// `text`, `email`, `lookup`, `multiselectlookup`, …
    pub data_type: String,
    /// For lookups: the API name of the module looked up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lookup_module: Option<String>,
    /// May be shown in a portal.
    #[serde(default = "yes")]
    pub portal_allowed: bool,
}

/// A layout and the fields on it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayoutFixture {
    /// 19-digit id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Display label.
    pub display_label: String,
    /// Fields on this layout.
    pub fields: Vec<LayoutFieldFixture>,
}

/// A field's place on a layout.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayoutFieldFixture {
    /// The field id.
    pub id: String,
    /// Mandatory on this layout (cannot be read-only in a portal).
    #[serde(default)]
    pub mandatory: bool,
}

/// A custom or canvas view.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViewFixture {
    /// 19-digit id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Display label.
    pub display_label: String,
    /// `custom_view` or `canvas_view`.
    #[serde(rename = "type")]
    pub view_type: String,
}

/// A CRM record.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordFixture {
    /// 19-digit id.
    pub id: String,
    /// The module's API name.
    pub module: String,
    /// Display name.
    pub name: String,
    /// Email, if any.
    #[serde(default)]
    pub email: Option<String>,
    /// `approved`, `awaiting_approval` or `under_review`.
    #[serde(default = "approved")]
    pub approval: String,
    /// GDPR consent given.
    #[serde(default = "yes")]
    pub gdpr_consent: bool,
    /// `active`, `recycle_bin` or `deleted`.
    #[serde(default = "active")]
    pub state: String,
    /// What the record is in the fixture for (documentation only).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// Other fields.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub data: Map<String, Value>,
    /// RFC 3339 creation time (records added through the Records API); absent for seeded ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_time: Option<String>,
    /// Creator's user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// RFC 3339 modification time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified_time: Option<String>,
    /// Modifier's user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified_by: Option<String>,
}

/// A profile.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileFixture {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// "Manage Portal".
    pub manage_portal: bool,
    /// "Manage Portal Users".
    pub manage_portal_users: bool,
}

/// A CRM user.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserFixture {
    /// 19-digit id.
    pub id: String,
    /// Full name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Profile id.
    pub profile: String,
}

/// An OAuth client.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OauthClientFixture {
    /// `client_id`.
    pub client_id: String,
    /// `client_secret`.
    pub client_secret: String,
    /// The registered redirect URI.
    pub redirect_uri: String,
}

/// A token.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenFixture {
    /// The token string.
    pub token: String,
    /// `access`, `refresh` or `grant`.
    pub kind: String,
    /// The user it acts for.
    pub user: String,
    /// Refresh and grant tokens: the client they belong to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Scopes.
    pub scopes: Vec<String>,
    /// RFC 3339 expiry; absent: never expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// Grant tokens: the redirect URI they were issued for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_uri: Option<String>,
    /// What the token is for (documentation only).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// The portal.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortalFixture {
    /// Name.
    pub name: String,
    /// Active.
    pub active: bool,
    /// RFC 3339 creation time.
    pub created_time: String,
    /// Creator's user id.
    pub created_by: String,
    /// RFC 3339 modification time.
    pub modified_time: String,
    /// Modifier's user id.
    pub modified_by: String,
    /// The portal's zaid when it differs from the org's `zaid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zaid: Option<String>,
    /// The SAML configuration, as the API shows it, when configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saml_configuration: Option<Value>,
}

/// A portal user type.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserTypeFixture {
    /// 19-digit id.
    pub id: String,
    /// Name.
    pub name: String,
    /// The personality module's API name.
    pub personality_module: String,
    /// The invitation field's API name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invitation_field: Option<String>,
    /// Active.
    pub active: bool,
    /// The default `Client Portal` type.
    #[serde(default)]
    pub default: bool,
    /// RFC 3339 creation time.
    pub created_time: String,
    /// Creator's user id.
    pub created_by: String,
    /// RFC 3339 modification time.
    pub modified_time: String,
    /// Modifier's user id.
    pub modified_by: String,
    /// Module configurations as the API takes them (`id`, `shared_type`, `permissions`, …).
    #[serde(default)]
    pub modules: Vec<Value>,
}

/// A portal user.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortalUserFixture {
    /// The CRM record id.
    pub personality_id: String,
    /// The user type id.
    pub user_type_id: String,
    /// Accepted the invitation.
    pub confirm: bool,
    /// Active.
    pub active: bool,
    /// Why disabled, if so.
    #[serde(default)]
    pub status_reason: Option<String>,
    /// RFC 3339 invitation time.
    pub invited_time: String,
    /// Invitation language.
    #[serde(default = "en_us")]
    pub language: String,
    /// The invitation expired unanswered.
    #[serde(default, skip_serializing_if = "is_false")]
    pub invite_expired: bool,
    /// Where the user came from (`Source__s` on v8 lists): `CRM` (invited from the CRM, the
    /// default) or `Portal`.
    #[serde(default = "crm_source", skip_serializing_if = "is_crm_source")]
    pub source: String,
    /// RFC 3339 time the portal user was created (first invited); absent: `invited_time`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_time: Option<String>,
}

/// A scheduled or completed job.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobFixture {
    /// 19-digit id.
    pub id: String,
    /// `invite`, `change_status`, `transfer` or `delete`.
    pub kind: String,
    /// Invites: the module of the path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    /// `scheduled`, `in_progress` or `completed`.
    pub status: String,
    /// The CRM user who scheduled it.
    pub user: String,
    /// RFC 3339 scheduling time.
    pub created_time: String,
    /// What to do, as the job runner reads it.
    pub payload: Value,
    /// Per-item results once completed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub results: Option<Value>,
}

fn yes() -> bool {
    true
}
fn approved() -> String {
    "approved".into()
}
fn active() -> String {
    "active".into()
}
/// Where a portal user came from when a fixture does not say: invited from the CRM.
pub const CRM_SOURCE: &str = "CRM";
fn crm_source() -> String {
    CRM_SOURCE.into()
}
fn is_crm_source(source: &str) -> bool {
    source == CRM_SOURCE
}
fn en_us() -> String {
    "en_US".into()
}
fn is_false(value: &bool) -> bool {
    !*value
}
fn is_zero(value: &i64) -> bool {
    *value == 0
}

impl OrgFixture {
    /// The CRM, resolved (a loaded set always holds it inline).
    pub fn crm(&self) -> Option<&CrmFixture> {
        match &self.crm {
            CrmSource::Inline(crm) => Some(crm),
            CrmSource::Named(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_fixtures_load_and_hold_zylker_and_blank() {
        let set = FixtureSet::embedded().unwrap();
        let zylker = set.org("zylker").unwrap();
        assert_eq!(zylker.portal.as_ref().unwrap().name, "ZylkerAutos");
        assert!(set.org("blank").unwrap().portal.is_none());
        assert!(zylker.crm().is_some());
    }

    #[test]
    fn an_unknown_key_is_an_error_that_names_the_file() {
        let error = FixtureSet::from_files([(
            "crm/x.json".to_owned(),
            r#"{"modules":[],"records":[],"colour":"red"}"#.to_owned(),
        )])
        .unwrap_err();
        assert!(error.contains("fixtures/seed/crm/x.json"), "{error}");
        assert!(error.contains("colour"), "{error}");
    }

    #[test]
    fn a_missing_crm_reference_is_reported() {
        let embedded = embedded::EMBEDDED
            .iter()
            .find(|(path, _)| *path == "orgs/blank.json")
            .unwrap();
        let error =
            FixtureSet::from_files([(embedded.0.to_owned(), embedded.1.to_owned())]).unwrap_err();
        assert!(error.contains("no crm/"), "{error}");
    }
}
