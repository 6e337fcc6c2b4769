//! Dump: an org's portal, its user types, its portal users and its jobs.

use rusqlite::{Connection, OptionalExtension, params};
use time::UtcOffset;

use super::{bad_json, json_column, rows};
use crate::clock::format_timestamp;
use crate::fixtures::{JobFixture, PortalFixture, PortalUserFixture, UserTypeFixture};
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
                let zaid: String = row.get(1)?;
                let saml: Option<String> = row.get(7)?;
                Ok(PortalFixture {
                    name: row.get(0)?,
                    active: flag(row.get(2)?),
                    created_time: format_timestamp(row.get(3)?, offset),
                    created_by: row.get(4)?,
                    modified_time: format_timestamp(row.get(5)?, offset),
                    modified_by: row.get(6)?,
                    zaid: (zaid != org_zaid).then_some(zaid),
                    saml_configuration: saml
                        .map(|text| {
                            serde_json::from_str(&text).map_err(|_| bad_json(7, "portals.saml"))
                        })
                        .transpose()?,
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
            Ok(UserTypeFixture {
                id: row.get(0)?,
                name: row.get(1)?,
                personality_module: row.get(2)?,
                invitation_field: row.get(3)?,
                active: flag(row.get(4)?),
                default: flag(row.get(5)?),
                created_time: format_timestamp(row.get(6)?, offset),
                created_by: row.get(7)?,
                modified_time: format_timestamp(row.get(8)?, offset),
                modified_by: row.get(9)?,
                modules: Vec::new(),
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
                language, invite_expired
         FROM portal_users WHERE org_id = ?1 ORDER BY seq",
        [org_id],
        |row| {
            Ok(PortalUserFixture {
                personality_id: row.get(0)?,
                user_type_id: row.get(1)?,
                confirm: flag(row.get(2)?),
                active: flag(row.get(3)?),
                status_reason: row.get(4)?,
                invited_time: format_timestamp(row.get(5)?, offset),
                language: row.get(6)?,
                invite_expired: flag(row.get(7)?),
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
            let results: Option<String> = row.get(7)?;
            Ok(JobFixture {
                id: row.get(0)?,
                kind: row.get(1)?,
                module: row.get(2)?,
                status: row.get(3)?,
                user: row.get(4)?,
                created_time: format_timestamp(row.get(5)?, offset),
                payload: json_column(row, 6, "jobs.payload")?,
                results: results
                    .map(|text| {
                        serde_json::from_str(&text).map_err(|_| bad_json(7, "jobs.results"))
                    })
                    .transpose()?,
            })
        },
    )
}
