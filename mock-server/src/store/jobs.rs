//! SQL for scheduled jobs.

use rusqlite::{Connection, params};
use serde::Serialize;
use serde_json::Value;

use super::row::{from_row, row, rows};
use super::{Requester, StoreError};

/// A job.
#[derive(Debug, Clone, PartialEq)]
pub struct JobRow {
    /// The org.
    pub org_id: String,
    /// Id.
    pub id: String,
    /// `invite`, `change_status`, `transfer` or `delete`.
    pub kind: String,
    /// Invites: the module of the path.
    pub module: Option<String>,
    /// `scheduled`, `in_progress` or `completed`.
    pub status: String,
    /// Who scheduled it.
    pub user_id: String,
    /// What to do (JSON).
    pub payload: String,
    /// Per-item results once completed (JSON).
    pub results: Option<String>,
    /// The user type it acts on (all but invites); `None` once that type was deleted.
    pub user_type_id: Option<String>,
    /// Transfers: the type users move to; `None` once that type was deleted.
    pub target_type_id: Option<String>,
}

const SELECT: &str = "SELECT org_id, id, kind, module, status, user_id, payload, results,
                             user_type_id, target_type_id FROM jobs";

fn row_to_job(row: &rusqlite::Row<'_>) -> rusqlite::Result<JobRow> {
    from_row!(row => JobRow {
        org_id, id, kind, module, status, user_id, payload, results,
        user_type_id, target_type_id,
    })
}

/// A job to schedule: what the synchronous call has checked, and what to do. The payload is
/// anything that serialises to its JSON (a [`Value`], or typed items written out directly).
pub struct Schedule<'a, P: Serialize + ?Sized = Value> {
    /// `invite`, `change_status`, `transfer` or `delete`.
    pub kind: &'static str,
    /// Invites: the module of the path.
    pub module: Option<&'a str>,
    /// The user type of the path (all but invites).
    pub user_type_id: Option<&'a str>,
    /// Transfers: the target type.
    pub target_type_id: Option<&'a str>,
    /// The items, stored as their JSON text.
    pub payload: &'a P,
}

/// Schedules a job. The types it names must exist (their foreign keys refuse it otherwise).
pub fn insert<P: Serialize + ?Sized>(
    conn: &Connection,
    by: Requester<'_>,
    id: &str,
    job: &Schedule<'_, P>,
) -> Result<(), StoreError> {
    // What `Value`'s `Display` writes; serialising a payload cannot fail (string keys only).
    let payload = serde_json::to_string(job.payload).unwrap_or_default();
    conn.prepare_cached(
        "INSERT INTO jobs (org_id, id, kind, module, status, user_id, created_time, payload,
                           results, user_type_id, target_type_id)
         VALUES (?1, ?2, ?3, ?4, 'scheduled', ?5, ?6, ?7, NULL, ?8, ?9)",
    )?
    .execute(params![
        by.org_id,
        id,
        job.kind,
        job.module,
        by.user_id,
        by.now,
        payload,
        job.user_type_id,
        job.target_type_id
    ])?;
    Ok(())
}

/// Links an org's jobs to the user types their payloads name, where those types exist (after
/// seeding from a fixture, whose jobs carry only payloads).
pub fn link_types(conn: &Connection, org_id: &str) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE jobs SET
           user_type_id = (SELECT t.id FROM user_types t WHERE t.org_id = jobs.org_id
                             AND t.id = json_extract(jobs.payload, '$.user_type_id')
                             AND jobs.kind <> 'invite'),
           target_type_id = (SELECT t.id FROM user_types t WHERE t.org_id = jobs.org_id
                               AND t.id = json_extract(jobs.payload, '$.transfer_To')
                               AND jobs.kind = 'transfer')
         WHERE org_id = ?1",
    )?
    .execute([org_id])?;
    Ok(())
}

/// Every job of an org, oldest first.
pub fn all(conn: &Connection, org_id: &str) -> Result<Vec<JobRow>, StoreError> {
    rows(
        conn,
        &format!("{SELECT} WHERE org_id = ?1 ORDER BY created_time, id"),
        [org_id],
        row_to_job,
    )
}

/// One job of an org.
pub fn get(conn: &Connection, org_id: &str, id: &str) -> Result<Option<JobRow>, StoreError> {
    row(
        conn,
        &format!("{SELECT} WHERE org_id = ?1 AND id = ?2"),
        params![org_id, id],
        row_to_job,
    )
}

/// The org's jobs of a kind (and module), oldest first.
pub fn list(
    conn: &Connection,
    org_id: &str,
    kind: &str,
    module: Option<&str>,
) -> Result<Vec<JobRow>, StoreError> {
    rows(
        conn,
        &format!(
            "{SELECT} WHERE org_id = ?1 AND kind = ?2
                        AND (?3 IS NULL OR module = ?3 COLLATE NOCASE)
             ORDER BY created_time, id"
        ),
        params![org_id, kind, module],
        row_to_job,
    )
}

/// Scheduled jobs, oldest first; of one org, or of every org.
pub fn pending(conn: &Connection, org_id: Option<&str>) -> Result<Vec<JobRow>, StoreError> {
    rows(
        conn,
        &format!(
            "{SELECT} WHERE status = 'scheduled' AND (?1 IS NULL OR org_id = ?1)
         ORDER BY created_time, id"
        ),
        params![org_id],
        row_to_job,
    )
}

/// Records a job as completed with its results.
pub fn complete(
    conn: &Connection,
    org_id: &str,
    id: &str,
    results: String,
) -> Result<(), StoreError> {
    let mut statement = conn.prepare_cached(
        "UPDATE jobs SET status = 'completed', results = ?3 WHERE org_id = ?1 AND id = ?2",
    )?;
    statement.raw_bind_parameter(1, org_id)?;
    statement.raw_bind_parameter(2, id)?;
    // SQLite keeps its own copy of a bound text: a 10,000-item job's results (about 1.3 MB)
    // are not held twice while the row is written.
    statement.raw_bind_parameter(3, &results)?;
    drop(results);
    statement.raw_execute()?;
    Ok(())
}

/// Moves a job from one status to another; answers whether it was in `from`.
pub fn set_status(
    conn: &Connection,
    org_id: &str,
    id: &str,
    from: &str,
    to: &str,
) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "UPDATE jobs SET status = ?4 WHERE org_id = ?1 AND id = ?2 AND status = ?3",
        )?
        .execute(params![org_id, id, from, to])?
        > 0)
}

/// Puts jobs interrupted by a crash back in the queue.
pub fn requeue_interrupted(conn: &Connection) -> Result<usize, StoreError> {
    Ok(conn
        .prepare_cached("UPDATE jobs SET status = 'scheduled' WHERE status = 'in_progress'")?
        .execute([])?)
}
