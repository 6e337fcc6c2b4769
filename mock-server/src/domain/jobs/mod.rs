//! Scheduled jobs: bulk invites, bulk status changes, transfers over 200 users and deletes of
//! 500 or more. A job is stored `scheduled`; the background worker (or
//! `POST /__mock/orgs/{id}/jobs/run`) runs it in one transaction, item by item through the same
//! rules as the single calls, and stores each item's result with the job, now `completed`.
//!
//! When it runs, a job checks again everything the synchronous call checked before scheduling
//! it (the org is no sandbox, the portal exists, the user type of the path exists, a
//! transfer's target still is another type of the same personality module), since any of it
//! may have changed in between: each item of a job whose call would now be refused fails with
//! the error that call would answer, and nothing is applied.

mod invites;
pub mod worker;

use serde_json::{Value, json};

use crate::api::error::ApiError;
use crate::domain::membership::{self, Invitation, InviteType};
use crate::state::AppState;
pub use crate::store::Requester;
pub use crate::store::jobs::Schedule;
use crate::store::jobs::{self, JobRow};
use crate::store::orgs::OrgRow;
use crate::store::{StoreError, orgs};
use crate::version::ApiVersion;

/// Schedules a job and answers its id.
pub fn schedule<P: serde::Serialize + ?Sized>(
    tx: &rusqlite::Transaction<'_>,
    requester: Requester<'_>,
    job: &Schedule<'_, P>,
) -> Result<String, StoreError> {
    let id = orgs::next_id(tx, requester.org_id)?;
    jobs::insert(tx, requester, &id, job)?;
    Ok(id)
}

/// Runs every scheduled job (of one org, or of all: then not those of orgs whose jobs run only on
/// request); answers how many ran.
pub fn run_pending(state: &AppState, org_id: Option<&str>) -> Result<usize, StoreError> {
    let mut pending = state.store.read(|conn| jobs::pending(conn, org_id))?;
    if org_id.is_none() {
        pending.retain(|job| !state.runs_jobs_manually(&job.org_id));
    }
    let count = pending.len();
    for mut job in pending {
        let now = state.org_now(&job.org_id)?;
        // Shown as in_progress while it runs; a crash mid-run puts it back to scheduled on the
        // next start (see `Store::open`), and the run itself is one transaction.
        let claimed = state
            .store
            .write(|tx| jobs::set_status(tx, &job.org_id, &job.id, "scheduled", "in_progress"))?;
        if claimed {
            state.store.write(|tx| run(tx, &mut job, now))?;
        }
    }
    Ok(count)
}

/// Runs `job`, whose payload text it takes (read once, it is not held while the items run).
fn run(tx: &rusqlite::Transaction<'_>, job: &mut JobRow, now: i64) -> Result<(), StoreError> {
    // A job whose org went away, or that another runner finished, is left alone.
    let Some(org) = orgs::get(tx, &job.org_id)? else {
        return Ok(());
    };
    if jobs::get(tx, &job.org_id, &job.id)?.is_none_or(|current| current.status != "in_progress") {
        return Ok(());
    }
    // An invite job's items are read typed; the other kinds' payloads (their own items small)
    // as a tree.
    let payload_text = std::mem::take(&mut job.payload);
    let invites = (job.kind == "invite").then(|| invites::items(&payload_text));
    let payload: Value = match invites {
        Some(_) => Value::Null,
        None => serde_json::from_str(&payload_text).unwrap_or(Value::Null),
    };
    let job = &*job;
    let text = |key: &str| {
        payload
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let user_type_id = text("user_type_id");
    // What the synchronous call checked before scheduling, checked again now.
    let refused = preconditions(tx, &org, job, &payload).err();
    let mut results = Results::default();
    match job.kind.as_str() {
        "invite" => {
            let module = job.module.clone().unwrap_or_default();
            for item in invites.iter().flatten() {
                let record_id = &*item.id;
                let outcome = match InviteType::parse(&item.invite_type) {
                    _ if refused.is_some() => {
                        Err(refused.clone().unwrap_or(ApiError::InternalError))
                    }
                    Some(invite_type) => membership::invite(
                        tx,
                        &Invitation {
                            org: &org,
                            module: &module,
                            record_id,
                            user_type_id: &item.user_type_id,
                            invite_type,
                            language: item.language.as_deref().unwrap_or("en_US"),
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
                results.push(match &refused {
                    Some(error) => refused_item(error, personality_id),
                    None => item_result(
                        membership::change_status(tx, &org, &user_type_id, personality_id, active)
                            .map(|()| "Status of the user changed successfully."),
                        json!({ "personality_id": personality_id }),
                        None,
                    ),
                });
            }
        }
        "transfer" => {
            let target = text("transfer_To");
            for id in payload["personality_ids"].as_array().into_iter().flatten() {
                let id = id.as_str().unwrap_or_default();
                results.push(match &refused {
                    Some(error) => refused_item(error, id),
                    None => item_result(
                        membership::transfer(tx, &org.id, &user_type_id, &target, id)
                            .map(|()| "User has been transferred successfully"),
                        json!({ "personality_id": id }),
                        None,
                    ),
                });
            }
        }
        "delete" => {
            let message = payload["message"]
                .as_str()
                .unwrap_or("Portal user deleted successfully.")
                .to_owned();
            for id in payload["personality_ids"].as_array().into_iter().flatten() {
                let id = id.as_str().unwrap_or_default();
                results.push(match &refused {
                    Some(error) => refused_item(error, id),
                    None => item_result(
                        membership::delete(tx, &org.id, &user_type_id, id)
                            .map(|()| message.as_str()),
                        json!({ "personality_id": id }),
                        None,
                    ),
                });
            }
        }
        _ => {}
    }
    drop((payload, invites));
    drop(payload_text);
    jobs::complete(tx, &job.org_id, &job.id, results.finish())
}

/// A job's results as the JSON array stored with it, each result written out as it is made:
/// a 10,000-item job never holds 10,000 result values (nor its payload's tree, dropped first),
/// and the text is what serialising them as one array would write.
#[derive(Default)]
struct Results {
    text: String,
}

impl Results {
    fn push(&mut self, result: Value) {
        use std::fmt::Write as _;
        self.text.push(if self.text.is_empty() { '[' } else { ',' });
        // Writing to a String cannot fail.
        let _ = write!(self.text, "{result}");
    }

    fn finish(mut self) -> String {
        if self.text.is_empty() {
            self.text.push('[');
        }
        self.text.push(']');
        // What grew by doubling is given back before the text is stored (a 10,000-item job's
        // results are about 1.3 MB).
        self.text.shrink_to_fit();
        self.text
    }
}

/// The checks the synchronous call made before it scheduled the job, in its order, on the
/// state as it is now. The job's type columns are `None` once a type was deleted.
fn preconditions(
    tx: &rusqlite::Transaction<'_>,
    org: &OrgRow,
    job: &JobRow,
    payload: &Value,
) -> Result<(), ApiError> {
    if org.sandbox {
        return Err(ApiError::SandboxNotSupported);
    }
    membership::require_portal(tx, &org.id)?;
    if job.kind == "invite" {
        return Ok(());
    }
    let named = |key: &str| payload[key].as_str().unwrap_or_default().to_owned();
    let source = membership::require_type(
        tx,
        &org.id,
        job.user_type_id
            .as_deref()
            .unwrap_or(&named("user_type_id")),
    )?;
    if job.kind == "transfer" {
        // A deleted target is no type at all: the check refuses it as it refuses an unknown id.
        let target = job.target_type_id.clone().unwrap_or_default();
        membership::transfer_target(tx, &org.id, &(&source).into(), &target)?;
    }
    Ok(())
}

/// A transfer, delete or status item of a job whose call would now be refused: the call's
/// error, with details naming the item's user and what the call's error names (e.g.
/// `param_name: transfer_To`).
fn refused_item(error: &ApiError, personality_id: &str) -> Value {
    let mut details = serde_json::Map::new();
    details.insert("personality_id".into(), personality_id.into());
    if let Value::Object(extra) = error.details() {
        details.extend(extra);
    }
    item_result(
        Err(error.clone()),
        Value::Null,
        Some(Value::Object(details)),
    )
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

/// A job as the job-status endpoint shows it. Until it has completed, `data` is `null` on
/// v4–v7 (the v5 documentation) and an empty array on v8 (whose schema types it an array).
pub fn render(job: &JobRow, version: ApiVersion) -> Value {
    let pending = if version >= ApiVersion::V8 {
        Value::Array(Vec::new())
    } else {
        Value::Null
    };
    let data = job
        .results
        .as_deref()
        .and_then(|results| serde_json::from_str::<Value>(results).ok())
        .unwrap_or(pending);
    json!({ "data": data, "job_id": job.id, "status": job.status })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_written_one_by_one_are_the_array_serialised_whole() {
        for count in [0, 1, 3] {
            let items: Vec<Value> = (0..count)
                .map(|n| json!({ "code": "SUCCESS", "details": { "id": n.to_string() }, "x": [n, null] }))
                .collect();
            let mut results = Results::default();
            for item in items.clone() {
                results.push(item);
            }
            assert_eq!(results.finish(), Value::Array(items).to_string());
        }
    }
}
