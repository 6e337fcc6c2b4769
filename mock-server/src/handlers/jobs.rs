//! Scheduled jobs: bulk invites, bulk status changes, transfers over 200 users and deletes of
//! 500 or more. A job is stored `scheduled`; the background worker (or
//! `POST /__mock/orgs/{id}/jobs/run`) runs it in one transaction, item by item through the same
//! rules as the single calls, and stores each item's result with the job, now `completed`.

use serde_json::{Value, json};

use super::membership::{self, Invitation, InviteType};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::jobs::{self, JobRow, NewJob};
use crate::store::{StoreError, orgs};

/// Schedules a job and answers its id.
pub fn schedule(
    tx: &rusqlite::Transaction<'_>,
    org_id: &str,
    kind: &str,
    module: Option<&str>,
    user_id: &str,
    now: i64,
    payload: &Value,
) -> Result<String, StoreError> {
    let id = orgs::next_id(tx, org_id)?;
    jobs::insert(
        tx,
        &NewJob {
            org_id,
            id: &id,
            kind,
            module,
            user_id,
            now,
            payload: &payload.to_string(),
        },
    )?;
    Ok(id)
}

/// Runs every scheduled job (of one org, or of all); answers how many ran.
pub fn run_pending(state: &AppState, org_id: Option<&str>) -> Result<usize, StoreError> {
    let pending = state.store.read(|conn| jobs::pending(conn, org_id))?;
    for job in &pending {
        let now = state.org_now(&job.org_id)?;
        // Shown as in_progress while it runs; a crash mid-run puts it back to scheduled on the
        // next start (see `Store::open`), and the run itself is one transaction.
        let claimed = state
            .store
            .write(|tx| jobs::set_status(tx, &job.org_id, &job.id, "scheduled", "in_progress"))?;
        if claimed {
            state.store.write(|tx| run(tx, job, now))?;
        }
    }
    Ok(pending.len())
}

fn run(tx: &rusqlite::Transaction<'_>, job: &JobRow, now: i64) -> Result<(), StoreError> {
    // A job whose org went away, or that another runner finished, is left alone.
    let Some(org) = orgs::get(tx, &job.org_id)? else {
        return Ok(());
    };
    if jobs::get(tx, &job.org_id, &job.id)?.is_none_or(|current| current.status != "in_progress") {
        return Ok(());
    }
    let payload: Value = serde_json::from_str(&job.payload).unwrap_or(Value::Null);
    let text = |key: &str| {
        payload
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let user_type_id = text("user_type_id");
    let mut results = Vec::new();
    match job.kind.as_str() {
        "invite" => {
            let module = job.module.clone().unwrap_or_default();
            for item in payload["items"].as_array().into_iter().flatten() {
                let field = |key: &str| item.get(key).and_then(Value::as_str).unwrap_or_default();
                let record_id = field("id");
                let outcome = match InviteType::parse(field("type")) {
                    Some(invite_type) => membership::invite(
                        tx,
                        &Invitation {
                            org: &org,
                            module: &module,
                            record_id,
                            user_type_id: field("user_type_id"),
                            invite_type,
                            language: item
                                .get("language")
                                .and_then(Value::as_str)
                                .unwrap_or("en_US"),
                            now,
                        },
                    )
                    .map(|()| invite_type.success_message()),
                    None => Err(ApiError::CannotProcess {
                        message: "Invalid type for the portal invite",
                    }),
                };
                // Every invite item names its record in `details.id`, failed ones too (the job
                // status documentation's description of `details`).
                let details = json!({ "id": record_id });
                results.push(item_result(outcome, details.clone(), Some(details)));
            }
        }
        "change_status" => {
            for item in payload["users"].as_array().into_iter().flatten() {
                let personality_id = item["personality_id"].as_str().unwrap_or_default();
                let active = item["active"].as_bool().unwrap_or(true);
                let outcome =
                    membership::change_status(tx, &org, &user_type_id, personality_id, active)
                        .map(|()| "Status of the user changed successfully.");
                let details = json!({ "personality_id": personality_id });
                results.push(item_result(outcome, details, None));
            }
        }
        "transfer" => {
            let target = text("transfer_To");
            for id in payload["personality_ids"].as_array().into_iter().flatten() {
                let id = id.as_str().unwrap_or_default();
                let outcome = membership::transfer(tx, &org.id, &user_type_id, &target, id)
                    .map(|()| "User has been transferred successfully");
                results.push(item_result(outcome, json!({ "personality_id": id }), None));
            }
        }
        "delete" => {
            let message = payload["message"]
                .as_str()
                .unwrap_or("Portal user deleted successfully.")
                .to_owned();
            for id in payload["personality_ids"].as_array().into_iter().flatten() {
                let id = id.as_str().unwrap_or_default();
                let outcome =
                    membership::delete(tx, &org.id, &user_type_id, id).map(|()| message.as_str());
                results.push(item_result(outcome, json!({ "personality_id": id }), None));
            }
        }
        _ => {}
    }
    jobs::complete(tx, &job.org_id, &job.id, &Value::Array(results).to_string())
}

/// One item's result, in the key order of the documented job status; failed items carry
/// `error_details` when given, else the error's own details.
fn item_result(
    outcome: Result<&str, ApiError>,
    success_details: Value,
    error_details: Option<Value>,
) -> Value {
    match outcome {
        Ok(message) => json!({
            "details": success_details, "code": "SUCCESS", "message": message, "status": "success",
        }),
        Err(error) => json!({
            "details": error_details.unwrap_or_else(|| error.details()), "code": error.code(), "message": error.message(), "status": "error",
        }),
    }
}

/// A job as the job-status endpoint shows it: `data` is null until it has completed.
pub fn render(job: &JobRow) -> Value {
    let data = job
        .results
        .as_deref()
        .and_then(|results| serde_json::from_str::<Value>(results).ok())
        .unwrap_or(Value::Null);
    json!({ "data": data, "job_id": job.id, "status": job.status })
}
