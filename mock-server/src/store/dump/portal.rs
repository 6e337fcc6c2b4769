//! Dump: an org's portal, its user types, its portal users and its jobs.

use rusqlite::{Connection, OptionalExtension, params};
use time::UtcOffset;

use super::{bad_json, json_column, rows};
use crate::clock::format_timestamp;
use crate::fixtures::{JobFixture, PortalFixture, PortalUserFixture, UserTypeFixture};
use crate::store::row::from_row;
use crate::store::{StoreError, flag};

pub(super) fn portal(
    conn: &Connection,
    org_id: &str,
    org_zaid: &str,
    offset: UtcOffset,
) -> Result<Option<PortalFixture>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT name, zaid, active, created_time, created_by, modified_time, modified_by, saml
             FROM portals WHERE org_id = ?1",
            [org_id],
            |row| {
                // The last column, JSON read apart: a malformed one is an error.
                let saml: Option<String> = row.get(7)?;
                let saml_configuration = saml
                    .map(|text| {
                        serde_json::from_str(&text).map_err(|_| bad_json(7, "portals.saml"))
                    })
                    .transpose()?;
                let time = |unix: i64| format_timestamp(unix, offset);
                from_row!(row => PortalFixture {
                    name,
                    // Only a zaid other than the org's is written.
                    zaid: |zaid: String| (zaid != org_zaid).then_some(zaid),
                    active: flag, created_time: time, created_by, modified_time: time,
                    modified_by, saml_configuration = saml_configuration,
                })
            },
        )
        .optional()?)
}

pub(super) fn user_types(
    conn: &Connection,
    org_id: &str,
    offset: UtcOffset,
) -> Result<Vec<UserTypeFixture>, StoreError> {
    let mut types = rows(
        conn,
        "SELECT t.id, t.name, m.api_name, f.api_name, t.active, t.is_default, t.created_time,
                t.created_by, t.modified_time, t.modified_by
         FROM user_types t
         JOIN modules m ON m.org_id = t.org_id AND m.id = t.personality_module_id
         LEFT JOIN fields f ON f.org_id = t.org_id AND f.id = t.invitation_field_id
         WHERE t.org_id = ?1 ORDER BY t.rowid",
        [org_id],
        |row| {
            let time = |unix: i64| format_timestamp(unix, offset);
            from_row!(row => UserTypeFixture {
                id, name, personality_module, invitation_field, active: flag, default: flag,
                created_time: time, created_by, modified_time: time, modified_by,
                modules = Vec::new(),
            })
        },
    )?;
    for user_type in &mut types {
        user_type.modules = rows(
            conn,
            "SELECT config FROM user_type_modules
             WHERE org_id = ?1 AND user_type_id = ?2 ORDER BY position",
            params![org_id, user_type.id],
            |row| json_column(row, 0, "user_type_modules.config"),
        )?;
    }
    Ok(types)
}

pub(super) fn portal_users(
    conn: &Connection,
    org_id: &str,
    offset: UtcOffset,
) -> Result<Vec<PortalUserFixture>, StoreError> {
    rows(
        conn,
        "SELECT personality_id, user_type_id, confirm, active, status_reason, invited_time,
                language, invite_expired, source,
                NULLIF(created_time, invited_time) AS created_time
         FROM portal_users WHERE org_id = ?1 ORDER BY seq",
        [org_id],
        |row| {
            // `created_time` is written only where it differs from `invited_time` (a reinvite).
            from_row!(row => PortalUserFixture {
                personality_id, user_type_id, confirm: flag, active: flag, status_reason,
                invited_time: |unix: i64| format_timestamp(unix, offset),
                language, invite_expired: flag, source,
                created_time: |unix: Option<i64>| unix.map(|unix| format_timestamp(unix, offset)),
            })
        },
    )
}

pub(super) fn jobs(
    conn: &Connection,
    org_id: &str,
    offset: UtcOffset,
) -> Result<Vec<JobFixture>, StoreError> {
    rows(
        conn,
        "SELECT id, kind, module, status, user_id, created_time, payload, results
         FROM jobs WHERE org_id = ?1 ORDER BY rowid",
        [org_id],
        |row| {
            // The last two columns, JSON read apart: a malformed one is an error.
            let payload = json_column(row, 6, "jobs.payload")?;
            let results: Option<String> = row.get(7)?;
            let results = results
                .map(|text| serde_json::from_str(&text).map_err(|_| bad_json(7, "jobs.results")))
                .transpose()?;
            from_row!(row => JobFixture {
                id, kind, module, status, user,
                created_time: |unix: i64| format_timestamp(unix, offset),
                payload = payload, results = results,
            })
        },
    )
}
