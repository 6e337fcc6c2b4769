//! Seeding: writes one org fixture into the database, and clears an org for a reset.

use rusqlite::{ToSql, Transaction, params};
use serde_json::Value;

use super::StoreError;
use super::orgs::OrgRow;
use crate::clock::{parse_offset, parse_timestamp};
use crate::fixtures::{CrmFixture, OrgFixture, references};

/// `insert!(tx, "table"; column => value, …)`: one row, each column beside its value; the
/// statement's text is made at compile time (`INSERT INTO table (a, b) VALUES (?, ?)`) and
/// prepared once per connection.
macro_rules! insert {
    ($tx:expr, $table:literal; $first:ident => $first_value:expr $(, $column:ident => $value:expr)* $(,)?) => {
        insert_row(
            $tx,
            concat!(
                "INSERT INTO ", $table, " (", stringify!($first), $(", ", stringify!($column),)*
                ") VALUES (?", $(placeholder!($column),)* ")"
            ),
            &[&$first_value as &dyn ToSql $(, &$value as &dyn ToSql)*],
        )
    };
}

/// One more `, ?` in [`insert!`]'s VALUES, for the column it is given.
macro_rules! placeholder {
    ($column:ident) => {
        ", ?"
    };
}

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
    let crm = fixture
        .crm()
        .ok_or_else(|| bad("the CRM reference was not resolved".into()))?;
    let broken = references::broken(fixture, crm);
    if !broken.is_empty() {
        return Err(bad(broken.join("; ")));
    }
    let rows = || -> Result<(), StoreError> {
        insert!(tx, "orgs"; id => org_id, fixture => fixture_name,
            company_name => org.company_name, company_domain => org.company_domain,
            utc_offset => org.utc_offset, edition => org.edition, trial => org.trial,
            sandbox => org.sandbox, zaid => org.zaid, id_prefix => org.id_prefix,
            next_seq => (org.next_seq as i64), clock_fixed => clock_fixed,
            clock_shift => org.clock_shift, enforce_limits => org.enforce_limits)?;
        seed_contents(tx, org_id, fixture_name, fixture, crm, tokens, &time)?;
        super::jobs::link_types(tx, org_id)
    };
    // Rows go in table by table, parents first, so each key is checked as its row goes in.
    // A fixture that breaks one is seeded again with the keys checked once the org is whole,
    // and refused with the rows named (only then: setting `defer_foreign_keys` expires every
    // prepared statement of the connection).
    tx.prepare_cached("SAVEPOINT seed_org")?.execute([])?;
    let first = rows();
    if first.is_err() {
        tx.prepare_cached("ROLLBACK TO seed_org")?.execute([])?;
    }
    tx.prepare_cached("RELEASE seed_org")?.execute([])?;
    match first {
        Err(StoreError::Sql(error))
            if error.sqlite_error().map(|e| e.extended_code)
                == Some(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY) => {}
        done => return done,
    }
    tx.pragma_update(None, "defer_foreign_keys", true)?;
    rows()?;
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

/// Makes org `org_id` from the fixture named `fixture_name`, without its tokens: the first
/// org of a fixture is seeded and kept as its template, later ones are copies of it
/// (`org_copy`). (An inline fixture, which no name of the fixture set holds, is seeded.)
pub fn new_org(
    tx: &Transaction<'_>,
    org_id: &str,
    (fixture_name, fixture): (&str, &OrgFixture),
) -> Result<(), StoreError> {
    if super::org_copy::has_template(tx, fixture_name)? {
        seed_clients(tx, fixture)?;
        return super::org_copy::copy(tx, fixture_name, org_id);
    }
    seed_org(tx, org_id, fixture_name, fixture, Tokens::None)?;
    super::org_copy::capture(tx, org_id, fixture_name)
}

/// The fixture's OAuth clients (server-wide: one already there is kept).
fn seed_clients(tx: &Transaction<'_>, fixture: &OrgFixture) -> Result<(), StoreError> {
    for client in &fixture.oauth_clients {
        tx.prepare_cached(
            "INSERT OR IGNORE INTO oauth_clients (client_id, client_secret, redirect_uri)
             VALUES (?1, ?2, ?3)",
        )?
        .execute(params![
            client.client_id,
            client.client_secret,
            client.redirect_uri
        ])?;
    }
    Ok(())
}

/// Restores an org to its fixture: everything it holds is deleted and seeded again, except the
/// tokens issued to it at run time (a reset keeps working the tokens its callers hold) and its
/// snapshots (a snapshot taken before a reset can still be restored after it).
pub fn reset_org(
    tx: &Transaction<'_>,
    org: &OrgRow,
    fixture: &OrgFixture,
    tokens: Tokens,
) -> Result<(), StoreError> {
    let org_id = org.id.as_str();
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
    seed_org(tx, org_id, &org.fixture, fixture, tokens)?;
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
    crm: &CrmFixture,
    tokens: Tokens,
    time: &dyn Fn(&str) -> Result<i64, StoreError>,
) -> Result<(), StoreError> {
    for profile in &fixture.profiles {
        insert!(tx, "profiles"; org_id => org_id, id => profile.id, name => profile.name,
            manage_portal => profile.manage_portal,
            manage_portal_users => profile.manage_portal_users)?;
    }
    for user in &fixture.users {
        insert!(tx, "users"; org_id => org_id, id => user.id, name => user.name,
            email => user.email, profile_id => user.profile)?;
    }
    seed_clients(tx, fixture)?;
    if tokens == Tokens::FromFixture {
        for token in &fixture.tokens {
            let expires_at = token.expires_at.as_deref().map(time).transpose()?;
            insert!(tx, "tokens"; org_id => org_id, token => token.token, kind => token.kind,
                user_id => token.user, client_id => token.client_id,
                scopes => token.scopes.join(" "), expires_at => expires_at,
                redirect_uri => token.redirect_uri, from_fixture => true)?;
        }
    }
    for module in &crm.modules {
        insert!(tx, "modules"; org_id => org_id, id => module.id, api_name => module.api_name,
            singular_label => module.singular_label, plural_label => module.plural_label,
            shared_type => module.shared_type, personality => module.personality,
            portal_allowed => module.portal_allowed)?;
        for field in &module.fields {
            insert!(tx, "fields"; org_id => org_id, id => field.id, module_id => module.id,
                api_name => field.api_name, field_label => field.field_label,
                data_type => field.data_type, lookup_module => field.lookup_module,
                portal_allowed => field.portal_allowed)?;
        }
        for layout in &module.layouts {
            insert!(tx, "layouts"; org_id => org_id, id => layout.id, module_id => module.id,
                name => layout.name, display_label => layout.display_label)?;
            for field in &layout.fields {
                insert!(tx, "layout_fields"; org_id => org_id, layout_id => layout.id,
                    field_id => field.id, mandatory => field.mandatory)?;
            }
        }
        for view in &module.views {
            insert!(tx, "views"; org_id => org_id, id => view.id, module_id => module.id,
                name => view.name, display_label => view.display_label, type => view.view_type)?;
        }
    }
    let module_id = |api_name: &str| {
        crm.modules
            .iter()
            .find(|m| m.api_name == api_name)
            .map(|m| m.id.clone())
            .ok_or_else(|| StoreError::Fixture {
                fixture: fixture_name.to_owned(),
                message: format!("no module {api_name:?} in the CRM"),
            })
    };
    for record in &crm.records {
        // The record's map as it is (a copy of it in a `Value` would serialise the same).
        let data = serde_json::to_string(&record.data).map_err(|e| StoreError::Fixture {
            fixture: fixture_name.to_owned(),
            message: format!("record {}: {e}", record.id),
        })?;
        insert!(tx, "records"; org_id => org_id, id => record.id,
            module_id => module_id(&record.module)?, name => record.name, email => record.email,
            approval => record.approval, gdpr_consent => record.gdpr_consent,
            state => record.state, data => data,
            created_time => record.created_time.as_deref().map(time).transpose()?,
            created_by => record.created_by,
            modified_time => record.modified_time.as_deref().map(time).transpose()?,
            modified_by => record.modified_by)?;
    }
    if let Some(portal) = &fixture.portal {
        insert!(tx, "portals"; org_id => org_id, name => portal.name,
            zaid => portal.zaid.as_ref().unwrap_or(&fixture.org.zaid), active => portal.active,
            created_time => time(&portal.created_time)?, created_by => portal.created_by,
            modified_time => time(&portal.modified_time)?, modified_by => portal.modified_by,
            saml => portal.saml_configuration.as_ref().map(Value::to_string))?;
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
            let module = config["id"].as_str();
            insert!(tx, "user_type_modules"; org_id => org_id, user_type_id => user_type.id,
                position => (position as i64), module_id => module, config => config.to_string())?;
        }
    }
    for (seq, user) in fixture.portal_users.iter().enumerate() {
        insert!(tx, "portal_users"; org_id => org_id, seq => (seq as i64 + 1),
            personality_id => user.personality_id, user_type_id => user.user_type_id,
            confirm => user.confirm, active => user.active, status_reason => user.status_reason,
            invited_time => time(&user.invited_time)?, language => user.language,
            invite_expired => user.invite_expired, source => user.source,
            created_time => time(user.created_time.as_deref().unwrap_or(&user.invited_time))?)?;
    }
    for job in &fixture.jobs {
        insert!(tx, "jobs"; org_id => org_id, id => job.id, kind => job.kind, module => job.module,
            status => job.status, user_id => job.user, created_time => time(&job.created_time)?,
            payload => job.payload.to_string(),
            results => job.results.as_ref().map(Value::to_string))?;
    }
    Ok(())
}

/// Runs one of [`insert!`]'s statements with its values.
fn insert_row(tx: &Transaction<'_>, sql: &str, values: &[&dyn ToSql]) -> Result<(), StoreError> {
    tx.prepare_cached(sql)?.execute(values)?;
    Ok(())
}
