//! Seeding: writes one org fixture into the database, and clears an org for a reset.

use rusqlite::{Transaction, params};
use serde_json::Value;

use super::StoreError;
use crate::clock::{parse_offset, parse_timestamp};
use crate::fixtures::OrgFixture;

/// Whether the fixture's tokens are seeded with the org.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tokens {
    /// Seed them (the orgs seeded at start-up, named after their fixture).
    FromFixture,
    /// Skip them: token strings are server-wide, so a copy of a fixture cannot reuse them.
    None,
}

/// Writes `fixture` as org `org_id`.
pub fn seed_org(
    tx: &Transaction<'_>,
    org_id: &str,
    fixture_name: &str,
    fixture: &OrgFixture,
    tokens: Tokens,
) -> Result<(), StoreError> {
    let bad = |message: String| StoreError::Fixture {
        fixture: fixture_name.to_owned(),
        message,
    };
    let time = |text: &str| parse_timestamp(text).map_err(bad);
    let org = &fixture.org;
    parse_offset(&org.utc_offset).map_err(bad)?;
    if org.id_prefix.len() != 10 || !org.id_prefix.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad(format!(
            "org.id_prefix {:?} must be 10 digits",
            org.id_prefix
        )));
    }
    let clock_fixed = org.clock_fixed.as_deref().map(time).transpose()?;
    // Rows go in table by table; the keys are checked once the org is whole, and a fixture
    // that breaks one is refused with the rows named.
    tx.pragma_update(None, "defer_foreign_keys", true)?;
    tx.execute(
        "INSERT INTO orgs (id, fixture, company_name, company_domain, utc_offset, edition, trial,
                           sandbox, zaid, id_prefix, next_seq, clock_fixed, clock_shift,
                           enforce_limits)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        params![
            org_id,
            fixture_name,
            org.company_name,
            org.company_domain,
            org.utc_offset,
            org.edition,
            org.trial,
            org.sandbox,
            org.zaid,
            org.id_prefix,
            org.next_seq as i64,
            clock_fixed,
            org.clock_shift,
            org.enforce_limits,
        ],
    )?;
    seed_contents(tx, org_id, fixture_name, fixture, tokens, &time)?;
    super::jobs::link_types(tx, org_id)?;
    let broken = super::invariants::foreign_keys(tx, Some(org_id))?;
    if broken.is_empty() {
        Ok(())
    } else {
        Err(bad(broken
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")))
    }
}

/// Restores an org to its fixture: everything it holds is deleted and seeded again, except the
/// tokens issued to it at run time (a reset keeps working the tokens its callers hold) and its
/// snapshots (a snapshot taken before a reset can still be restored after it).
pub fn reset_org(
    tx: &Transaction<'_>,
    org_id: &str,
    fixture_name: &str,
    fixture: &OrgFixture,
    tokens: Tokens,
) -> Result<(), StoreError> {
    tx.execute(
        "CREATE TEMP TABLE IF NOT EXISTS kept_tokens AS SELECT * FROM tokens WHERE 0",
        [],
    )?;
    tx.execute("DELETE FROM temp.kept_tokens", [])?;
    tx.execute(
        "INSERT INTO temp.kept_tokens SELECT * FROM tokens WHERE org_id = ?1 AND from_fixture = 0",
        [org_id],
    )?;
    tx.execute(
        "CREATE TEMP TABLE IF NOT EXISTS kept_snapshots AS SELECT * FROM snapshots WHERE 0",
        [],
    )?;
    tx.execute("DELETE FROM temp.kept_snapshots", [])?;
    tx.execute(
        "INSERT INTO temp.kept_snapshots SELECT * FROM snapshots WHERE org_id = ?1",
        [org_id],
    )?;
    tx.execute("DELETE FROM orgs WHERE id = ?1", [org_id])?;
    seed_org(tx, org_id, fixture_name, fixture, tokens)?;
    tx.execute("INSERT INTO tokens SELECT * FROM temp.kept_tokens", [])?;
    tx.execute("DELETE FROM temp.kept_tokens", [])?;
    tx.execute(
        "INSERT INTO snapshots SELECT * FROM temp.kept_snapshots",
        [],
    )?;
    tx.execute("DELETE FROM temp.kept_snapshots", [])?;
    Ok(())
}

fn seed_contents(
    tx: &Transaction<'_>,
    org_id: &str,
    fixture_name: &str,
    fixture: &OrgFixture,
    tokens: Tokens,
    time: &dyn Fn(&str) -> Result<i64, StoreError>,
) -> Result<(), StoreError> {
    let bad = |message: String| StoreError::Fixture {
        fixture: fixture_name.to_owned(),
        message,
    };
    for profile in &fixture.profiles {
        tx.execute(
            "INSERT INTO profiles (org_id, id, name, manage_portal, manage_portal_users)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                org_id,
                profile.id,
                profile.name,
                profile.manage_portal,
                profile.manage_portal_users
            ],
        )?;
    }
    for user in &fixture.users {
        if !fixture.profiles.iter().any(|p| p.id == user.profile) {
            return Err(bad(format!(
                "user {} names unknown profile {:?}",
                user.id, user.profile
            )));
        }
        tx.execute(
            "INSERT INTO users (org_id, id, name, email, profile_id) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![org_id, user.id, user.name, user.email, user.profile],
        )?;
    }
    // A token acts for a CRM user or, as a client-portal user's token, for a portal user.
    let user_exists = |id: &str| {
        fixture.users.iter().any(|u| u.id == id)
            || fixture.portal_users.iter().any(|u| u.personality_id == id)
    };
    for client in &fixture.oauth_clients {
        tx.execute(
            "INSERT OR IGNORE INTO oauth_clients (client_id, client_secret, redirect_uri)
             VALUES (?1, ?2, ?3)",
            params![client.client_id, client.client_secret, client.redirect_uri],
        )?;
    }
    if tokens == Tokens::FromFixture {
        for token in &fixture.tokens {
            if !user_exists(&token.user) {
                return Err(bad(format!(
                    "token {} names unknown user {}",
                    token.token, token.user
                )));
            }
            let expires_at = token.expires_at.as_deref().map(time).transpose()?;
            tx.execute(
                "INSERT INTO tokens (token, kind, org_id, user_id, client_id, scopes, expires_at,
                                     redirect_uri, from_fixture)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1)",
                params![
                    token.token,
                    token.kind,
                    org_id,
                    token.user,
                    token.client_id,
                    token.scopes.join(" "),
                    expires_at,
                    token.redirect_uri,
                ],
            )?;
        }
    }
    let crm = fixture
        .crm()
        .ok_or_else(|| bad("the CRM reference was not resolved".into()))?;
    for module in &crm.modules {
        tx.execute(
            "INSERT INTO modules (org_id, id, api_name, singular_label, plural_label, shared_type,
                                  personality, portal_allowed)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                org_id,
                module.id,
                module.api_name,
                module.singular_label,
                module.plural_label,
                module.shared_type,
                module.personality,
                module.portal_allowed
            ],
        )?;
        for field in &module.fields {
            tx.execute(
                "INSERT INTO fields (org_id, id, module_id, api_name, field_label, data_type,
                                     lookup_module, portal_allowed)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    org_id,
                    field.id,
                    module.id,
                    field.api_name,
                    field.field_label,
                    field.data_type,
                    field.lookup_module,
                    field.portal_allowed
                ],
            )?;
        }
        for layout in &module.layouts {
            tx.execute(
                "INSERT INTO layouts (org_id, id, module_id, name, display_label)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    org_id,
                    layout.id,
                    module.id,
                    layout.name,
                    layout.display_label
                ],
            )?;
            for field in &layout.fields {
                if !module.fields.iter().any(|f| f.id == field.id) {
                    return Err(bad(format!(
                        "layout {} lists field {} that {} does not have",
                        layout.id, field.id, module.api_name
                    )));
                }
                tx.execute(
                    "INSERT INTO layout_fields (org_id, layout_id, field_id, mandatory)
                     VALUES (?1, ?2, ?3, ?4)",
                    params![org_id, layout.id, field.id, field.mandatory],
                )?;
            }
        }
        for view in &module.views {
            tx.execute(
                "INSERT INTO views (org_id, id, module_id, name, display_label, type)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    org_id,
                    view.id,
                    module.id,
                    view.name,
                    view.display_label,
                    view.view_type
                ],
            )?;
        }
    }
    let module_id = |api_name: &str| {
        crm.modules
            .iter()
            .find(|m| m.api_name == api_name)
            .map(|m| m.id.clone())
            .ok_or_else(|| bad(format!("no module {api_name:?} in the CRM")))
    };
    for record in &crm.records {
        for user in [&record.created_by, &record.modified_by]
            .into_iter()
            .flatten()
        {
            if !user_exists(user) {
                return Err(bad(format!(
                    "record {} names unknown user {user}",
                    record.id
                )));
            }
        }
        tx.execute(
            "INSERT INTO records (org_id, id, module_id, name, email, approval, gdpr_consent, state,
                                  data, created_time, created_by, modified_time, modified_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                org_id,
                record.id,
                module_id(&record.module)?,
                record.name,
                record.email,
                record.approval,
                record.gdpr_consent,
                record.state,
                Value::Object(record.data.clone()).to_string(),
                record.created_time.as_deref().map(time).transpose()?,
                record.created_by,
                record.modified_time.as_deref().map(time).transpose()?,
                record.modified_by,
            ],
        )?;
    }
    if let Some(portal) = &fixture.portal {
        for user in [&portal.created_by, &portal.modified_by] {
            if !user_exists(user) {
                return Err(bad(format!("portal names unknown user {user}")));
            }
        }
        tx.execute(
            "INSERT INTO portals (org_id, name, zaid, active, created_time, created_by,
                                  modified_time, modified_by, saml)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                org_id,
                portal.name,
                portal.zaid.as_ref().unwrap_or(&fixture.org.zaid),
                portal.active,
                time(&portal.created_time)?,
                portal.created_by,
                time(&portal.modified_time)?,
                portal.modified_by,
                portal.saml_configuration.as_ref().map(Value::to_string),
            ],
        )?;
    } else if !fixture.user_types.is_empty() || !fixture.portal_users.is_empty() {
        return Err(bad("user types or portal users without a portal".into()));
    }
    for user_type in &fixture.user_types {
        tx.execute(
            "INSERT INTO user_types (org_id, id, name, personality_module_id, invitation_field_id,
                                     active, is_default, created_time, created_by, modified_time,
                                     modified_by)
             VALUES (?1, ?2, ?3, ?4,
                     (SELECT f.id FROM fields f WHERE f.org_id = ?1 AND f.module_id = ?4
                                                  AND f.api_name = ?5),
                     ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                org_id,
                user_type.id,
                user_type.name,
                module_id(&user_type.personality_module)?,
                user_type.invitation_field,
                user_type.active,
                user_type.default,
                time(&user_type.created_time)?,
                user_type.created_by,
                time(&user_type.modified_time)?,
                user_type.modified_by
            ],
        )?;
        for (position, config) in user_type.modules.iter().enumerate() {
            let module = config
                .get("id")
                .and_then(Value::as_str)
                .ok_or_else(|| bad(format!("user type {}: a module without id", user_type.id)))?;
            tx.execute(
                "INSERT INTO user_type_modules (org_id, user_type_id, position, module_id, config)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    org_id,
                    user_type.id,
                    position as i64,
                    module,
                    config.to_string()
                ],
            )?;
        }
    }
    for (seq, user) in fixture.portal_users.iter().enumerate() {
        if !fixture.user_types.iter().any(|t| t.id == user.user_type_id) {
            return Err(bad(format!(
                "portal user {} names unknown user type {}",
                user.personality_id, user.user_type_id
            )));
        }
        if !crm.records.iter().any(|r| r.id == user.personality_id) {
            return Err(bad(format!(
                "portal user {} is not a record of the CRM",
                user.personality_id
            )));
        }
        tx.execute(
            "INSERT INTO portal_users (org_id, seq, personality_id, user_type_id, confirm, active,
                                       status_reason, invited_time, language, invite_expired,
                                       source, created_time)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                org_id,
                seq as i64 + 1,
                user.personality_id,
                user.user_type_id,
                user.confirm,
                user.active,
                user.status_reason,
                time(&user.invited_time)?,
                user.language,
                user.invite_expired,
                user.source,
                time(user.created_time.as_deref().unwrap_or(&user.invited_time))?,
            ],
        )?;
    }
    for job in &fixture.jobs {
        if !user_exists(&job.user) {
            return Err(bad(format!(
                "job {} names unknown user {}",
                job.id, job.user
            )));
        }
        tx.execute(
            "INSERT INTO jobs (org_id, id, kind, module, status, user_id, created_time, payload,
                               results)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                org_id,
                job.id,
                job.kind,
                job.module,
                job.status,
                job.user,
                time(&job.created_time)?,
                job.payload.to_string(),
                job.results.as_ref().map(Value::to_string),
            ],
        )?;
    }
    Ok(())
}
